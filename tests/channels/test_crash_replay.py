"""kill -9 of a real gateway process (uvicorn) mid-turn, then a restart: nothing acknowledged is lost or run twice.

Fake Telegram, Zalo and Rasa servers run in the test process; the gateway is `uvicorn gateway.app:app`
with its state in a temporary directory (the embedded SQLite default). The fake Rasa keeps trackers,
so the tests count the Rasa turns each message id started, and what each user received.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from stack.services import Service, StackConfig, free_port, gateway_service
from tests.channels.telegram_updates import text_update
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fake_zalo import encode, text_event
from tests.fakes.fixtures import serve
from tests.scale.gateways import kill_hard, url_of, zalo_env

TOKEN = "123456:CRASH-token_ABCdef"
SECRET = "crash-hook-secret_42"
LEASE = 3.0
CHATS = [6100 + n for n in range(10)]


@pytest.fixture
def telegram():
    yield from serve(FakeTelegram(TOKEN))


def start_gateway(data_dir: Path, rasa_url: str, zalo_url: str, telegram_url: str, mode: str = "webhook") -> Service:
    """A started gateway process with Telegram (`mode`) and Zalo on the fake APIs, a short inbox lease."""
    env = {
        "OCOP_INBOX_LEASE_SECONDS": str(LEASE),
        "OCOP_RASA_TIMEOUT": "10",
        "OCOP_MAX_INFLIGHT_TURNS": "0",  # every chat's turn waits in the slow Rasa at once (no busy replies)
        "OCOP_TELEGRAM_BOT_TOKEN": TOKEN,
        "OCOP_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "OCOP_TELEGRAM_API_URL": telegram_url,
        "OCOP_TELEGRAM_MODE": mode,
        **zalo_env(zalo_url),
    }
    config = StackConfig(model=Path("unused.tar.gz"), data_dir=data_dir, extra_env=env)
    service = gateway_service(config, free_port(), rasa_url, "crash")
    service.start()
    service.wait_ready(60)
    return service


def question(number: int) -> str:
    return f"hồ sơ đăng ký gồm những gì, câu số {number:02d}"


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def log_records(data_dir: Path) -> list[dict]:
    path = data_dir / "messages.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def telegram_answers(telegram: FakeTelegram, numbers: list[int]) -> dict[int, int]:
    """How many messages quoting each question were sent (the fake Rasa's reply repeats the question)."""
    texts = [call["text"] for call in telegram.calls_of("sendMessage")]
    return {n: sum(question(n) in text for text in texts) for n in numbers}


def assert_each_answered_once(count_answers, numbers: list[int]) -> None:
    wait_until(lambda: all(count_answers(numbers).values()), 40, "every acknowledged message to be answered")
    time.sleep(LEASE + 1.5)  # a lease more: a second answer would have come by now
    counts = count_answers(numbers)
    assert [n for n, c in counts.items() if c == 0] == [], "acknowledged but never answered"
    assert [n for n, c in counts.items() if c > 1] == [], "answered twice"


def test_telegram_webhook_updates_survive_a_kill_9_mid_turn_and_run_one_rasa_turn_each(
    tmp_path, fake_rasa, zalo, telegram
):
    data_dir = tmp_path / "gw"
    gateway = start_gateway(data_dir, fake_rasa.url, zalo.url, telegram.url)
    restarted = None
    try:
        fake_rasa.delay = 30.0  # a slow Rasa: the turns are still running when the gateway dies
        updates = {n: text_update(9000 + n, CHATS[n % len(CHATS)], question(n)) for n in range(20)}
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        for update in updates.values():
            response = httpx.post(f"{url_of(gateway)}/telegram/webhook", json=update, headers=headers, timeout=5)
            assert response.status_code == 200 and response.json() == {"ok": True, "duplicate": False}
        # The first update of each chat is in Rasa now (the second waits behind it, in order).
        wait_until(lambda: len(fake_rasa.holding) == len(CHATS), 10, "one turn per chat to reach Rasa")
        logged = {r["text"] for r in log_records(data_dir) if r["direction"] == "in" and r["status"] == "received"}
        assert logged == set(fake_rasa.holding), "each message is in the log before Rasa is asked"
        kill_hard(gateway)
        assert telegram.calls_of("sendMessage") == [], "the kill came before any answer"
        fake_rasa.delay = 0.0
        restarted = start_gateway(data_dir, fake_rasa.url, zalo.url, telegram.url)
        assert_each_answered_once(lambda numbers: telegram_answers(telegram, numbers), list(updates))
    finally:
        for service in (gateway, restarted):
            if service is not None:
                service.stop()
    turns = {n: fake_rasa.turns_of(f"telegram:update:{update['update_id']}") for n, update in updates.items()}
    assert [n for n, t in turns.items() if t != 1] == [], "one Rasa turn per update_id"
    incoming = [r["text"] for r in log_records(data_dir) if r["direction"] == "in"]
    assert sorted(set(incoming)) == sorted(question(n) for n in updates), "every message is in the log"


def test_telegram_polling_confirms_updates_only_once_they_are_stored(tmp_path, fake_rasa, zalo, telegram):
    data_dir = tmp_path / "gw"
    fake_rasa.delay = 30.0
    gateway = start_gateway(data_dir, fake_rasa.url, zalo.url, telegram.url, mode="polling")
    restarted = None
    numbers = list(range(6))
    try:
        for n in numbers:
            telegram.queue_update(text_update(telegram.next_update_id(), CHATS[n], question(n)))
        wait_until(lambda: telegram.unconfirmed_updates() == 0, 10, "getUpdates to confirm the updates")
        with sqlite3.connect(data_dir / "gateway_state.sqlite3") as state:
            stored = state.execute("SELECT COUNT(*) FROM inbox WHERE channel = 'telegram'").fetchone()[0]
        assert stored == len(numbers), "every update Telegram no longer holds is in the inbox"
        wait_until(lambda: len(fake_rasa.holding) == len(numbers), 10, "the turns to reach Rasa")
        kill_hard(gateway)
        fake_rasa.delay = 0.0
        restarted = start_gateway(data_dir, fake_rasa.url, zalo.url, telegram.url, mode="polling")
        assert_each_answered_once(lambda ns: telegram_answers(telegram, ns), numbers)
    finally:
        for service in (gateway, restarted):
            if service is not None:
                service.stop()


def test_zalo_replay_after_a_kill_between_the_turn_and_its_completion_runs_no_second_turn(
    tmp_path, fake_rasa, zalo, telegram
):
    data_dir = tmp_path / "gw"
    users = [f"88{n:08d}" for n in range(5)]
    gateway = start_gateway(data_dir, fake_rasa.url, zalo.url, telegram.url)
    restarted = None
    numbers = list(range(10))  # two messages per user: a form question's answer, then the next one
    try:
        fake_rasa.reply_delay = 3.0  # Rasa has saved the turn; its reply is still on the way
        for n in numbers:
            body, headers = encode(text_event(users[n % 5], question(n), f"crash-{n}"))
            response = httpx.post(f"{url_of(gateway)}/zalo/webhook", content=body, headers=headers, timeout=5)
            assert response.json() == {"status": "accepted"}
        wait_until(lambda: sum(map(fake_rasa.turns_of, [f"zalo:msg:crash-{n}" for n in range(5)])) == 5, 10, "turns")
        kill_hard(gateway)  # every user's first turn is in the tracker, none is marked done in the inbox
        assert zalo.sent == []
        fake_rasa.reply_delay = 0.0
        restarted = start_gateway(data_dir, fake_rasa.url, zalo.url, telegram.url)

        def answers(ns: list[int]) -> dict[int, int]:
            texts = [m["text"] for m in zalo.sent]
            return {n: sum(question(n) in text for text in texts) for n in ns}

        assert_each_answered_once(answers, numbers)
    finally:
        for service in (gateway, restarted):
            if service is not None:
                service.stop()
    assert {n: fake_rasa.turns_of(f"zalo:msg:crash-{n}") for n in numbers} == dict.fromkeys(numbers, 1)
    replayed = [r for r in log_records(data_dir) if r["status"] == "replayed"]
    assert len(replayed) == len(users), "the turns Rasa had saved were answered from its tracker"
    for user in users:
        first, second = (n for n in numbers if users[n % 5] == user)
        assert fake_rasa.messages_from(f"zalo:{user}") == [question(first), question(second)], "one turn each"
        texts = zalo.texts_to(user)
        assert question(first) in texts[0] and question(second) in texts[1], "answers in order"
