"""Web self-assessment: the page `GET /tu-danh-gia` and its JSON API over `knowledge_base.scoring`.

* `GET /api/sheets` — the 26 OCOP scoring sheets (number, id, name, group);
* `GET /api/sheets/{id_or_number}` — one whole sheet: parts, groups, criteria, every option with its points and
  star mark, disqualifying conditions;
* `POST /api/score` — `{"sheet", "answers": {criterion_id: option_id}, "conditions": [rule_id]}` → points per
  criterion and part, total, star band, star after caps (with reasons and citations), the quick range while some
  criteria are unanswered, and the improvement plan;
* `GET /api/match?q=...` — candidate product sets for a product name typed freely.

Each response is a pydantic model of `gateway.selfassess_models`, so `/docs` and `/openapi.json` document the page's
contract. Errors are 4xx JSON with a Vietnamese `error` (for a person) and an English `detail` (for a program). The
page and its script (`gateway/static/selfassess.*`) need nothing but these endpoints and work offline.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import ValidationError

from gateway import rate_limit
from gateway import selfassess_models as m
from gateway.channels.web import STATIC_DIR
from gateway.http_guards import MAX_ERRORS_SHOWN, JsonBodyError, clip, json_body
from gateway.selfassess_models import ScoreRequest
from knowledge_base.scoring import (
    CITATION,
    NOTE_COUNCIL,
    AnswerError,
    Cap,
    Criterion,
    QuickResult,
    Result,
    Sheet,
    Step,
    get_sheet,
    group_name,
    improvement_plan,
    load_index,
    match_product,
    score,
    summary_text,
)
from knowledge_base.scoring.scorer import BAND_CITATION, BAND_TEXT, NOT_RECOGNISED, likely_text
from knowledge_base.scoring.sheets import Group

router = APIRouter()

PLAN_STEPS = 5
MAX_QUERY_CHARS = 200
# A sheet number as the page and the bot write it: ASCII digits only ("²" and "٣" are not numbers here).
_SHEET_NUMBER = re.compile(r"[0-9]{1,3}")
STAR_BANDS = [m.StarBand(star=star, text=BAND_TEXT[star]) for star in (5, 4, 3, 2, 1)]
_ERROR = {"model": m.ErrorBody}
_TOO_FAST = {429: {**_ERROR, "description": "Too many requests from this client address (`Retry-After` says when)"}}


def _error(status: int, vietnamese: str, english: str) -> JSONResponse:
    return JSONResponse({"error": vietnamese, "detail": english}, status_code=status)


def _find_sheet(key: str | int) -> Sheet | None:
    """The sheet for an id or a number (an int, or ASCII digits); None for anything else."""
    if isinstance(key, str) and key.isdigit():
        if not _SHEET_NUMBER.fullmatch(key):
            return None
        key = int(key)
    try:
        return get_sheet(key)
    except KeyError:
        return None


def _unknown_sheet(key: Any, status: int) -> JSONResponse:
    shown = clip(str(key))
    return _error(
        status, f"Không có bộ sản phẩm “{shown}”. Hãy chọn một trong 26 bộ (số 1–26).", f"unknown product set {shown!r}"
    )


def star_mark(star: int | None) -> str | None:
    """How the page shows an option marked as a minimum requirement: "★3 tối thiểu"."""
    return f"★{star} tối thiểu" if star else None


# ---------------------------------------------------------------- sheets as models


def _criterion_model(sheet: Sheet, c: Criterion) -> m.CriterionOut:
    triggering = {o.triggers for o in c.options if o.triggers}
    applies_if = None
    if c.applies_if:
        target, min_points = c.applies_if
        applies_if = m.AppliesIf(criterion=target, number=sheet.criterion(target).number, min_points=min_points)
    return m.CriterionOut(
        id=c.id,
        number=c.number,
        label=c.label,
        max=c.max,
        part=c.part,
        group=c.group,
        key=c.key,
        question=c.question,
        notes=list(c.notes),
        rules=[
            m.CriterionRule(id=r.id, kind=r.kind, text=r.text, triggered_by_option=r.id in triggering) for r in c.rules
        ],
        cases=[m.CriterionCase(id=k, label=label) for k, label in c.cases],
        applies_if=applies_if,
        options=[
            m.OptionOut(
                id=o.id,
                label=o.label,
                short=o.button,
                points=o.points,
                min_star=o.min_star,
                star_mark=star_mark(o.min_star),
                implicit=o.implicit,
                case=o.case,
                triggers=o.triggers,
                note=o.note,
                official_points=o.official_points,
            )
            for o in c.options
        ],
    )


def _group_model(sheet: Sheet, g: Group) -> m.GroupOut:
    return m.GroupOut(
        number=g.number,
        label=g.label,
        max=g.max,
        criteria=[_criterion_model(sheet, c) for c in g.criteria],
        groups=[_group_model(sheet, sub) for sub in g.groups],
    )


def _conditions(sheet: Sheet) -> list[m.Condition]:
    """Conditions a producer can tick: the sheet's own, then criterion notes no option triggers by itself."""
    triggered = {o.triggers for c in sheet.criteria for o in c.options if o.triggers}
    out = [
        m.Condition(id=r.id, kind=r.kind, text=r.text, criterion_id=None, criterion_number=None)
        for r in sheet.disqualify
    ]
    for c in sheet.criteria:
        out += [
            m.Condition(id=r.id, kind=r.kind, text=r.text, criterion_id=c.id, criterion_number=c.number)
            for r in c.rules
            if r.id not in triggered
        ]
    return out


