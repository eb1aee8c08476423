"""Answer a content question from the knowledge base, with its citation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import feedback_buttons, record_answer
from knowledge_base.answer import answer_question
from knowledge_base.retrieval import get_retriever
from knowledge_base.scoring.sheets import list_sheets
from knowledge_base.topics import REGISTRY

# The question a topic button stands for: a button sends only "/<intent>", so the knowledge base
# is searched with this question instead.
CANONICAL_QUESTIONS = REGISTRY.questions()

# Load (or build) the index and read the 26 scoring sheets while the action server starts, so the first
# question (and the first about each product set) is answered quickly.
get_retriever("hybrid")
list_sheets()


def question_of(tracker: Tracker) -> tuple[str, str | None]:
    """The text to search with, and the intent that may narrow the search."""
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    text = (message.get("text") or "").strip()
    if not text or text.startswith("/"):
        # A button payload such as "/ask_dossier" carries no words of the user's own.
        text = CANONICAL_QUESTIONS.get(intent or "", text)
    return text, intent


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text, intent = question_of(tracker)
        entities = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities", [])}
        answer = answer_question(text, intent=intent, entities=entities)
        answer_id = record_answer(tracker.sender_id, text, intent, answer)
        buttons = answer.buttons + feedback_buttons(answer_id) if answer.confident else answer.buttons
        dispatcher.utter_message(text=answer.text, buttons=buttons)
        return []
