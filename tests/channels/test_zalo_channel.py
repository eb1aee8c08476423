"""Zalo OA end to end: the gateway's webhook against a fake Zalo API and a fake Rasa on loopback."""

from __future__ import annotations

import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gateway.conversation import NON_TEXT_REPLY
from gateway.database import STATE_FILE
from tests.fakes.fake_rasa import CITATION, LONG_PAYLOAD
from tests.fakes.fake_zalo import APP_ID, encode, sign, text_event
from tests.fakes.fixtures import run_gateway, with_zalo

USER = "2468013579246801357"
OA = "579745863508352884"
SENTINEL = "câu hỏi kiểm tra cuối cùng"


@pytest.fixture
def zalo_settings(gateway_settings, zalo):
    return with_zalo(gateway_settings, zalo.url)


@pytest.fixture
def gateway(zalo_settings):
    with run_gateway(zalo_settings) as server:
        yield server


def deliver(gateway, event: dict, headers: dict | None = None, body: bytes | None = None) -> httpx.Response:
    signed_body, signed_headers = encode(event)
    return httpx.post(
        f"{gateway.url}/zalo/webhook",
        content=body if body is not None else signed_body,
        headers=headers if headers is not None else signed_headers,
        timeout=5,
    )


def sentinel(gateway, zalo, msg_id: str, user: str = USER) -> list[str]:
    """Deliver a later text from ``user``, wait for its reply and return every text sent to that user.

    The gateway handles one user's updates in order, so once this reply is out everything ``user`` sent before
    has been handled: a check that something was *not* sent can be made then, without sleeping.
    """
    deliver(gateway, text_event(user, SENTINEL, msg_id))
    wait_until(lambda: any(SENTINEL in text for text in zalo.texts_to(user)))
    texts = zalo.texts_to(user)
    assert SENTINEL in texts[-1], texts
    return texts


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_text_event_is_acknowledged_at_once_and_answered_in_the_background(gateway, zalo, fake_rasa):
    fake_rasa.delay = 4.0  # Rasa holds the turn well past the acknowledgement, even on a busy machine
    response = deliver(gateway, text_event(USER, "hồ sơ gồm những gì", "msg-1"))
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    assert fake_rasa.trackers.get(f"zalo:{USER}") is None and zalo.texts_to(USER) == [], (
        "acknowledged before Rasa answered"
    )
    (text,) = zalo.wait_for_texts(USER)
    assert "hồ sơ gồm những gì" in text and text.endswith(CITATION)
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["hồ sơ gồm những gì"] and fake_rasa.trackers[f"zalo:{USER}"]


def test_forged_signatures_are_rejected(gateway, zalo, fake_rasa):
    event = text_event(USER, "xin chào", "msg-2")
    body, headers = encode(event)
    wrong_key = {**headers, "X-ZEvent-Signature": sign(body, event["timestamp"], oa_secret_key="guess")}
    other_body = {**headers, "X-ZEvent-Signature": sign(body + b" ", event["timestamp"])}
    no_prefix = {**headers, "X-ZEvent-Signature": headers["X-ZEvent-Signature"][4:]}
    assert deliver(gateway, event, headers=wrong_key).status_code == 403
    assert deliver(gateway, event, headers=other_body).status_code == 403
    assert deliver(gateway, event, headers=no_prefix).status_code == 403
    assert deliver(gateway, event, headers={"Content-Type": "application/json"}).status_code == 401
    tampered = body.replace("xin chào".encode(), "tạm biệt".encode())
    assert deliver(gateway, event, body=tampered).status_code == 403
    assert len(sentinel(gateway, zalo, "msg-2b")) == 1
    assert [r["message"] for r in fake_rasa.requests] == [SENTINEL] and len(zalo.sent) == 1


def test_event_signed_for_another_app_is_rejected(gateway, fake_rasa):
    event = {**text_event(USER, "xin chào", "msg-3"), "app_id": "999"}
    body = json.dumps(event).encode()
    headers = {"X-ZEvent-Signature": sign(body, event["timestamp"], app_id="999")}
    assert deliver(gateway, event, headers=headers, body=body).status_code == 403


@pytest.mark.parametrize("age_seconds", [2 * 3600, -2 * 3600])
def test_stale_or_future_events_are_rejected(gateway, fake_rasa, age_seconds):
    event = text_event(USER, "xin chào", "msg-4", timestamp_ms=int((time.time() - age_seconds) * 1000))
    response = deliver(gateway, event)
    assert response.status_code == 403 and "stale" in response.json()["error"]
    assert fake_rasa.requests == []


def test_duplicate_deliveries_are_answered_once(gateway, zalo, fake_rasa):
    event = text_event(USER, "xin chào", "msg-5")
    statuses = [deliver(gateway, event).json()["status"] for _ in range(3)]
    assert statuses == ["accepted", "duplicate", "duplicate"]
    zalo.wait_for_texts(USER)
    assert len(sentinel(gateway, zalo, "msg-5b")) == 2
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["xin chào", SENTINEL]


