"""A replayed update (claimed before by a gateway that died) runs its Rasa turn only when the tracker lacks it.

The update is put in the inbox and claimed once, as a gateway that died mid-turn leaves it; a gateway
started on the same state then replays it against the fake Rasa's tracker.
"""

from __future__ import annotations

import json

import pytest

from gateway.database import open_database
from gateway.inbox import Inbox
from tests.fakes.fake_zalo import text_event
from tests.fakes.fixtures import run_gateway, with_zalo

USER = "1357924680135792468"
SENDER = f"zalo:{USER}"
SAVED_ANSWER = "Hồ sơ gồm phiếu đăng ký và phương án sản xuất (câu trả lời đã lưu)."


@pytest.fixture
def zalo_settings(gateway_settings, zalo):
    return with_zalo(gateway_settings, zalo.url, inbox_lease=0.2)


def left_by_a_dead_gateway(settings, msg_id: str, text: str) -> None:
    """An update accepted and claimed once, never finished (its lease runs out in 0.2 s)."""
    database = open_database("", settings.data_dir)
    inbox = Inbox(database, lease_seconds=0.2, max_age=3600)
    assert inbox.accept("zalo", f"msg:{msg_id}", SENDER, json.dumps(text_event(USER, text, msg_id)))
    assert len(inbox.claim(10, ["zalo"])) == 1
    database.close()


def saved_turn(message_id: str) -> list[dict]:
    return [
        {"event": "user", "text": "hồ sơ gồm gì", "metadata": {"channel": "zalo", "message_id": message_id}},
        {"event": "bot", "text": SAVED_ANSWER, "data": {"buttons": None}},
    ]


def test_a_replay_whose_turn_rasa_saved_gets_the_saved_answer_and_no_second_turn(zalo_settings, zalo, fake_rasa):
    left_by_a_dead_gateway(zalo_settings, "r-1", "hồ sơ gồm gì")
    fake_rasa.trackers[SENDER] = saved_turn("zalo:msg:r-1")
    with run_gateway(zalo_settings):
        assert zalo.wait_for_texts(USER) == [SAVED_ANSWER]
    assert fake_rasa.requests == [], "no second Rasa turn"
    records = [json.loads(line) for line in (zalo_settings.data_dir / "messages.jsonl").read_text().splitlines()]
    assert [(r["direction"], r["status"]) for r in records] == [("out", "replayed")]


@pytest.mark.parametrize("tracker", ["another message last", "no tracker API"])
def test_a_replay_whose_turn_is_not_in_the_tracker_runs_it(zalo_settings, zalo, fake_rasa, tracker):
    left_by_a_dead_gateway(zalo_settings, "r-2", "hạng sao là gì")
    fake_rasa.trackers[SENDER] = saved_turn("zalo:msg:r-0")  # the message before: r-2 never reached Rasa
    fake_rasa.tracker_api = tracker == "another message last"
    with run_gateway(zalo_settings):
        (answer,) = zalo.wait_for_texts(USER)
    assert "hạng sao là gì" in answer
    (request,) = fake_rasa.requests
    assert request["metadata"] == {"channel": "zalo", "message_id": "zalo:msg:r-2"}
    records = [json.loads(line) for line in (zalo_settings.data_dir / "messages.jsonl").read_text().splitlines()]
    assert [(r["direction"], r["status"]) for r in records] == [("in", "retried"), ("out", "ok")]
