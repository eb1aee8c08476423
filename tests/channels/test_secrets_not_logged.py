"""No secret reaches the logs, even at DEBUG level, through a Telegram and a Zalo conversation."""

from __future__ import annotations

import io
import logging

import httpx

from gateway.channels.telegram.channel import SECRET_HEADER
from tests.channels.telegram_updates import text_update
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fake_zalo import APP_SECRET_KEY, OA_SECRET_KEY, FakeZalo, encode, text_event
from tests.fakes.fixtures import run_gateway, with_channels
from tests.fakes.server import ServerThread

TOKEN = "555666:SECRET-bot-token-value"
WEBHOOK_SECRET = "secret_webhook_value"


def test_debug_logs_carry_no_secret(gateway_settings, fake_rasa):
    telegram, zalo = FakeTelegram(TOKEN), FakeZalo(access_token="access-secret-1", refresh_token="refresh-secret-1")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with ServerThread(telegram.app) as telegram_server, ServerThread(zalo.app) as zalo_server:
            settings = with_channels(
                gateway_settings.replace(log_level="DEBUG"),
                telegram_server.url,
                zalo_server.url,
                bot_token=TOKEN,
                webhook_secret=WEBHOOK_SECRET,
                access_token="access-secret-1",
                refresh_token="refresh-secret-1",
            )
            with run_gateway(settings) as gateway:
                update = text_update(1, 31337, "xin chào")
                httpx.post(f"{gateway.url}/telegram/webhook", json=update, headers={SECRET_HEADER: WEBHOOK_SECRET})
                telegram.wait_for("sendMessage")
                zalo.expire_access_tokens()
                body, headers = encode(text_event("8080", "xin chào", "m-1"))
                httpx.post(f"{gateway.url}/zalo/webhook", content=body, headers=headers)
                zalo.wait_for_texts("8080")
                fake_rasa.mode = "down"
                httpx.post(f"{gateway.url}/api/chat", json={"message": "hồ sơ"})
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert "Telegram channel on" in logged and "Zalo access token refreshed" in logged
    for secret in (
        TOKEN,
        WEBHOOK_SECRET,
        OA_SECRET_KEY,
        APP_SECRET_KEY,
        "access-secret-1",
        "refresh-secret-1",
        "access-2",
        "refresh-2",
    ):
        assert secret not in logged, secret