def sheet_model(sheet: Sheet) -> m.SheetDetail:
    """The whole sheet as the page draws it."""
    return m.SheetDetail(
        id=sheet.id,
        number=sheet.number,
        name=sheet.name,
        official_title=sheet.official_title,
        group=sheet.group,
        group_name=group_name(sheet.group),
        subgroup=sheet.subgroup,
        header=sheet.header,
        notes=list(sheet.notes),
        citation=sheet.citation,
        max_total=sheet.max_total,
        parts=[
            m.PartOut(id=p.id, label=p.label, max=p.max, groups=[_group_model(sheet, g) for g in p.groups])
            for p in sheet.parts
        ],
        conditions=_conditions(sheet),
        criteria_count=len(sheet.criteria),
        star_bands=STAR_BANDS,
        band_citation=BAND_CITATION,
        source=CITATION,
        note=NOTE_COUNCIL,
    )


def _sheet_summary(sheet: Sheet) -> m.SheetSummary:
    return m.SheetSummary(
        number=sheet.number,
        id=sheet.id,
        name=sheet.name,
        group=sheet.group,
        group_name=group_name(sheet.group),
        subgroup=sheet.subgroup,
    )


# ---------------------------------------------------------------- results as models


def _cap_model(sheet: Sheet, cap: Cap) -> m.CapOut:
    number = sheet.criterion(cap.criterion_id).number if cap.criterion_id else None
    return m.CapOut(
        kind=cap.kind,
        reason=cap.reason,
        citation=cap.citation,
        star=cap.star,
        criterion_id=cap.criterion_id,
        criterion_number=number,
        required_option=cap.required_option,
        rule_id=cap.rule_id,
    )


def _step_model(step: Step) -> m.PlanStep:
    return m.PlanStep(
        criterion_id=step.criterion_id,
        criterion_number=step.criterion_number,
        criterion_label=step.criterion_label,
        from_option=step.from_option,
        to_option=step.to_option,
        to_label=step.to_label,
        points_gained=step.points_gained,
        total_after=step.total_after,
        star_before=step.star_before,
        star_after=step.star_after,
        unlocks_star=step.unlocks_star,
        meets_requirement=step.meets_requirement,
        further_label=step.further_label,
        further_star=step.further_star,
        citation=step.citation,
        text=step.text,
    )


def recognition_note(result: Result | QuickResult) -> str | None:
    """Điều 4: a 1–2 star result (the exact one, or the most likely one of a quick range) gets no certificate."""
    judged = result if isinstance(result, Result) else result.likely
    return NOT_RECOGNISED if not judged.disqualified and (judged.star or 0) <= 2 else None


def _quick_range(result: QuickResult) -> m.ScoreRange:
    low, high = result.low, result.high
    total_min, total_max = result.total_range
    return m.ScoreRange(
        total_min=total_min,
        total_max=total_max,
        star_min=low.star,
        star_max=high.star,
        star_min_label=low.star_label,
        star_max_label=high.star_label,
        star_likely=result.likely.star,
        total_likely=result.likely.total,
        likely_text=likely_text(result),
        possible_disqualifiers=[
            m.Disqualifier(id=r.id, kind=r.kind, text=r.text) for r in result.possible_disqualifiers
        ],
    )


def result_model(sheet: Sheet, result: Result | QuickResult, plan: list[Step]) -> m.ScoreResult:
    """One scoring result: in full mode the exact total and star, in quick mode also the range still open."""
    complete = isinstance(result, Result)
    points = result.points if complete else result.answered
    parts = [
        m.PartScore(
            id=p.id,
            label=p.label,
            max=p.max,
            points=sum(points.get(c.id, 0) for c in p.all_criteria()),
            answered=sum(1 for c in p.all_criteria() if c.id in points),
            criteria=sum(1 for _ in p.all_criteria()),
        )
        for p in sheet.parts
    ]
    return m.ScoreResult(
        sheet=_sheet_summary(sheet),
        mode=result.mode,
        complete=complete,
        answered=len(points),
        criteria_count=len(sheet.criteria),
        unanswered=[] if complete else list(result.unanswered),
        points=points,
        parts=parts,
        total=sum(part.points for part in parts),
        max_total=sheet.max_total,
        caps=[_cap_model(sheet, cap) for cap in result.caps],
        plan=[_step_model(step) for step in plan],
        summary=summary_text(result),
        recognition_note=recognition_note(result),
        citation=result.citation,
        source=CITATION,
        band_citation=BAND_CITATION,
        note=NOTE_COUNCIL,
        band_star=result.band_star if complete else None,
        band_text=BAND_TEXT[result.band_star] if complete else None,
        star=result.star if complete else None,
        star_label=result.star_label if complete else None,
        disqualified=result.disqualified if complete else result.high.disqualified,
        range=None if complete else _quick_range(result),
    )


