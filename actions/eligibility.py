"""The eligibility check form: collects the answers; `knowledge_base.eligibility` decides."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from knowledge_base import eligibility
from knowledge_base.scoring import match_product

FORM_SLOTS = [
    "legal_form",
    "business_registered",
    "eligibility_product",
    "eligibility_set",
    "local_origin",
    "food_safety",
]


def product_set_of(tracker: Tracker) -> int | None:
    value = tracker.get_slot("eligibility_set")
    return int(value) if value is not None else None


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_eligibility_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        slots = list(domain_slots)
        legal_form = eligibility.legal_form_of(tracker.get_slot("legal_form"))
        if legal_form and not eligibility.needs_registration_question(legal_form):
            slots.remove("business_registered")
        if tracker.get_slot("eligibility_product") and eligibility.permit_for(product_set_of(tracker)) is None:
            slots.remove("food_safety")
        return slots

    def validate_legal_form(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        legal_form = eligibility.legal_form_of(str(value) if value else None)
        if legal_form is None:
            dispatcher.utter_message(
                text="Tôi chưa nhận ra loại hình cơ sở. Bạn chọn một nút bên dưới hoặc gõ, ví dụ: "
                '"hợp tác xã", "hộ kinh doanh", "doanh nghiệp".'
            )
            return {"legal_form": None}
        return {"legal_form": legal_form}

    def validate_eligibility_product(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if not text:
            return {"eligibility_product": None}
        best = match_product(text).best
        if best is not None:
            dispatcher.utter_message(text=f'Sản phẩm "{text}" nhiều khả năng thuộc bộ {best.number}: {best.name}.')
        return {"eligibility_product": text, "eligibility_set": best.number if best else None}


class ActionAskFoodSafety(Action):
    """Ask for the permit that the product set's scoring sheet requires."""

    def name(self) -> str:
        return "action_ask_food_safety"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        permit = eligibility.permit_for(product_set_of(tracker)) or (
            "các giấy tờ điều kiện sản xuất mà quy định chuyên ngành yêu cầu đối với sản phẩm"
        )
        dispatcher.utter_message(
            text=f"Cơ sở đã có {permit} chưa?",
            buttons=[{"title": "Đã có", "payload": "/affirm"}, {"title": "Chưa có", "payload": "/deny"}],
        )
        return []


class ActionEligibilityResult(Action):
    def name(self) -> str:
        return "action_eligibility_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        verdict = eligibility.check(
            legal_form=tracker.get_slot("legal_form"),
            registered=tracker.get_slot("business_registered"),
            local_origin=tracker.get_slot("local_origin"),
            product_set=product_set_of(tracker),
            has_permit=tracker.get_slot("food_safety"),
        )
        buttons = [
            {"title": "Hồ sơ gồm những gì?", "payload": "/ask_dossier"},
            {"title": "Tự chấm sao sản phẩm", "payload": "/start_self_assessment"},
        ]
        if not verdict.eligible:
            buttons.append({"title": "Gặp cán bộ hỗ trợ", "payload": "/human_handoff"})
        dispatcher.utter_message(text=verdict.message(), buttons=buttons)
        # Clear the answers so the check can be run again for another product.
        return [SlotSet(slot, None) for slot in FORM_SLOTS]