def test_duplicates_are_dropped_across_a_restart(zalo_settings, zalo, fake_rasa):
    event = text_event(USER, "xin chào", "msg-6")
    with run_gateway(zalo_settings) as first:
        assert deliver(first, event).json()["status"] == "accepted"
        zalo.wait_for_texts(USER)
    with run_gateway(zalo_settings) as second:
        assert deliver(second, event).json()["status"] == "duplicate"
        sentinel(second, zalo, "msg-6b")
    assert len(zalo.texts_to(USER)) == 2
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["xin chào", SENTINEL]


def test_expired_token_mid_conversation_is_refreshed_once_and_the_reply_resent(zalo_settings, zalo, fake_rasa):
    store = zalo_settings.zalo_token_path
    with run_gateway(zalo_settings) as gateway:
        deliver(gateway, text_event(USER, "câu hỏi một", "msg-7"))
        zalo.wait_for_texts(USER, 1)
        zalo.expire_access_tokens()
        deliver(gateway, text_event(USER, "câu hỏi hai", "msg-8"))
        texts = zalo.wait_for_texts(USER, 2)
        assert "câu hỏi hai" in texts[1]
        assert [m["token"] for m in zalo.sent] == ["access-1", "access-2"]
        assert zalo.refreshes == ["refresh-1"]
        stored = json.loads(store.read_text())
        assert (stored["access_token"], stored["refresh_token"]) == ("access-2", "refresh-2")
        assert store.stat().st_mode & 0o777 == 0o600
    # After a restart the stored pair wins over the (spent) one in the settings.
    zalo.expire_access_tokens()
    with run_gateway(zalo_settings) as gateway:
        deliver(gateway, text_event(USER, "câu hỏi ba", "msg-9"))
        zalo.wait_for_texts(USER, 3)
    assert zalo.refreshes == ["refresh-1", "refresh-2"]
    assert not list(store.parent.glob(".*.tmp")), "no temporary token file left behind"


def test_concurrent_expiry_refreshes_once(gateway, zalo):
    zalo.expire_access_tokens()
    zalo.refresh_delay = 0.3
    users = [f"10000000000000000{i:02d}" for i in range(6)]
    with ThreadPoolExecutor(len(users)) as pool:
        list(pool.map(lambda u: deliver(gateway, text_event(u, "xin chào", f"c-{u}")), users))
    for user in users:
        zalo.wait_for_texts(user)
    assert zalo.refreshes == ["refresh-1"]


def test_rejected_refresh_token_does_not_crash(gateway, zalo, fake_rasa):
    zalo.expire_access_tokens()
    zalo.valid_refresh.clear()
    assert deliver(gateway, text_event(USER, "xin chào", "msg-10")).status_code == 200
    wait_until(lambda: zalo.refreshes == ["refresh-1"])
    zalo.valid_refresh.add("refresh-1")  # Zalo takes the token again: the next turn can be answered
    assert len(sentinel(gateway, zalo, "msg-10b")) == 1, "the failed turn sent nothing, not even later"
    assert zalo.refreshes == ["refresh-1", "refresh-1"], "one refresh per turn, no retry loop"
    assert httpx.get(f"{gateway.url}/healthz").status_code == 200


@pytest.mark.parametrize("code", [-213, -230, -201])
def test_reply_window_errors_are_not_retried_and_do_not_stop_the_gateway(gateway, zalo, fake_rasa, code):
    zalo.window_errors[USER] = code
    deliver(gateway, text_event(USER, "cho tôi câu trả lời dài", "msg-11"))
    deliver(gateway, text_event("1357", "xin chào", "msg-12"))
    zalo.wait_for_texts("1357")
    wait_until(lambda: zalo.rejected)
    del zalo.window_errors[USER]  # the user writes again: the reply window is open
    assert len(sentinel(gateway, zalo, "msg-11b")) == 1, "the refused reply was not sent again"
    assert zalo.rejected == [(USER, code)]
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["cho tôi câu trả lời dài", SENTINEL]
    assert zalo.refreshes == []


@pytest.mark.parametrize("event_name", ["user_send_sticker", "user_send_image", "user_send_audio", "user_send_file"])
def test_non_text_events_get_a_please_type_reply(gateway, zalo, fake_rasa, event_name):
    event = {**text_event(USER, "", "msg-13"), "event_name": event_name}
    event["message"] = {"msg_id": "msg-13", "attachments": [{"type": "sticker", "payload": {"id": "s1"}}]}
    assert deliver(gateway, event).status_code == 200
    assert zalo.wait_for_texts(USER) == [NON_TEXT_REPLY]
    assert fake_rasa.requests == []


