"""Pydantic models of the self-assessment API (`gateway.selfassess`): the page's contract, shown at `/docs`.

Field order is the order of the JSON the page (`gateway/static/selfassess.js`) reads; `None` values are sent
as `null`, never left out. Points are whole numbers; star levels run from 1 to 5.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ScoreRequest(BaseModel):
    """Body of `POST /api/score`, validated strictly after the shared JSON guard."""

    sheet: str | int = Field(description='product-set id ("mat_ong_nong_san_khac") or number (1-26)')
    answers: dict[str, str] = Field(default_factory=dict, description="criterion id -> option id")
    conditions: list[str] = Field(default_factory=list, description="ids of disqualifying conditions that apply")


class ErrorBody(BaseModel):
    """Every 4xx of these endpoints: `error` for a person, `detail` for a program (bounded echoes of the input)."""

    error: str = Field(description="Vietnamese message to show")
    detail: str | list[dict] = Field(description="English reason, or the list of validation errors")


# ---------------------------------------------------------------- sheets


class SheetSummary(BaseModel):
    """One product set as listed: its number, id and group."""

    number: int = Field(description="official number of the scoring sheet, 1-26")
    id: str = Field(description='product-set id, e.g. "mat_ong_nong_san_khac"')
    name: str
    group: str = Field(description="product group code")
    group_name: str = Field(description="product group in Vietnamese")
    subgroup: str


class SheetList(BaseModel):
    """`GET /api/sheets`: the 26 product sets in official order."""

    sheets: list[SheetSummary]
    source: str = Field(description="citation of the official scoring sheets")
    note: str = Field(description="reminder that the council's assessment decides")


class CriterionRule(BaseModel):
    """A condition written under a criterion."""

    id: str
    kind: str = Field(description='"disqualify" or "halt"')
    text: str
    triggered_by_option: bool = Field(description="an option of this criterion sets the condition by itself")


class CriterionCase(BaseModel):
    """A case the criterion distinguishes (options belong to one case each)."""

    id: str
    label: str


class AppliesIf(BaseModel):
    """The criterion scores only when another one reaches `min_points`; else it scores 0."""

    criterion: str = Field(description="id of the criterion it depends on")
    number: str = Field(description="number of that criterion as printed on the sheet")
    min_points: int


class OptionOut(BaseModel):
    """One answer option of a criterion."""

    id: str
    label: str = Field(description="official wording")
    short: str = Field(description="short label for a button")
    points: int
    min_star: int | None = Field(description="star level this option is the minimum requirement for")
    star_mark: str | None = Field(description='how the page shows `min_star`: "★3 tối thiểu"')
    implicit: bool
    case: str | None = Field(description="id of the criterion case the option belongs to")
    triggers: str | None = Field(description="id of the condition this option sets")
    note: str | None
    official_points: int | None = Field(description="points printed on the sheet when they differ from `points`")


class CriterionOut(BaseModel):
    """One criterion with its options."""

    id: str
    number: str = Field(description='number as printed on the sheet, e.g. "1.1"')
    label: str
    max: int
    part: str = Field(description="part id: A, B or C")
    group: str = Field(description="number of the criteria group")
    key: bool = Field(description="a key criterion of the sheet")
    question: str | None = Field(description="the criterion asked as a question")
    notes: list[str]
    rules: list[CriterionRule]
    cases: list[CriterionCase]
    applies_if: AppliesIf | None
    options: list[OptionOut]


class GroupOut(BaseModel):
    """A group of criteria, possibly with sub-groups."""

    number: str
    label: str
    max: int
    criteria: list[CriterionOut]
    groups: list[GroupOut]


class PartOut(BaseModel):
    """A part of the sheet (A, B, C) with its groups."""

    id: str
    label: str
    max: int
    groups: list[GroupOut]


class Condition(BaseModel):
    """A disqualifying condition a producer can tick (the sheet's own, or one written under a criterion)."""

    id: str
    kind: str = Field(description='"disqualify" or "halt"')
    text: str
    criterion_id: str | None = Field(description="criterion it is written under, null for the sheet's own")
    criterion_number: str | None


class StarBand(BaseModel):
    """The points a star level needs."""

    star: int
    text: str


class SheetDetail(BaseModel):
    """`GET /api/sheets/{key}`: one whole scoring sheet as the page draws it."""

    id: str
    number: int
    name: str
    official_title: str
    group: str
    group_name: str
    subgroup: str
    header: str
    notes: list[str]
    citation: str
    max_total: int
    parts: list[PartOut]
    conditions: list[Condition]
    criteria_count: int
    star_bands: list[StarBand] = Field(description="5 to 1 stars")
    band_citation: str
    source: str
    note: str


# ---------------------------------------------------------------- product matching


class MatchCandidate(BaseModel):
    """A product set that may fit the product typed."""

    id: str
    number: int
    name: str
    group: str
    group_name: str
    score: float = Field(description="match strength, higher is better")
    matched: list[str] = Field(description="words of the query that matched")


class MatchResponse(BaseModel):
    """`GET /api/match`: candidate product sets, best first."""

    query: str
    ambiguous: bool = Field(description="several product sets fit about equally")
    candidates: list[MatchCandidate]


# ---------------------------------------------------------------- scoring results


class PartScore(BaseModel):
    """Points of one part."""

    id: str
    label: str
    max: int
    points: int = Field(description="points of the answered criteria")
    answered: int = Field(description="criteria answered in this part")
    criteria: int = Field(description="criteria in this part")


class CapOut(BaseModel):
    """Why the star is lower than the points alone give, or why the dossier is disqualified."""

    kind: Literal["min_star", "disqualify", "halt"]
    reason: str = Field(description="Vietnamese, ends with the citation")
    citation: str
    star: int | None = Field(description="star level whose minimum requirement is not met")
    criterion_id: str | None
    criterion_number: str | None
    required_option: str | None
    rule_id: str | None


class PlanStep(BaseModel):
    """One step of the improvement plan: a better option for one criterion."""

    criterion_id: str
    criterion_number: str
    criterion_label: str
    from_option: str
    to_option: str
    to_label: str
    points_gained: int
    total_after: int | None = Field(description="null in quick mode (the total is then a range)")
    star_before: int | None
    star_after: int | None
    unlocks_star: int | None = Field(description="star reached thanks to this step, if it raises the star")
    meets_requirement: int | None = Field(description="star level whose minimum requirement this option satisfies")
    further_label: str | None = Field(description="a stronger option of the same criterion, marked for a higher star")
    further_star: int | None
    citation: str
    text: str = Field(description="the step in Vietnamese")


class Disqualifier(BaseModel):
    """A condition an unanswered criterion could still set."""

    id: str
    kind: str
    text: str


class ScoreRange(BaseModel):
    """Quick mode: what the unanswered criteria still allow."""

    total_min: int
    total_max: int
    star_min: int | None
    star_max: int | None
    star_min_label: str
    star_max_label: str
    star_likely: int | None = Field(description="star if the rest is answered as well as the answered share")
    total_likely: int
    likely_text: str
    possible_disqualifiers: list[Disqualifier]


class ScoreResult(BaseModel):
    """`POST /api/score`: the exact result when every criterion is answered (`complete`), else the quick range."""

    sheet: SheetSummary
    mode: Literal["full", "quick"]
    complete: bool
    answered: int
    criteria_count: int
    unanswered: list[str] = Field(description="ids of the criteria not answered (empty when complete)")
    points: dict[str, int] = Field(description="criterion id -> points, answered criteria only")
    parts: list[PartScore]
    total: int = Field(description="points of the answered criteria")
    max_total: int
    caps: list[CapOut]
    plan: list[PlanStep] = Field(description="the improvement plan, best steps first")
    summary: str = Field(description="the result in Vietnamese")
    recognition_note: str | None = Field(description="set for 1-2 stars: no OCOP certificate is granted")
    citation: str
    source: str
    band_citation: str
    note: str
    band_star: int | None = Field(description="star from the points alone; null in quick mode")
    band_text: str | None
    star: int | None = Field(description="star after caps; null in quick mode or when disqualified")
    star_label: str | None
    disqualified: bool
    range: ScoreRange | None = Field(description="null when complete")
