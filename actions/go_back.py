"""Let the user change the previous answer of the active form ("quay lại", "sửa câu trước")."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


class ActionGoBack(Action):
    def name(self) -> str:
        return "action_go_back"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        form = (tracker.active_loop or {}).get("name")
        if form == "self_assessment_form":
            return self._self_assessment_back(dispatcher, tracker)
        required = domain.get("forms", {}).get(form, {}).get("required_slots", [])
        requested = tracker.get_slot("requested_slot")
        asked_before = required[: required.index(requested)] if requested in required else required
        answered = [slot for slot in asked_before if tracker.get_slot(slot) is not None]
        if not answered:
            dispatcher.utter_message(text="Đây đã là câu hỏi đầu tiên, bạn trả lời câu này nhé.")
            return []
        previous = answered[-1]
        dispatcher.utter_message(text="Được, bạn trả lời lại câu trước nhé.")
        return [SlotSet(previous, None), SlotSet("requested_slot", None)]

    @staticmethod
    def _self_assessment_back(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """Drop the last key answer; with none left, choose the product again."""
        answers = dict(tracker.get_slot("sa_answers") or {})
        if answers:
            answers.pop(list(answers)[-1])
            dispatcher.utter_message(text="Được, bạn trả lời lại câu trước nhé.")
            return [SlotSet("sa_answers", answers), SlotSet("sa_answer", None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(text="Được, bạn chọn lại sản phẩm nhé.")
        return [SlotSet("sa_set", None), SlotSet("sa_answer", None), SlotSet("requested_slot", None)]
