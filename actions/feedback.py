"""Feedback on knowledge-base answers: the "Hữu ích / Chưa đúng" buttons and what a press records.

Each confident answer carries two buttons whose payloads name the answer (`/feedback_helpful{"answer_id":
"qa:…"}`); `action_record_feedback` stores the verdict with the question and the citation of that answer,
found in the answer log (`gateway.staff.records`) of the same producer. Every answer and refusal is logged
there too, for the editors' review page and the dashboard: on the records' writer thread, so the turn does
not wait for the store (the feedback press queues its lookup behind those writes and awaits it).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from gateway.staff.records import entry_id, later
from knowledge_base.topics import INTENT_TOPICS

VERDICT_OF_INTENT = {"feedback_helpful": "helpful", "feedback_unhelpful": "unhelpful"}
# Answers drawn from the scoring sheets as data (no retrieved passage) share this id.
DATA_ANSWER_ID = "du-lieu-phieu-cham"


def answer_id_of(answer) -> str:
    """The question-bank entry or section id of a confident answer ("" for a refusal)."""
    if not answer.confident:
        return ""
    return entry_id(answer.hits[0].chunk.id) if answer.hits else DATA_ANSWER_ID


def feedback_buttons(answer_id: str) -> list[dict[str, str]]:
    payload = json.dumps({"answer_id": answer_id}, ensure_ascii=False)
    return [
        {"title": "Hữu ích", "payload": f"/feedback_helpful{payload}"},
        {"title": "Chưa đúng", "payload": f"/feedback_unhelpful{payload}"},
    ]


def record_answer(sender: str, question: str, intent: str | None, answer) -> str:
    """Log the answer (or refusal) of `question`; returns the answer id."""
    answer_id = answer_id_of(answer)
    topic = INTENT_TOPICS.get(intent or "", "")
    if not topic and answer.confident and answer.hits:
        topic = next(iter(answer.hits[0].chunk.topics), "")
    later(
        "an answer",
        lambda r: r.answer(sender, question, answer.confident, answer_id, answer.citation, topic, intent or ""),
    )
    return answer_id


def _earlier_question(tracker: Tracker) -> str:
    """The producer's last words before the feedback press (when the answer log cannot tell)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    for event in reversed(users[:-1]):
        text = (event.get("text") or "").strip()
        if text and not text.startswith("/"):
            return text
    return ""


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message or {}
        verdict = VERDICT_OF_INTENT.get((message.get("intent") or {}).get("name", ""))
        answer_id = next(
            (str(e.get("value")) for e in message.get("entities", []) if e.get("entity") == "answer_id"), ""
        )
        if verdict is None:
            return []
        sender = tracker.sender_id

        def write(records) -> None:
            found = records.last_answer(sender, answer_id) if answer_id else None
            question, citation = found or (_earlier_question(tracker), "")
            records.feedback(sender, verdict, question, answer_id, citation)

        await asyncio.wrap_future(later("feedback", write))
        return []
