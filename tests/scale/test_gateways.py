"""Two gateway processes sharing PostgreSQL, behind a real nginx; kill -9 of a gateway under load.

Fake Zalo, Telegram and Rasa servers run in the test process; the gateways are real `uvicorn
gateway.app:app` processes, each with its own (unused) data directory.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gateway.database import open_database
from tests.channels.telegram_updates import text_update
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fake_zalo import encode, text_event
from tests.fakes.fixtures import serve
from tests.scale import servers
from tests.scale.gateways import (
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN,
    answer_counts,
    delivery_report,
    gateway_process,
    kill_hard,
    send_load,
    url_of,
)

USER = "3141592653589793238"
SENTINEL = "câu hỏi kiểm tra cuối cùng"
QUOTED = re.compile(r"q(\d{4})")


@pytest.fixture
def telegram():
    yield from serve(FakeTelegram(TELEGRAM_TOKEN))


@pytest.fixture
def two_gateways(tmp_path, database_url, fake_rasa, zalo, telegram):
    started = []
    try:
        for name in ("gw-a", "gw-b"):
            started.append(gateway_process(tmp_path / name, name, fake_rasa.url, zalo.url, telegram.url, database_url))
        yield started
    finally:
        for service in started:
            service.stop()


@pytest.fixture
def balancer(tmp_path, two_gateways):
    ports = [int(url_of(s).rsplit(":", 1)[1]) for s in two_gateways]
    nginx, urls = servers.start_nginx(tmp_path / "nginx", {"gateway": ports})
    yield urls["gateway"]
    nginx.stop()


def test_a_zalo_retry_arriving_at_the_other_gateway_is_answered_once(two_gateways, zalo, fake_rasa):
    body, headers = encode(text_event(USER, "hồ sơ gồm những gì", "dup-1"))
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda g: httpx.post(f"{url_of(g)}/zalo/webhook", content=body, headers=headers, timeout=5),
                two_gateways,
            )
        )
    assert sorted(r.json()["status"] for r in answers) == ["accepted", "duplicate"]
    zalo.wait_for_texts(USER)
    # A later text from the same user, through the other gateway: one user's turns are handled in order across
    # the instances, so when it is answered the first update is done (a second answer would have come first).
    later_body, later_headers = encode(text_event(USER, SENTINEL, "dup-2"))
    httpx.post(f"{url_of(two_gateways[1])}/zalo/webhook", content=later_body, headers=later_headers, timeout=5)
    texts = zalo.wait_for_texts(USER, 2)
    assert len(texts) == 2 and SENTINEL in texts[1]
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["hồ sơ gồm những gì", SENTINEL]
    assert all(httpx.get(f"{url_of(g)}/readyz").json()["database"] == "postgresql" for g in two_gateways)


def test_a_telegram_update_delivered_to_both_gateways_is_answered_once(two_gateways, telegram, fake_rasa):
    update = text_update(5001, 4242, "hạng sao là gì")
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    for gateway in two_gateways:
        assert httpx.post(f"{url_of(gateway)}/telegram/webhook", json=update, headers=headers).status_code == 200
    telegram.wait_for("sendMessage")
    # a later message of the same chat (see above): answered only after the first update is done
    later = text_update(5002, 4242, SENTINEL)
    assert httpx.post(f"{url_of(two_gateways[1])}/telegram/webhook", json=later, headers=headers).status_code == 200
    sent = telegram.wait_for("sendMessage", 2)
    assert len(sent) == 2 and SENTINEL in sent[1]["text"]
    assert fake_rasa.messages_from("telegram:4242") == ["hạng sao là gì", SENTINEL]


def test_buttons_offered_by_one_gateway_are_answered_by_number_at_the_other(two_gateways, zalo, fake_rasa):
    first, second = two_gateways
    body, headers = encode(text_event(USER, "xin chào", "btn-1"))
    httpx.post(f"{url_of(first)}/zalo/webhook", content=body, headers=headers)
    zalo.wait_for_texts(USER)
    body, headers = encode(text_event(USER, "2", "btn-2"))
    httpx.post(f"{url_of(second)}/zalo/webhook", content=body, headers=headers)
    zalo.wait_for_texts(USER, 2)
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["xin chào", "/ask_star_levels"]


def test_two_gateways_refreshing_an_expired_token_spend_the_refresh_token_once(two_gateways, zalo, database_url):
    zalo.expire_access_tokens()
    zalo.refresh_delay = 0.5  # both gateways hit -216 while the first refresh is still running
    events = [text_event(f"{USER}{i}", "hồ sơ gồm những gì", f"tok-{i}") for i in range(2)]
    barrier = threading.Barrier(2)

    def post(pair):
        gateway, event = pair
        body, headers = encode(event)
        barrier.wait()
        return httpx.post(f"{url_of(gateway)}/zalo/webhook", content=body, headers=headers).status_code

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(post, zip(two_gateways, events))) == [200, 200]
    for i in range(2):
        zalo.wait_for_texts(f"{USER}{i}", timeout=15)
    assert zalo.refreshes == ["refresh-1"], "the single-use refresh token was spent once"
    rows = open_database(database_url, servers.Path("/nonexistent")).rows("SELECT refresh_token FROM zalo_tokens")
    assert [r[0] for r in rows] == ["refresh-2"]


def _settled(fake_rasa, database) -> bool:
    """Every update a gateway holds is waiting in Rasa: none is between its reply and its done mark."""
    claimed = {row[0] for row in database.rows("SELECT key FROM inbox WHERE done = 0 AND lease_until IS NOT NULL")}
    with fake_rasa._lock:
        held = {f"zalo:msg:load-{int(number)}" for number in QUOTED.findall(" ".join(fake_rasa.holding))}
    return claimed <= held


def _kill_under_load(zalo, fake_rasa, victim, target_url, database, restart):
    """Send load to `target_url`, kill -9 `victim` while its turns wait on Rasa, then `restart()`."""
    fake_rasa.delay = 0.05  # about a real Rasa turn
    deadline = time.monotonic() + 90
    result: dict = {}

    def run_load():
        try:
            result.update(send_load(target_url, 30, 6, deadline))
        except BaseException as error:  # surfaced below
            result["error"] = error

    load = threading.Thread(target=run_load)
    load.start()
    time.sleep(1.5)
    fake_rasa.delay = 5.0  # hold every new turn in Rasa ...
    settle_deadline = time.monotonic() + 4.5
    while not _settled(fake_rasa, database) and time.monotonic() < settle_deadline:
        time.sleep(0.02)  # ... until every claimed turn waits there (the others are marked done)
    kill_hard(victim)
    fake_rasa.delay = 0.05
    restart()
    load.join()
    assert "error" not in result, result.get("error")
    return result


def _wait_answered(zalo, acknowledged, timeout=60.0) -> dict[int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = answer_counts(zalo, acknowledged)
        if all(counts.values()):
            break
        time.sleep(0.5)
    time.sleep(6.0)  # longer than a lease: a second answer would have come by now
    return answer_counts(zalo, acknowledged)


def test_kill_9_of_one_gateway_under_load_loses_and_repeats_no_acknowledged_message(
    two_gateways, balancer, zalo, fake_rasa, database_url, tmp_path
):
    victim = two_gateways[0]
    database = open_database(database_url, tmp_path)
    acknowledged = _kill_under_load(zalo, fake_rasa, victim, balancer, database, restart=lambda: None)
    assert len(acknowledged) == 180, "every delivery was acknowledged (retried through nginx like Zalo)"
    counts = _wait_answered(zalo, acknowledged)
    _assert_once(counts, database, fake_rasa, two_gateways)


def _assert_once(counts: dict[int, int], database, fake_rasa, services) -> None:
    """Every acknowledged message answered exactly once; else what the inbox, Rasa and the logs say."""
    for problem, numbers in (
        ("acknowledged but never answered", [n for n, c in counts.items() if c == 0]),
        ("answered twice", [n for n, c in counts.items() if c > 1]),
    ):
        assert numbers == [], f"{problem}: {numbers}\n{delivery_report(numbers, database, fake_rasa, services)}"


def test_embedded_default_kill_9_and_restart_answers_every_acknowledged_message_once(tmp_path, zalo, fake_rasa):
    gateway = gateway_process(tmp_path / "gw", "gw", fake_rasa.url, zalo.url)
    url = url_of(gateway)
    restarted = []

    def restart():
        time.sleep(1.0)  # Zalo's deliveries fail meanwhile and are retried
        port = int(url.rsplit(":", 1)[1])
        restarted.append(gateway_process(tmp_path / "gw", "gw", fake_rasa.url, zalo.url, port=port))

    try:
        database = open_database("", tmp_path / "gw")
        acknowledged = _kill_under_load(zalo, fake_rasa, gateway, url, database, restart)
        assert len(acknowledged) == 180, "every delivery was acknowledged (retried until the restart, like Zalo)"
        counts = _wait_answered(zalo, acknowledged)
        _assert_once(counts, database, fake_rasa, [gateway])  # the restart logs to the same file
    finally:
        for service in restarted:
            service.stop()
