"""The quick self-assessment form: product -> product set, then the sheet's key questions, then the estimate.

The questions, options and arithmetic come from `knowledge_base.scoring` (the official sheets as data);
this module only asks, understands answers typed in many ways, and reports.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from gateway.staff.records import safely
from knowledge_base.scoring import (
    Criterion,
    Sheet,
    get_sheet,
    improvement_plan,
    list_sheets,
    match_product,
    score_quick,
)
from knowledge_base.scoring.scorer import NOT_RECOGNISED, likely_text
from knowledge_base.settings import load
from knowledge_base.textnorm import normalize_folded

FORM_SLOTS = ["sa_set", "sa_answer", "sa_answers"]
YES = {"co", "roi", "da co", "co roi", "dung", "vang", "da", "yes", "ok", "u", "uh", "co a", "roi a", "dat"}
NO = {"khong", "chua", "chua co", "khong co", "ko co", "no", "chua a", "khong a", "chua dat"}


def sheet_of(tracker: Tracker) -> Sheet | None:
    set_id = tracker.get_slot("sa_set")
    return get_sheet(set_id) if set_id else None


def answers_of(tracker: Tracker) -> dict[str, str]:
    return dict(tracker.get_slot("sa_answers") or {})


def next_question(sheet: Sheet, answers: dict[str, str]) -> Criterion | None:
    return next((c for c in sheet.key_criteria if c.id not in answers), None)


def parse_answer(criterion: Criterion, text: str) -> str | None:
    """Option id for an answer given as a button payload, a number, yes/no, or words of an option."""
    text = text.strip()
    if text.startswith(f"{criterion.id}:"):
        option_id = text.split(":", 1)[1]
        return option_id if any(o.id == option_id for o in criterion.options) else None
    options = list(criterion.options)
    folded = normalize_folded(text)
    number = re.fullmatch(r"(?:so |phuong an |chon )?(\d{1,2})", folded)
    if number:
        index = int(number.group(1))
        return options[index - 1].id if 1 <= index <= len(options) else None
    worst = min(options, key=lambda o: o.points)
    if folded in NO and worst.points == 0:
        return worst.id  # "chưa", "không": the option for "not yet / none"
    if folded in YES:
        # A bare "có" picks the better of two options; with several levels it is asked again.
        return max(options, key=lambda o: o.points).id if len(options) == 2 else None
    matches = [o for o in options if folded and f" {folded} " in f" {normalize_folded(o.button)} "]
    return matches[0].id if len(matches) == 1 else None


def question_message(sheet: Sheet, criterion: Criterion, answered: int) -> tuple[str, list[dict[str, str]]]:
    total = len(sheet.key_criteria)
    lines = [f"Câu {answered + 1}/{total} — {criterion.question or criterion.label}"]
    lines += [f"{i}. {option.button}" for i, option in enumerate(criterion.options, start=1)]
    lines.append('(Chọn nút hoặc gõ số; gõ "quay lại" để sửa câu trước, "dừng" để tạm dừng.)')
    buttons = [
        {"title": f"{i}. {option.button}"[:60], "payload": f'/inform{{"sa_choice": "{criterion.id}:{option.id}"}}'}
        for i, option in enumerate(criterion.options, start=1)
    ]
    return "\n".join(lines), buttons


class ValidateSelfAssessmentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_self_assessment_form"

    def validate_sa_set(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if text in {sheet.id for sheet in list_sheets()}:
            sheet = get_sheet(text)
        else:
            match = match_product(text)
            if not match.found:
                dispatcher.utter_message(
                    text=f'Tôi chưa xác định được "{text}" thuộc bộ sản phẩm nào. Bạn gõ tên sản phẩm cụ thể hơn '
                    '(ví dụ: "mật ong rừng", "nước mắm", "homestay") hoặc số bộ sản phẩm (1–26).'
                )
                return {"sa_set": None}
            if match.ambiguous:
                dispatcher.utter_message(
                    text=f'"{text}" có thể thuộc một trong các bộ sản phẩm sau, bạn chọn giúp tôi:',
                    buttons=[
                        {"title": f"Bộ {c.number}: {c.name}"[:60], "payload": f'/inform{{"sa_set": "{c.set_id}"}}'}
                        for c in match.candidates
                    ],
                )
                return {"sa_set": None}
            sheet = get_sheet(match.best.set_id)
        dispatcher.utter_message(
            text=f"Sản phẩm được chấm theo phiếu số {sheet.number}: {sheet.name}. "
            f"Tôi sẽ hỏi {len(sheet.key_criteria)} câu chính trong phiếu."
        )
        return {"sa_set": sheet.id}

    def validate_sa_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        sheet = sheet_of(tracker)
        if sheet is None:
            return {"sa_answer": None}
        answers = answers_of(tracker)
        criterion = next_question(sheet, answers)
        if criterion is None:
            return {"sa_answer": "done"}
        option_id = parse_answer(criterion, str(value or ""))
        if option_id is None:
            dispatcher.utter_message(
                text=f"Tôi chưa hiểu câu trả lời. Bạn chọn một nút hoặc gõ số từ 1 đến {len(criterion.options)}."
            )
            return {"sa_answer": None}
        answers[criterion.id] = option_id
        done = next_question(sheet, answers) is None
        return {"sa_answer": "done" if done else None, "sa_answers": answers}


class ActionAskSaSet(Action):
    def name(self) -> str:
        return "action_ask_sa_set"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text="Tự đánh giá nhanh số sao OCOP dự kiến: sản phẩm của bạn là gì? "
            '(ví dụ: mật ong rừng, nước mắm, chè, homestay, gốm…). Gõ "dừng" để thôi bất cứ lúc nào.'
        )
        return []


class ActionAskSaAnswer(Action):
    def name(self) -> str:
        return "action_ask_sa_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        sheet = sheet_of(tracker)
        answers = answers_of(tracker)
        criterion = next_question(sheet, answers) if sheet else None
        if criterion is None:
            return []
        text, buttons = question_message(sheet, criterion, len(answers))
        dispatcher.utter_message(text=text, buttons=buttons)
        return []


def full_sheet_link(number: int) -> str:
    """Link to the web page with the whole sheet; absolute when the gateway's public URL is configured."""
    base = load().public_base_url
    return f"{base}/tu-danh-gia?bo={number}"


