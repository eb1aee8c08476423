"""Score a product against its OCOP scoring sheet (Phụ lục II of the decision in force, `knowledge_base.legal`) — pure Python.

Answers are ``{criterion_id: option_id}``. The total is the sum of the chosen options' points; the star band follows
Điều 3 khoản 3 (5★ 90–100, 4★ 70 to under 90, 3★ 50 to under 70, 2★ 30 to under 50, 1★ under 30). The band is then
capped:

* by the starred minimum requirements: a product reaches N stars (N = 3, 4, 5) only if, in every criterion with an
  option marked for level N, it reaches at least that option's points — and, a higher level also requiring the lower
  ones, the marks of every level from 3 up to N. A product short of the 3-star marks is rated at most 2 stars;
* by disqualifying conditions ("Hồ sơ bị loại khi", in-criterion "bị loại" notes) and "không đánh giá các bước tiếp
  theo" notes: the dossier is not rated at all.

Every cap carries a Vietnamese reason with its citation. ``score_full`` needs every criterion; ``score_quick`` takes any
subset (normally the key questions) and returns the lowest and highest total and star the unanswered criteria allow.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from knowledge_base import legal
from knowledge_base.scoring.sheets import CITATION, STARS, Criterion, Option, Rule, Sheet, get_sheet

STAR_BANDS = ((90, 5), (70, 4), (50, 3), (30, 2), (0, 1))
BAND_TEXT = {
    5: "từ 90 đến 100 điểm",
    4: "từ 70 đến dưới 90 điểm",
    3: "từ 50 đến dưới 70 điểm",
    2: "từ 30 đến dưới 50 điểm",
    1: "dưới 30 điểm",
}
BAND_CITATION = legal.sentence("band_citation")
NOTE_COUNCIL = legal.sentence("council_note")
NOT_RECOGNISED = legal.sentence("not_recognised")


class AnswerError(ValueError):
    """An answer names an unknown criterion or option, or a full score misses criteria."""


def star_for_points(total: float) -> int:
    """Star band for a total (Điều 3 khoản 3): 90–100 → 5, 70–<90 → 4, 50–<70 → 3, 30–<50 → 2, <30 → 1."""
    for low, star in STAR_BANDS:
        if total >= low:
            return star
    return 1


@dataclass(frozen=True)
class Cap:
    """Why the result is below its points band: an unmet starred minimum, or a disqualifying/halting condition."""

    kind: str  # "min_star" | "disqualify" | "halt"
    reason: str  # Vietnamese, ends with the citation
    citation: str
    star: int | None = None  # the star level whose requirement is not met (min_star caps)
    criterion_id: str | None = None
    required_option: str | None = None
    rule_id: str | None = None


@dataclass
class Result:
    sheet_id: str
    sheet_number: int
    points: dict[str, int]  # criterion id -> points (answered criteria only in quick mode)
    part_points: dict[str, int]
    total: int
    band_star: int  # star from points alone
    star: int | None  # after caps; None when the dossier is disqualified
    disqualified: bool
    caps: list[Cap]
    citation: str
    mode: str = "full"
    note: str = NOTE_COUNCIL

    @property
    def star_label(self) -> str:
        return "Bị loại (không xếp hạng)" if self.disqualified else f"{self.star} sao"

    @property
    def rank(self) -> int:
        """Comparable rating: 0 when disqualified, else the star (1–5)."""
        return 0 if self.disqualified else int(self.star or 0)


@dataclass
class QuickResult:
    sheet_id: str
    sheet_number: int
    answered: dict[str, int]  # criterion id -> points
    unanswered: list[str]
    low: Result  # unanswered criteria at their lowest option (not assuming a disqualifying answer)
    high: Result  # unanswered criteria at their best option
    known_points: int
    citation: str
    min_total: int = 0  # lowest total at all (may need an answer that disqualifies; see ``low``)
    possible_disqualifiers: list[Rule] = field(default_factory=list)
    likely: Result | None = None  # unanswered criteria at the share of points the answered ones reached
    mode: str = "quick"
    note: str = NOTE_COUNCIL

    @property
    def total_range(self) -> tuple[int, int]:
        """Lowest and highest total the unanswered criteria allow."""
        return self.min_total, self.high.total

    @property
    def star_range(self) -> tuple[int | None, int | None]:
        return self.low.star, self.high.star

    @property
    def caps(self) -> list[Cap]:
        """Caps that hold even in the best case (they come from the answers given)."""
        return self.high.caps


def _sheet(sheet: Sheet | str | int) -> Sheet:
    return sheet if isinstance(sheet, Sheet) else get_sheet(sheet)


def _check_answers(sheet: Sheet, answers: Mapping[str, str]) -> dict[str, Option]:
    chosen: dict[str, Option] = {}
    for cid, oid in answers.items():
        try:
            crit = sheet.criterion(cid)
            chosen[cid] = crit.option(oid)
        except KeyError as e:
            raise AnswerError(e.args[0] if e.args else str(e)) from None
    return chosen


def _sheet_cite(sheet: Sheet) -> str:
    return f"{CITATION}, phiếu {sheet.number}"


def unmet_marks(sheet: Sheet, points: Mapping[str, int], star: int) -> list[tuple[Criterion, Option]]:
    """Criteria whose option marked for ``star`` stars is not reached by ``points`` (missing criteria count as 0)."""
    out = []
    for c in sheet.criteria:
        opt = c.star_option(star)
        if opt is not None and points.get(c.id, 0) < opt.points:
            out.append((c, opt))
    return out


def effective_points(sheet: Sheet, chosen: Mapping[str, Option]) -> dict[str, int]:
    """Points per answered criterion; a criterion that applies only if another reaches some points (5.2 "Chỉ áp dụng
    khi có câu chuyện sản phẩm") scores 0 while that other criterion is answered below it."""
    points = {cid: o.points for cid, o in chosen.items()}
    for cid in list(points):
        cond = sheet.criterion(cid).applies_if
        if cond and cond[0] in chosen and chosen[cond[0]].points < cond[1]:
            points[cid] = 0
    return points


def _evaluate(
    sheet: Sheet, chosen: Mapping[str, Option], conditions: Iterable[str], mode: str, optimistic: bool = False
) -> Result:
    points = effective_points(sheet, chosen)
    part_points = {p.id: sum(points.get(c.id, 0) for c in p.all_criteria()) for p in sheet.parts}
    total = sum(part_points.values())
    band = star_for_points(total)
    cite = _sheet_cite(sheet)
    caps: list[Cap] = []

    rules = sheet.rules
    active: list[Rule] = []
    for rid in conditions:
        if rid not in rules:
            raise AnswerError(f"sheet {sheet.id}: unknown condition {rid!r}")
        active.append(rules[rid])
    for o in chosen.values():
        if o.triggers and rules[o.triggers] not in active:
            active.append(rules[o.triggers])
    for r in active:
        where = ""
        if r.criterion_id:
            c = sheet.criterion(r.criterion_id)
            where = f' (ghi chú tiêu chí {c.number} "{c.label}")'
        if r.kind == "halt":
            text = f"Không đánh giá tiếp{where}: {r.text.rstrip('.')} — {cite}."
        else:
            text = f"Hồ sơ bị loại{where}: {r.text.rstrip('.')} — {cite}."
        caps.append(Cap(kind=r.kind, reason=text, citation=cite, rule_id=r.id, criterion_id=r.criterion_id))
    disqualified = bool(active)

    star: int | None = band
    if not disqualified and band >= 3:
        reached = 2
        for level in STARS:
            if level > band:
                break
            missing = unmet_marks(sheet, points, level)
            if missing:
                for c, opt in missing:
                    got = points.get(c.id, 0)
                    lead = (
                        f"Kể cả khi các tiêu chí chưa trả lời đạt tối đa (tổng {total} điểm, mức {band} sao), sản phẩm"
                        if optimistic
                        else f"Tổng điểm {total} đủ mức {band} sao nhưng"
                    )
                    reason = (
                        f"{lead} chưa đạt yêu cầu tối thiểu cho {level} sao: "
                        f'tiêu chí {c.number} "{c.label}" đạt {got}/{c.max} điểm, cần tối thiểu phương án '
                        f'"{opt.label}" ({opt.points} điểm) — {cite}.'
                    )
                    caps.append(
                        Cap(
                            kind="min_star",
                            reason=reason,
                            citation=cite,
                            star=level,
                            criterion_id=c.id,
                            required_option=opt.id,
                        )
                    )
                break
            reached = level
        star = min(band, reached) if reached >= 3 else min(band, 2)
    if disqualified:
        star = None
    return Result(
        sheet_id=sheet.id,
        sheet_number=sheet.number,
        points=points,
        part_points=part_points,
        total=total,
        band_star=band,
        star=star,
        disqualified=disqualified,
        caps=caps,
        citation=cite,
        mode=mode,
    )


def score_full(sheet: Sheet | str | int, answers: Mapping[str, str], conditions: Iterable[str] = ()) -> Result:
    """Score with an answer for every criterion; ``conditions`` are ids of disqualifying/halting rules that apply."""
    sh = _sheet(sheet)
    chosen = _check_answers(sh, answers)
    missing = [c.id for c in sh.criteria if c.id not in chosen]
    if missing:
        raise AnswerError(f"sheet {sh.id}: no answer for {missing}")
    return _evaluate(sh, chosen, tuple(conditions), "full")


def _lowest_safe(c: Criterion) -> Option:
    safe = [o for o in c.options if not o.triggers]
    return min(safe or c.options, key=lambda o: o.points)


def _likely_option(c: Criterion, share: float) -> Option:
    """The non-disqualifying option whose points are nearest ``share`` of the criterion's maximum (lower on a tie)."""
    safe = [o for o in c.options if not o.triggers] or list(c.options)
    return min(safe, key=lambda o: (abs(o.points - share * c.max), o.points))


def score_quick(sheet: Sheet | str | int, answers: Mapping[str, str], conditions: Iterable[str] = ()) -> QuickResult:
    """Score from some answers (normally the key questions): the range of totals and stars still possible.

    ``total_range`` runs from the lowest to the highest total the unanswered criteria allow. For the star range, the
    low end (``low``) puts every unanswered criterion at its lowest option that does not itself disqualify the
    dossier (rules that unanswered criteria could still trigger are listed in ``possible_disqualifiers``) and the
    high end (``high``) at its best option; both apply the star caps and the given ``conditions``.
    """
    sh = _sheet(sheet)
    chosen = _check_answers(sh, answers)
    conditions = tuple(conditions)
    unanswered = [c for c in sh.criteria if c.id not in chosen]
    low_choice = dict(chosen, **{c.id: _lowest_safe(c) for c in unanswered})
    high_choice = dict(chosen, **{c.id: c.best for c in unanswered})
    low = _evaluate(sh, low_choice, conditions, "quick")
    high = _evaluate(sh, high_choice, conditions, "quick", optimistic=bool(unanswered))
    possible = []
    for c in unanswered:
        for o in c.options:
            if o.triggers and sh.rules[o.triggers] not in possible:
                possible.append(sh.rules[o.triggers])
    answered = {k: v for k, v in effective_points(sh, chosen).items()}
    known = sum(answered.values())
    answered_max = sum(sh.criterion(cid).max for cid in answered)
    share = known / answered_max if answered_max else 0.5
    likely = _evaluate(sh, dict(chosen, **{c.id: _likely_option(c, share) for c in unanswered}), conditions, "quick")
    return QuickResult(
        sheet_id=sh.id,
        sheet_number=sh.number,
        answered=answered,
        unanswered=[c.id for c in unanswered],
        low=low,
        high=high,
        known_points=known,
        citation=_sheet_cite(sh),
        min_total=min(low.total, known + sum(c.worst.points for c in unanswered)),
        possible_disqualifiers=possible,
        likely=likely,
    )


def score(sheet: Sheet | str | int, answers: Mapping[str, str], conditions: Iterable[str] = ()) -> Result | QuickResult:
    """``score_full`` when every criterion is answered, else ``score_quick``."""
    sh = _sheet(sheet)
    if all(c.id in answers for c in sh.criteria):
        return score_full(sh, answers, conditions)
    return score_quick(sh, answers, conditions)


def likely_text(quick: QuickResult) -> str:
    """The most likely star of a quick result, with the assumption it rests on."""
    r = quick.likely
    star = "bị loại" if r.disqualified else f"{r.star} sao"
    return (
        f"Hạng có khả năng nhất: {star} (khoảng {r.total} điểm), nếu {len(quick.unanswered)} tiêu chí chưa hỏi "
        "đạt cùng tỷ lệ điểm như các câu đã trả lời."
    )


def summary_text(result: Result | QuickResult) -> str:
    """A short Vietnamese summary of a result (points by part, stars, caps, note about the council)."""
    lines = []
    if isinstance(result, QuickResult):
        lo, hi = result.low, result.high
        stars = lambda r: "bị loại" if r.disqualified else f"{r.star} sao"  # noqa: E731
        lo_total, hi_total = result.total_range
        lines.append(
            f"Ước tính tổng điểm từ {lo_total} đến {hi_total}/100; hạng dự kiến từ {stars(lo)} đến {stars(hi)}."
        )
        lines.append(likely_text(result))
        lines.append(f"Điểm đã biết từ {len(result.answered)} câu trả lời: {result.known_points}.")
        caps = hi.caps
        unrecognised = not result.likely.disqualified and (result.likely.star or 0) <= 2
    else:
        p = result.part_points
        lines.append(
            f"Tổng điểm {result.total}/100 (A {p['A']}/40, B {p['B']}/25, C {p['C']}/35); "
            f"theo điểm: {result.band_star} sao ({BAND_TEXT[result.band_star]}, {BAND_CITATION})."
        )
        lines.append(f"Kết quả: {result.star_label}.")
        caps = result.caps
        unrecognised = not result.disqualified and (result.star or 0) <= 2
    for cap in caps:
        lines.append("- " + cap.reason)
    if unrecognised:
        lines.append(NOT_RECOGNISED)
    lines.append(result.note)
    return "\n".join(lines)
