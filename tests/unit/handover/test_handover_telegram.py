"""A Telegram producer handed over to staff: the staff reply goes out with the Bot API's sendMessage."""

from __future__ import annotations

import httpx
import pytest

from gateway.channels.telegram.channel import SECRET_HEADER
from gateway.handover.service import FINISHED
from tests.channels.telegram_updates import text_update
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fixtures import run_gateway, serve
from tests.unit.handover.conftest import ALWAYS_OPEN, signed_in
from tests.unit.handover.test_handover_gateway import post, queue, wait_until
from tests.unit.staff.conftest import PASSWORD

TOKEN = "654321:TEST-token_handover"
SECRET = "hook-secret_handover"
CHAT = 515151


@pytest.fixture
def telegram():
    yield from serve(FakeTelegram(TOKEN))


@pytest.fixture
def gateway(gateway_settings, telegram):
    settings = gateway_settings.replace(
        telegram_bot_token=TOKEN, telegram_webhook_secret=SECRET, telegram_api_url=telegram.url, **ALWAYS_OPEN
    )
    with run_gateway(settings) as server:
        server.app.state.staff.create_user("can-bo-tg", PASSWORD, "operator")
        yield server


def say(gateway, update_id: int, text: str) -> None:
    response = httpx.post(
        f"{gateway.url}/telegram/webhook", json=text_update(update_id, CHAT, text), headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 200


def texts(telegram) -> list[str]:
    return [call["text"] for call in telegram.calls_of("sendMessage") if int(call["chat_id"]) == CHAT]


def test_staff_reply_reaches_the_telegram_chat(gateway, telegram):
    say(gateway, 1, "gặp cán bộ")
    wait_until(lambda: texts(telegram))
    with signed_in(gateway, "can-bo-tg") as operator:
        (conversation,) = queue(operator)
        assert conversation["channel"] == "telegram"
        sent = post(operator, f"/staff/api/inbox/{conversation['id']}/reply", text="Chào bạn, tôi là cán bộ OCOP.")
        assert sent.json()["message"]["delivery"] == "sent"
        assert wait_until(lambda: texts(telegram)[1:])[0] == "Chào bạn, tôi là cán bộ OCOP."
        assert post(operator, f"/staff/api/inbox/{conversation['id']}/return").status_code == 200
    assert wait_until(lambda: texts(telegram)[2:]) == [FINISHED["returned"]]