def star_range(low: str, high: str) -> str:
    if low == high:
        return "hồ sơ bị loại, chưa được xếp hạng" if low == "bị loại" else low
    return f"từ {low} đến {high}"


def cap_lines(sheet: Sheet, caps: list) -> list[str]:
    """Caps in chat-sized form: unmet minimum requirements grouped by star level, other caps in full."""
    lines, unmet = [], {}
    for cap in caps:
        if cap.kind == "min_star" and cap.criterion_id and cap.required_option:
            criterion = sheet.criterion(cap.criterion_id)
            needed = criterion.option(cap.required_option).points
            unmet.setdefault(cap.star, []).append(f"{criterion.number} {criterion.label} (cần ≥ {needed} điểm)")
        else:
            lines.append(f"- {cap.reason}")
    for star, items in sorted(unmet.items()):
        lines.insert(0, f"- Để được {star} sao còn thiếu yêu cầu tối thiểu ở: " + "; ".join(items) + ".")
    return ["Vì sao chưa cao hơn:"] + lines if lines else []


def result_message(sheet: Sheet, answers: dict[str, str]) -> str:
    quick = score_quick(sheet, answers)
    low, high = quick.low, quick.high

    def stars(result) -> str:
        return "bị loại" if result.disqualified else f"{result.star} sao"

    parts = ", ".join(f"{part} {low.part_points[part]}–{high.part_points[part]}" for part in ("A", "B", "C"))
    lines = [
        f"📋 Kết quả tự đánh giá nhanh — phiếu số {sheet.number}: {sheet.name}",
        f"Điểm dự kiến: từ {low.total} đến {high.total}/100 (theo phần: {parts}; phần còn lại là các tiêu chí chưa hỏi).",
        f"Hạng sao dự kiến: {star_range(stars(low), stars(high))}.",
        likely_text(quick),
    ]
    likely = quick.likely
    if not likely.disqualified and (likely.star or 0) <= 2:
        lines.append(NOT_RECOGNISED)
    lines += cap_lines(sheet, high.caps)
    steps = improvement_plan(sheet, answers, top=3)
    if steps:
        lines.append(
            f'3 việc nên cải thiện trước ("có thể đạt N sao" giả định {len(quick.unanswered)} tiêu chí '
            "chưa hỏi đều đạt điểm tối đa):"
        )
        for i, step in enumerate(steps, start=1):
            unlock = f", có thể đạt {step.unlocks_star} sao" if step.unlocks_star else ""
            further = f" Bước sau, cho {step.further_star} sao: {step.further_label}." if step.further_label else ""
            lines.append(
                f"{i}. Tiêu chí {step.criterion_number} {step.criterion_label}: {step.to_label} "
                f"(+{step.points_gained} điểm{unlock}).{further}"
            )
    lines.append(f"Nguồn: {quick.citation}.")
    lines.append(quick.note)
    return "\n".join(lines)


def record_result(sender: str, sheet: Sheet, answers: dict[str, str]) -> None:
    """Keep the likely result for the staff dashboard (stars 0: the dossier would be disqualified)."""
    likely = score_quick(sheet, answers).likely
    if likely is not None:
        label = f"Bộ {sheet.number}: {sheet.name}"
        safely("a self-assessment", lambda r: r.selfassessment(sender, label, likely.star or 0, likely.total))


class ActionSelfAssessmentResult(Action):
    def name(self) -> str:
        return "action_self_assessment_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        sheet = sheet_of(tracker)
        if sheet is not None:
            record_result(tracker.sender_id, sheet, answers_of(tracker))
            dispatcher.utter_message(
                text=result_message(sheet, answers_of(tracker)),
                buttons=[
                    {"title": "Các hạng sao", "payload": "/ask_star_levels"},
                    {"title": "Hồ sơ gồm những gì?", "payload": "/ask_dossier"},
                    {"title": "Gặp cán bộ hỗ trợ", "payload": "/human_handoff"},
                ],
            )
            dispatcher.utter_message(
                text=f"Muốn chấm đầy đủ mọi tiêu chí và in kết quả mang lên xã: {full_sheet_link(sheet.number)}"
            )
        return [SlotSet(slot, None) for slot in FORM_SLOTS]
