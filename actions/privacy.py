"""Deleting the producer's data: sends the gateway's erase marker once "Có" answered the confirmation.

The deletion itself runs in the gateway after the turn (`gateway.privacy`), when Rasa has saved the
tracker; deleting the tracker from inside the turn would have Rasa write it back.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

CONFIRMATION = "utter_confirm_delete_data"
ERASE_MARKER = {"ocop": "erase"}


def confirmed(events: list[dict[str, Any]]) -> bool:
    """The bot's last action before the latest user message was the confirmation question."""
    seen_user = False
    for event in reversed(events):
        kind = event.get("event")
        if kind == "user":
            if seen_user:
                return False
            seen_user = True
        elif seen_user and kind == "action" and event.get("name") != "action_listen":
            return event.get("name") == CONFIRMATION
    return False


class ActionDeleteMyData(Action):
    def name(self) -> str:
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if confirmed(tracker.events):
            dispatcher.utter_message(json_message=ERASE_MARKER)
        else:  # never delete without the answer to the question
            dispatcher.utter_message(response=CONFIRMATION)
        return []
