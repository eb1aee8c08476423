"""Hand the conversation over to the hotline staff, in the same chat.

The action ends an active form and pauses the Rasa conversation (`ConversationPaused`: the bot stays silent
until the gateway resumes it) and sends the `{"ocop": "handover"}` marker; the gateway queues the conversation in the staff
inbox and tells the producer when to expect an answer (`gateway.handover`). A client that does not know
the marker (for example `rasa shell`) still shows the hotline details sent with it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge_base.hotline import hotline_message

HANDOVER_MARKER = {"ocop": "handover"}


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(json_message={**HANDOVER_MARKER, "fallback": hotline_message()})
        # A form is ended here: the pause stops the turn before the rules' action_deactivate_loop would run.
        ending_form = [ActiveLoop(None), SlotSet("requested_slot", None)] if tracker.active_loop.get("name") else []
        return [*ending_form, ConversationPaused()]