def test_follow_greets_and_other_events_are_ignored(gateway, zalo, fake_rasa):
    now = str(int(time.time() * 1000))
    follow = {"app_id": APP_ID, "event_name": "follow", "timestamp": now, "follower": {"id": USER}}
    seen = {"app_id": APP_ID, "event_name": "user_seen_message", "timestamp": now, "sender": {"id": "42"}}
    echo = {**text_event(OA, "tin của OA", "msg-14"), "event_name": "oa_send_text"}
    for event in (follow, seen, echo):
        assert deliver(gateway, event).status_code == 200
    (greeting,) = zalo.wait_for_texts(USER)
    assert greeting.startswith("Xin chào!")
    # a later text from each of the three senders: their earlier events are handled once it is answered
    for user, msg_id in ((USER, "msg-14a"), ("42", "msg-14b"), (OA, "msg-14c")):
        sentinel(gateway, zalo, msg_id, user=user)
    assert len(zalo.sent) == 4 and fake_rasa.messages_from(f"zalo:{USER}") == ["/greet", SENTINEL]
    assert [r["message"] for r in fake_rasa.requests] == ["/greet", SENTINEL, SENTINEL, SENTINEL]


def test_buttons_become_a_numbered_list_answered_by_number(gateway, zalo, fake_rasa):
    deliver(gateway, text_event(USER, "xin chào", "msg-15"))
    (menu,) = zalo.wait_for_texts(USER)
    assert "1. Hồ sơ đăng ký" in menu and "3. Mật ong thuộc nhóm nào?" in menu
    deliver(gateway, text_event(USER, "3", "msg-16"))
    zalo.wait_for_texts(USER, 2)
    deliver(gateway, text_event(USER, "3", "msg-17"))
    zalo.wait_for_texts(USER, 3)
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["xin chào", LONG_PAYLOAD, "3"]


def test_a_failing_choices_table_costs_the_numbered_answer_not_the_reply(gateway, zalo, fake_rasa, zalo_settings):
    with sqlite3.connect(zalo_settings.data_dir / STATE_FILE) as state:  # the table the choices live in breaks
        state.execute("ALTER TABLE open_choices RENAME TO open_choices_gone")
    deliver(gateway, text_event(USER, "xin chào", "msg-15f"))
    (menu,) = zalo.wait_for_texts(USER)
    assert "1. Hồ sơ đăng ký" in menu, "the reply with its buttons went out although they were not stored"
    deliver(gateway, text_event(USER, "3", "msg-16f"))
    zalo.wait_for_texts(USER, 2)
    assert fake_rasa.messages_from(f"zalo:{USER}") == ["xin chào", "3"], "the number went to Rasa as typed"


def test_choice_by_title_without_diacritics(gateway, zalo, fake_rasa):
    deliver(gateway, text_event(USER, "xin chào", "msg-18"))
    zalo.wait_for_texts(USER)
    deliver(gateway, text_event(USER, "hang sao ocop", "msg-19"))
    zalo.wait_for_texts(USER, 2)
    assert fake_rasa.messages_from(f"zalo:{USER}")[-1] == "/ask_star_levels"


def test_long_reply_is_split_within_the_zalo_limit(gateway, zalo):
    deliver(gateway, text_event(USER, "cho tôi câu trả lời dài", "msg-20"))
    zalo.wait_for_texts(USER, 5)
    texts = sentinel(gateway, zalo, "msg-20b")[:-1]  # the pieces: every text before the sentinel's reply
    assert all(len(t) <= 2000 for t in texts) and texts[-1].endswith(CITATION)
    assert sum(t.count("tối đa là 100 điểm.") for t in texts) == 100, "every sentence arrived once"


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"event_name": "user_send_text"}',
        b'{"timestamp": "abc"}',
        b'{"timestamp": "' + b"9" * 5000 + b'"}',
        b"\xff\xfe",
    ],
)
def test_malformed_events_get_400(gateway, body):
    response = httpx.post(f"{gateway.url}/zalo/webhook", content=body, headers={"X-ZEvent-Signature": "mac=00"})
    assert response.status_code == 400 and response.json()["error"]


def test_events_acknowledged_before_a_stop_are_processed_after_the_restart(zalo_settings, zalo, fake_rasa):
    fake_rasa.mode = "down"
    with run_gateway(zalo_settings):
        pass
    from gateway.database import open_database
    from gateway.inbox import Inbox

    inbox = Inbox(open_database("", zalo_settings.data_dir), lease_seconds=5, max_age=3600)
    event = text_event(USER, "câu hỏi chưa xử lý", "msg-21")
    assert inbox.accept("zalo", "msg:msg-21", f"zalo:{USER}", json.dumps(event))
    fake_rasa.mode = "ok"
    with run_gateway(zalo_settings):
        (text,) = zalo.wait_for_texts(USER)
    assert "câu hỏi chưa xử lý" in text
    assert inbox.pending() == 0
