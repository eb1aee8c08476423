"""How narrow the chat's quick estimate is: the range a producer sees after answering only the key questions.

Usage (from the repo root):
    .venvs/app/bin/python scripts/bench_quick_estimate.py

For every worked case in tests/data/scoring_cases/ the case's answers (filled as the worked-case test fills them)
are restricted to the sheet's key questions, as if the producer had answered the chat form honestly, and scored
with `score_quick`. Printed per case and on average: the width of the total range, the width of the star range,
and whether the most likely star equals the star the whole sheet gives (full cases only). A second table shows the
same widths over all 26 sheets, each answered at its best, which depend only on the choice of key questions.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base.scoring import get_sheet, list_sheets, score_full, score_quick  # noqa: E402
from knowledge_base.scoring.scorer import _lowest_safe  # noqa: E402

CASES_DIR = ROOT / "tests" / "data" / "scoring_cases"


def case_answers(case: dict, sheet) -> dict[str, str]:
    answers = dict(case.get("answers") or {})
    base = case.get("base", "none")
    if case["mode"] == "full" and base != "none":
        for c in sheet.criteria:
            answers.setdefault(c.id, c.best.id if base == "best" else _lowest_safe(c).id)
    return answers


def star_width(quick) -> int:
    return quick.high.rank - quick.low.rank


def main() -> None:
    rows, widths, full_widths, star_widths, hits, fulls = [], [], [], [], 0, 0
    for path in sorted(CASES_DIR.glob("*.yml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        sheet = get_sheet(case["sheet"])
        answers = case_answers(case, sheet)
        conditions = case.get("conditions", [])
        keyed = {c.id: answers[c.id] for c in sheet.key_criteria if c.id in answers}
        quick = score_quick(sheet, keyed, conditions)
        low, high = quick.total_range
        truth = ""
        if case["mode"] == "full":
            full = score_full(sheet, answers, conditions)
            fulls += 1
            hits += quick.likely.rank == full.rank
            truth = f"{full.rank}"
            full_widths.append(high - low)
        widths.append(high - low)
        star_widths.append(star_width(quick))
        rows.append(
            f"| {path.stem} | {sheet.number} | {len(keyed)} | {low}–{high} | {high - low} | "
            f"{quick.low.rank}–{quick.high.rank} | {quick.likely.rank} | {truth} |"
        )
    print("star ranks: 0 = disqualified, else the star")
    print("| case | sheet | answers | total range | width | star range | likely | full sheet |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"\naverage total-range width over {len(widths)} cases: {statistics.mean(widths):.1f} points "
        f"({statistics.mean(full_widths):.1f} over the {fulls} full cases); "
        f"average star-range width: {statistics.mean(star_widths):.2f}; "
        f"most likely star = full-sheet star in {hits} of {fulls} full cases"
    )
    sheet_widths = []
    for sheet in list_sheets():
        quick = score_quick(sheet, {c.id: c.best.id for c in sheet.key_criteria})
        sheet_widths.append(quick.total_range[1] - quick.total_range[0])
    print(
        f"all 26 sheets, key questions at their best: average width {statistics.mean(sheet_widths):.1f} points "
        f"(min {min(sheet_widths)}, max {max(sheet_widths)}); key questions per sheet "
        f"{min(len(s.key_criteria) for s in list_sheets())}–{max(len(s.key_criteria) for s in list_sheets())}"
    )


if __name__ == "__main__":
    main()
