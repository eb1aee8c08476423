"""Past its capacity the running gateway answers at once on every channel, and nothing acknowledged is lost.

A slow fake Rasa holds every turn for `RASA_SECONDS`; the gateway admits `LIMIT` turns at a time and lets
another wait `WAIT` seconds for a slot.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gateway.channels.telegram.channel import SECRET_HEADER
from gateway.channels.web import BUSY_RETRY_SECONDS
from gateway.conversation import busy_reply
from tests.channels.telegram_updates import text_update
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fake_zalo import encode, text_event
from tests.fakes.fixtures import run_gateway, serve, with_zalo

LIMIT = 2
WAIT = 0.3
RASA_SECONDS = 2.0
# A refused turn is answered within the wait plus this (loopback HTTP, a busy CI machine), far below a Rasa turn.
SLACK = 0.9
TOKEN = "123456:TEST-token_ABCdef"
SECRET = "hook-secret_42"


@pytest.fixture
def overload_settings(gateway_settings, fake_rasa):
    fake_rasa.delay = RASA_SECONDS
    return gateway_settings.replace(
        max_inflight_turns=LIMIT, turn_wait_seconds=WAIT, rate_limit_per_minute=0, rate_limit_per_address_per_minute=0
    )


def chat(gateway, sender: str, message: str) -> httpx.Response:
    return httpx.post(f"{gateway.url}/api/chat", json={"sender": sender, "message": message}, timeout=10)


def fill_slots(gateway, fake_rasa, pool: ThreadPoolExecutor) -> list:
    """LIMIT web chat turns held by the slow Rasa (the futures of their responses)."""
    running = [pool.submit(chat, gateway, f"patient-{n:04d}", f"câu hỏi số {n}") for n in range(LIMIT)]
    wait_until(lambda: len(fake_rasa.holding) == LIMIT)
    return running


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def logged(data_dir) -> list[dict]:
    return [json.loads(line) for line in (data_dir / "messages.jsonl").read_text().splitlines()]


def test_the_web_chat_turn_past_capacity_gets_a_polite_429_at_once(overload_settings, fake_rasa):
    with run_gateway(overload_settings) as gateway, ThreadPoolExecutor(LIMIT) as pool:
        running = fill_slots(gateway, fake_rasa, pool)
        started = time.monotonic()
        refused = chat(gateway, "latecomer-01", "hồ sơ đăng ký OCOP gồm những gì")
        elapsed = time.monotonic() - started
        assert refused.status_code == 429
        assert elapsed < WAIT + SLACK
        assert refused.headers["Retry-After"] == str(BUSY_RETRY_SECONDS)
        assert refused.json()["error"] == busy_reply()
        assert fake_rasa.messages_from("web:latecomer-01") == []  # Rasa's queue did not grow
        assert [r.result().status_code for r in running] == [200] * LIMIT
        statuses = [(r["direction"], r["status"], r["text"]) for r in logged(overload_settings.data_dir)]
        assert ("in", "busy", "hồ sơ đăng ký OCOP gồm những gì") in statuses
        assert ("out", "busy", busy_reply()) in statuses
        # once the crowd has gone the same user is answered as usual
        assert chat(gateway, "latecomer-01", "hồ sơ đăng ký OCOP gồm những gì").status_code == 200


def test_a_zalo_user_past_capacity_gets_the_busy_reply_and_the_question_stays_logged(
    overload_settings, fake_rasa, zalo
):
    settings = with_zalo(overload_settings, zalo.url)
    with run_gateway(settings) as gateway, ThreadPoolExecutor(LIMIT) as pool:
        running = fill_slots(gateway, fake_rasa, pool)
        body, headers = encode(text_event("777000111", "sản phẩm 4 sao cần bao nhiêu điểm", "zalo-busy-1"))
        started = time.monotonic()
        assert httpx.post(f"{gateway.url}/zalo/webhook", content=body, headers=headers).status_code == 200
        (text,) = zalo.wait_for_texts("777000111", timeout=WAIT + SLACK)
        assert time.monotonic() - started < WAIT + SLACK
        assert text == busy_reply()
        [r.result() for r in running]
    records = [r for r in logged(settings.data_dir) if r["channel"] == "zalo"]
    assert [(r["direction"], r["status"]) for r in records] == [("in", "busy"), ("out", "busy")]
    assert records[0]["text"] == "sản phẩm 4 sao cần bao nhiêu điểm"


@pytest.fixture
def telegram():
    yield from serve(FakeTelegram(TOKEN))


def test_a_telegram_user_past_capacity_gets_the_busy_reply(overload_settings, fake_rasa, telegram):
    settings = overload_settings.replace(
        telegram_bot_token=TOKEN, telegram_webhook_secret=SECRET, telegram_api_url=telegram.url
    )
    with run_gateway(settings) as gateway, ThreadPoolExecutor(LIMIT) as pool:
        running = fill_slots(gateway, fake_rasa, pool)
        started = time.monotonic()
        posted = httpx.post(
            f"{gateway.url}/telegram/webhook",
            json=text_update(9001, 5150, "htx có được tham gia không"),
            headers={SECRET_HEADER: SECRET},
        )
        assert posted.status_code == 200
        (sent,) = telegram.wait_for("sendMessage", timeout=WAIT + SLACK)
        assert time.monotonic() - started < WAIT + SLACK
        assert sent["text"] == busy_reply() and int(sent["chat_id"]) == 5150
        [r.result() for r in running]
    statuses = [(r["direction"], r["status"]) for r in logged(settings.data_dir) if r["channel"] == "telegram"]
    assert statuses == [("in", "busy"), ("out", "busy")]
