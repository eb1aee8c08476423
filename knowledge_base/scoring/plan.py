"""Improvement plan: which answers to improve first to raise a product's OCOP result.

Greedy over single changes (criterion -> a better option): each step takes the change that most improves, in order,
the star reached, the number of starred minimum requirements still blocking the points band, and the total. A step
recommends what is enough: when it raises the star, the cheapest option of that criterion that reaches the next star
(an accepted trademark application rather than the certificate, for 3★); a stronger option marked for a higher star
is named in the step as the further step. Steps are
cumulative (step 2 assumes step 1 is done), so a sequence of mark fixes that together unlock a star shows where the
star is unlocked. In quick mode (not every criterion answered) only answered criteria are changed and results are
judged at the optimistic end of the quick range (unanswered criteria at their best), which isolates what the given
answers block.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge_base.scoring.scorer import Result, score_full, score_quick, unmet_marks
from knowledge_base.scoring.sheets import STARS, Sheet, get_sheet


@dataclass(frozen=True)
class Step:
    criterion_id: str
    criterion_number: str
    criterion_label: str
    from_option: str
    to_option: str
    to_label: str
    points_gained: int
    total_after: int | None  # None in quick mode (the total is then a range)
    star_before: int | None
    star_after: int | None
    unlocks_star: int | None  # the star reached thanks to this step, if it raised the star
    meets_requirement: int | None  # star level whose minimum requirement this option satisfies, if any
    citation: str
    further_label: str | None = None  # a stronger option of the same criterion, marked for a higher star
    further_star: int | None = None  # the star level that stronger option is the minimum for

    @property
    def text(self) -> str:
        """Vietnamese description of the step."""
        total = f", tổng {self.total_after}" if self.total_after is not None else ""
        t = (
            f'Tiêu chí {self.criterion_number} "{self.criterion_label}": nâng lên phương án "{self.to_label}" '
            f"(+{self.points_gained} điểm{total})"
        )
        if self.meets_requirement:
            t += f"; đáp ứng yêu cầu tối thiểu cho {self.meets_requirement} sao"
        if self.unlocks_star:
            t += f"; đạt {self.unlocks_star} sao"
        if self.further_label:
            t += f'; bước sau, cho {self.further_star} sao: "{self.further_label}"'
        return t + f" — {self.citation}."


def _evaluate(sheet: Sheet, answers: Mapping[str, str], conditions: tuple[str, ...]) -> Result:
    if all(c.id in answers for c in sheet.criteria):
        return score_full(sheet, answers, conditions)
    return score_quick(sheet, answers, conditions).high


def _potential(sheet: Sheet, r: Result) -> tuple:
    """(star reached, -unmet starred requirements up to the next star, total): larger is better."""
    target = min(r.rank + 1, 5)
    unmet = 0
    if not r.disqualified:
        unmet = sum(len(unmet_marks(sheet, r.points, level)) for level in STARS if level <= target)
    return (r.rank, -unmet, r.total)


def _cheapest_with_effect(
    sheet: Sheet, current: Mapping[str, str], conditions: tuple[str, ...], crit, now, opt, r: Result, before: Result
):
    """The smallest option between ``now`` and ``opt`` that has the effect that made ``opt`` the best step: a higher
    star than before (the next star is enough, whatever higher star the stronger option would reach), else the same
    starred requirements met."""

    def enough(trial: Result) -> bool:
        if r.rank > before.rank:
            return trial.rank > before.rank
        return _potential(sheet, trial)[:2] == _potential(sheet, r)[:2]

    for smaller in sorted(crit.options, key=lambda o: o.points):
        if now.points < smaller.points < opt.points and not smaller.triggers:
            trial = _evaluate(sheet, dict(current, **{crit.id: smaller.id}), conditions)
            if enough(trial):
                return smaller, trial
    return opt, r


def improvement_plan(
    sheet: Sheet | str | int, answers: Mapping[str, str], conditions: Iterable[str] = (), top: int = 3
) -> list[Step]:
    """Up to ``top`` cumulative steps that raise the result most (empty when nothing can be improved).

    A declared disqualifying condition (``conditions``) cannot be fixed by a better answer, so the plan is empty then;
    a disqualifying *answer* (e.g. all raw material imported) is the first thing the plan changes.
    """
    sh = sheet if isinstance(sheet, Sheet) else get_sheet(sheet)
    conditions = tuple(conditions)
    if conditions:
        return []
    current = dict(answers)
    result = _evaluate(sh, current, conditions)
    full = all(c.id in current for c in sh.criteria)
    steps: list[Step] = []
    while len(steps) < top:
        best = None
        for cid, oid in current.items():
            crit = sh.criterion(cid)
            now = crit.option(oid)
            for opt in crit.options:
                if opt.points <= now.points or opt.triggers:
                    continue
                trial = dict(current, **{cid: opt.id})
                r = _evaluate(sh, trial, conditions)
                key = _potential(sh, r)
                if best is None or key > best[0]:
                    best = (key, crit, now, opt, r)
        if best is None:
            break
        key, crit, now, opt, r = best
        base = _potential(sh, result)
        if key <= base:
            break
        if key[:2] > base[:2]:
            opt, r = _cheapest_with_effect(sh, current, conditions, crit, now, opt, r, result)
        meets = None
        for level in STARS:
            mark = crit.star_option(level)
            if mark is not None and now.points < mark.points <= opt.points:
                meets = level
        further = next(
            (
                crit.star_option(level)
                for level in STARS
                if crit.star_option(level) is not None and crit.star_option(level).points > opt.points
            ),
            None,
        )
        steps.append(
            Step(
                criterion_id=crit.id,
                criterion_number=crit.number,
                criterion_label=crit.label,
                from_option=now.id,
                to_option=opt.id,
                to_label=opt.short or opt.label,
                points_gained=r.total - result.total,
                total_after=r.total if full else None,
                star_before=result.star,
                star_after=r.star,
                unlocks_star=r.star if r.rank > result.rank else None,
                meets_requirement=meets,
                citation=r.citation,
                further_label=(further.short or further.label) if further else None,
                further_star=further.min_star if further else None,
            )
        )
        current[crit.id] = opt.id
        result = r
    return steps
