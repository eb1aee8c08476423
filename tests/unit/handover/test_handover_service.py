"""The hand-over service and store on SQLite: notices, measured waits, timeouts, state across restarts, erasure."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from gateway.database import open_database
from gateway.handover.hours import OfficeHours
from gateway.handover.service import FINISHED, HandoverConfig, Handovers
from gateway.handover.store import HandoverStore
from gateway.message_log import MessageLog
from gateway.privacy import Eraser
from gateway.rasa_client import RasaClient
from tests.unit.handover.test_office_hours import at

SENDER = "telegram:4242"


@pytest.fixture
def database(tmp_path):
    database = open_database("", tmp_path)
    yield database
    database.close()


def service(database, tmp_path, rasa_url: str = "http://127.0.0.1:9", timeout_minutes: float = 60) -> Handovers:
    hours = OfficeHours.parse("07:30-17:00", "1-5", "Asia/Ho_Chi_Minh")
    config = HandoverConfig(hours=hours, timeout=timeout_minutes * 60, typical_wait=600)
    return Handovers(HandoverStore(database), RasaClient(rasa_url, 5), config, MessageLog(tmp_path))


def test_outside_hours_the_producer_is_told_when_staff_come_in(database, tmp_path):
    handovers = service(database, tmp_path)
    handover, _ = handovers.store.start(SENDER, "asked", "hồ sơ gồm gì", [], now=at("2026-12-04 18:00"))
    notice = handovers.queued_notice(handover, "asked", at("2026-12-04 18:00"))
    assert "ngoài giờ làm việc (07:30–17:00, thứ Hai đến thứ Sáu)" in notice
    assert "từ 07:30 thứ Hai (07/12)" in notice and "thời gian chờ" not in notice


def test_in_hours_the_wait_is_measured_once_enough_hand_overs_were_answered(database, tmp_path):
    handovers = service(database, tmp_path)
    store = handovers.store
    start = at("2026-12-02 08:00")
    first, _ = store.start("zalo:1", "asked", "", [], now=start)
    assert "khoảng 10 phút" in handovers.queued_notice(first, "asked", start)  # the configured value
    for number, minutes in enumerate([4, 6, 30]):
        handover, _ = store.start(f"web:answered-{number}", "asked", "", [], now=start)
        store.add_message(handover.id, "staff", "Chào anh", "lan", "sent", now=start + minutes * 60)
    later, _ = store.start("zalo:2", "asked", "", [], now=start + 60)
    notice = handovers.queued_notice(later, "asked", start + 120)
    assert "khoảng 6 phút" in notice and "có 1 người đang chờ trước bạn" in notice


def test_queue_and_notes_survive_a_restart(tmp_path):
    database = open_database("", tmp_path)
    store = HandoverStore(database)
    handover, created = store.start(SENDER, "refusals", "thuế VAT", [("in", "thuế VAT"), ("bot", "Xin lỗi…")])
    assert created and store.start(SENDER, "asked", "", [])[1] is False, "one active hand-over per producer"
    store.set_note(handover.id, "gọi lại chiều nay")
    database.close()
    reopened = HandoverStore(open_database("", tmp_path))
    (again,) = reopened.listing()
    assert (again.sender, again.reason, again.note) == (SENDER, "refusals", "gọi lại chiều nay")
    assert [(m.direction, m.text) for m in reopened.messages(again.id)] == [("in", "thuế VAT"), ("bot", "Xin lỗi…")]
    assert [c["title"] for c in reopened.canned_replies()][:2] == ["Chào hỏi", "Cần thêm thông tin"]


def test_office_time_without_messages_hands_the_conversation_back(database, tmp_path, fake_rasa_pausing):
    handovers = service(database, tmp_path, fake_rasa_pausing.url, timeout_minutes=60)
    sent = []

    async def deliver(user_id, text):
        sent.append((user_id, text))
        return "sent"

    handovers.register("telegram", deliver)
    handover, _ = handovers.store.start(SENDER, "asked", "", [], now=at("2026-12-04 16:30"))
    fake_rasa_pausing.paused.add(SENDER)
    assert asyncio.run(handovers.expire(now=at("2026-12-07 07:50"))) == [], "50 office minutes only"
    assert asyncio.run(handovers.expire(now=at("2026-12-07 08:05"))) == [handover.id]
    assert handovers.store.get(handover.id).closed_how == "timeout"
    assert sent == [("4242", FINISHED["timeout"])] and SENDER not in fake_rasa_pausing.paused


def test_a_conversation_is_not_handed_back_while_rasa_cannot_resume_it(database, tmp_path):
    handovers = service(database, tmp_path, "http://127.0.0.1:9")
    handover, _ = handovers.store.start(SENDER, "asked", "", [], now=at("2026-12-02 08:00"))
    assert asyncio.run(handovers.expire(now=at("2026-12-03 08:00"))) == []
    assert handovers.store.get(handover.id).active


def test_erasing_a_producer_deletes_tracker_messages_feedback_and_hand_overs(database, tmp_path):
    log = MessageLog(tmp_path)
    store = HandoverStore(database)
    for sender in (SENDER, "zalo:other"):
        log.record(sender, "in", "hồ sơ gồm gì")
        handover, _ = store.start(sender, "asked", "hồ sơ gồm gì", [("in", "hồ sơ gồm gì")])
        database.run(
            "INSERT INTO feedback (at, channel, user_hash, verdict, question, answer_id, citation) "
            "VALUES (1, 'x', :h, 'wrong', 'q', 'a', 'c')",
            h=log.user_hash(sender),
        )
    tracker = tmp_path / "tracker.db"
    with sqlite3.connect(tracker) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        connection.executemany(
            "INSERT INTO events (sender_id, data) VALUES (?, '{}')", [(SENDER,), (SENDER,), ("zalo:other",)]
        )
    counts = Eraser(database, store, log, tracker).erase(SENDER)
    assert counts == {
        "tracker_events": 2,
        "handovers": 1,
        "feedback": 1,
        "answer_log": 0,
        "selfassess_results": 0,
        "messages": 1,
    }
    with sqlite3.connect(tracker) as connection:
        assert connection.execute("SELECT sender_id FROM events").fetchall() == [("zalo:other",)]
    remaining = [json.loads(line)["user"] for line in log.path.read_text().splitlines()]
    assert remaining == [log.user_hash("zalo:other")]
    assert [h.sender for h in store.listing()] == ["zalo:other"]
    assert database.rows("SELECT COUNT(*) FROM feedback")[0][0] == 1


def test_a_turn_reads_the_hand_over_and_the_run_of_refusals_at_once(database, tmp_path):
    handovers = service(database, tmp_path)
    store = handovers.store
    assert store.turn_state(SENDER) == (None, 0)
    store.refused(SENDER)
    assert store.turn_state(SENDER) == (None, 1)
    handover, _ = store.start(SENDER, "refusals", "hồ sơ gồm gì", [])
    assert store.turn_state(SENDER) == (store.active(SENDER), 1) and handover.id == store.active(SENDER).id
    store.close(handover.id, "returned")
    store.answered(SENDER)
    assert store.turn_state(SENDER) == (None, 0)
    assert store.turn_state("zalo:someone-else") == (None, 0)


def test_an_answer_writes_the_end_of_a_run_of_refusals_only_when_there_is_one(database, tmp_path, monkeypatch):
    from gateway.conversation import BotMessage

    handovers = service(database, tmp_path)
    ended = []
    monkeypatch.setattr(handovers.store, "answered", ended.append)
    answer = [BotMessage("Hồ sơ gồm phiếu đăng ký.\nNguồn: QĐ 26/2026/QĐ-TTg, Điều 6.")]
    assert asyncio.run(handovers.after_turn(SENDER, "hồ sơ gồm gì", [], answer, streak=0)) == (answer, False)
    assert ended == []
    asyncio.run(handovers.after_turn(SENDER, "hồ sơ gồm gì", [], answer, streak=1))
    assert ended == [SENDER]