# ---------------------------------------------------------------- endpoints


@router.api_route("/tu-danh-gia", methods=["GET", "HEAD"], include_in_schema=False)
async def selfassess_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "selfassess.html", media_type="text/html; charset=utf-8")


@router.get("/api/sheets", response_model=m.SheetList)
async def sheets() -> m.SheetList:
    """The 26 product sets in official order (from the index, without loading every sheet)."""
    entries = sorted(load_index()["product_sets"], key=lambda e: e["number"])
    return m.SheetList(
        sheets=[
            m.SheetSummary(
                number=e["number"],
                id=e["id"],
                name=e["name"],
                group=e["group"],
                group_name=group_name(e["group"]),
                subgroup=e["subgroup"],
            )
            for e in entries
        ],
        source=CITATION,
        note=NOTE_COUNCIL,
    )


@router.get(
    "/api/sheets/{key}",
    response_model=m.SheetDetail,
    responses={404: {**_ERROR, "description": "No product set has this id or number"}},
)
async def sheet(key: str):
    """One whole scoring sheet by product-set id or number."""
    found = _find_sheet(key)
    if found is None:
        return _unknown_sheet(key, 404)
    return sheet_model(found)


@router.get(
    "/api/match",
    response_model=m.MatchResponse,
    responses={
        422: {**_ERROR, "description": f"`q` longer than {MAX_QUERY_CHARS} characters, or `limit` not a number"}
    },
)
async def match(q: str = "", limit: int = 5):
    """Candidate product sets for a product typed freely (with or without diacritics)."""
    if len(q) > MAX_QUERY_CHARS:
        return _error(
            422,
            f"Tên sản phẩm quá dài (tối đa {MAX_QUERY_CHARS} ký tự).",
            f"q longer than {MAX_QUERY_CHARS} characters",
        )
    result = match_product(q, limit=max(1, min(limit, 26)))
    return m.MatchResponse(
        query=q,
        ambiguous=result.ambiguous,
        candidates=[
            m.MatchCandidate(
                id=c.set_id,
                number=c.number,
                name=c.name,
                group=c.group,
                group_name=group_name(c.group),
                score=c.score,
                matched=list(c.matched),
            )
            for c in result.candidates
        ],
    )


@router.post(
    "/api/score",
    response_model=m.ScoreResult,
    responses={
        400: {**_ERROR, "description": "The body is not strict UTF-8 JSON"},
        422: {**_ERROR, "description": "Missing or mistyped fields, or a sheet, answer or condition the sheet lacks"},
        **_TOO_FAST,
    },
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": ScoreRequest.model_json_schema()}}}
    },
)
async def score_answers(request: Request):
    """Score answers against a sheet: full result when every criterion is answered, else the quick range.

    The body is read and checked here (the shared strict-JSON guard, then `ScoreRequest` in strict mode) so that
    every refusal is the same short 4xx JSON as the rest of the gateway.
    """
    if refused := rate_limit.refuse(request, "score"):
        return refused
    try:
        data = await json_body(request)
    except JsonBodyError as error:
        return error.response()
    try:
        body = ScoreRequest.model_validate(data, strict=True)
    except ValidationError as error:
        problems = "; ".join(
            f"{clip('.'.join(map(str, e['loc'])) or 'body')}: {e['msg']}" for e in error.errors()[:MAX_ERRORS_SHOWN]
        )
        return _error(
            422, "Dữ liệu gửi lên thiếu trường bắt buộc hoặc sai kiểu (cần sheet, answers, conditions).", problems
        )
    found = _find_sheet(body.sheet)
    if found is None:
        return _unknown_sheet(body.sheet, 422)
    conditions = list(dict.fromkeys(body.conditions))
    try:
        result = score(found, body.answers, conditions)
        plan = improvement_plan(found, body.answers, conditions, top=PLAN_STEPS)
    except AnswerError as error:
        return _error(422, _answer_error_vi(found, body), clip(str(error).strip('"'), 200))
    return result_model(found, result, plan)


def _answer_error_vi(sheet: Sheet, body: ScoreRequest) -> str:
    """Which answer or condition the sheet does not know, in Vietnamese."""
    for cid, oid in body.answers.items():
        try:
            crit = sheet.criterion(cid)
        except KeyError:
            return f"Phiếu {sheet.number} không có tiêu chí “{clip(cid)}”."
        if oid not in {o.id for o in crit.options}:
            return f"Tiêu chí {crit.number} của phiếu {sheet.number} không có phương án “{clip(oid)}”."
    known = sheet.rules
    for rid in body.conditions:
        if rid not in known:
            return f"Phiếu {sheet.number} không có điều kiện loại hồ sơ “{clip(rid)}”."
    return "Câu trả lời không khớp với phiếu đánh giá."
