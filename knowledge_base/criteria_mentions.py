"""How the scoring sheets score a certification or practice outside the decisions ("VietGAP", "HACCP", "mã vạch").

Obtaining a VietGAP or HACCP certificate is another law's business (``outside_subjects.yml``), but the sheets of
Phụ lục II give points for having one. ``answer(subjects)`` answers "chứng nhận hữu cơ được cộng mấy
điểm" from the sheets as data: every printed option whose official label names one of the subjects' phrases,
grouped by criterion, option, points and star mark, with the sheets that print it. ``None`` when no option does.
The options' folded labels are read once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from knowledge_base import legal, outside_subjects, textnorm
from knowledge_base.scoring.sheets import Criterion, Option, list_sheets


@dataclass(frozen=True)
class Mention:
    criterion: str  # "1.3 Vùng nguyên liệu" as printed
    option: str  # the option's official label
    points: int
    min_star: int | None  # the option is the minimum requirement of this star level
    sheets: tuple[int, ...]


@dataclass(frozen=True)
class MentionAnswer:
    text: str
    citation: str


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", textnorm.normalize_folded(text)))


@lru_cache(maxsize=1)
def _printed_options() -> tuple[tuple[int, Criterion, Option, str], ...]:
    """(sheet number, criterion, option, padded folded label) of every printed option, read once per process."""
    return tuple(
        (sheet.number, criterion, option, f" {_key(option.label)} ")
        for sheet in list_sheets()
        for criterion in sheet.criteria
        for option in criterion.options
        if not option.implicit
    )


def mentions(phrases: tuple[str, ...]) -> list[Mention]:
    """Printed options naming one of ``phrases`` (folded), one entry per criterion, option, points and star mark."""
    found: dict[tuple, Mention] = {}
    for number, criterion, option, label in _printed_options():
        if not any(f" {p} " in label for p in phrases):
            continue
        key = (_key(criterion.label), label, option.points, option.min_star)
        if key in found:  # the same option on another sheet
            found[key] = replace(found[key], sheets=found[key].sheets + (number,))
        else:
            criterion_name = f"{criterion.number} {criterion.label}"
            found[key] = Mention(criterion_name, option.label, option.points, option.min_star, (number,))
    return sorted(found.values(), key=lambda m: (m.sheets[0], m.criterion, -m.points))


def _sheet_list(numbers: tuple[int, ...]) -> str:
    return "phiếu " + ", ".join(str(n) for n in numbers) if len(numbers) < 26 else "cả 26 phiếu"


def _line(mention: Mention) -> str:
    star = f"; yêu cầu tối thiểu {mention.min_star} sao" if mention.min_star else ""
    return (
        f"- Tiêu chí {mention.criterion}, phương án “{mention.option}”: {mention.points} điểm{star} "
        f"({_sheet_list(mention.sheets)})."
    )


def answer(subjects: frozenset[int], yes_first: bool = False) -> MentionAnswer | None:
    """The sheets' options that score the named ``subjects`` (indexes into the default outside subjects);
    ``yes_first`` opens with "Có." (the question asked whether it earns points, and it does)."""
    chosen = outside_subjects.chosen(subjects)
    found = mentions(tuple(p for s in chosen for p in s.phrases))
    if not found:
        return None
    names = ", ".join(s.subject for s in chosen)
    asks = outside_subjects.who_to_ask(chosen)
    text = "\n".join(
        [f"{'Có. ' if yes_first else ''}Bộ tiêu chí OCOP chấm {names} ở các phương án sau của phiếu chấm (Phụ lục II):"]
        + [_line(m) for m in found]
        + [f"Thủ tục để có các chứng nhận này không do các quyết định OCOP quy định: {asks}."]
    )
    return MentionAnswer(text, f"Theo {legal.sentence('sheets_citation')}")
