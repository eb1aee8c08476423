"""The Rasa actions of the hand-over and of data deletion (rasa-sdk, run as the action server runs them)."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionHandoff
from actions.privacy import ActionDeleteMyData


def tracker(events: list[dict], active_loop: dict | None = None) -> Tracker:
    latest = {"intent": {"name": "affirm"}, "text": "có"}
    return Tracker("zalo:1", {}, latest, events, False, None, active_loop or {}, "action_listen")


def user(text: str) -> dict:
    return {"event": "user", "text": text}


def action(name: str) -> dict:
    return {"event": "action", "name": name}


def run(act, events: list[dict], active_loop: dict | None = None) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    returned = asyncio.run(act.run(dispatcher, tracker(events, active_loop), {}))
    return dispatcher.messages, returned


def test_handoff_pauses_the_conversation_and_asks_the_gateway_to_queue_it():
    messages, events = run(ActionHandoff(), [user("gặp cán bộ")])
    assert events == [{"event": "pause", "timestamp": None}]
    assert messages[0]["custom"]["ocop"] == "handover" and messages[0]["custom"]["fallback"]


def test_handoff_inside_a_form_ends_the_form_before_pausing():
    _, events = run(ActionHandoff(), [user("tôi muốn gặp cán bộ")], {"name": "self_assessment_form"})
    assert [e["event"] for e in events] == ["active_loop", "slot", "pause"]
    assert events[0]["name"] is None and events[1] == {**events[1], "name": "requested_slot", "value": None}


def test_deletion_only_right_after_the_confirmation_question():
    asked = [user("xóa dữ liệu của tôi"), action("utter_confirm_delete_data"), action("action_listen"), user("có")]
    messages, _ = run(ActionDeleteMyData(), asked)
    assert messages == [{**messages[0], "custom": {"ocop": "erase"}}]

    later = [*asked[:3], user("hồ sơ gồm gì"), action("action_answer_question"), action("action_listen"), user("có")]
    messages, _ = run(ActionDeleteMyData(), later)
    assert messages[0]["response"] == "utter_confirm_delete_data" and not messages[0].get("custom")
