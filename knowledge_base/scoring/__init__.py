"""OCOP self-assessment: scoring sheets as data, scorer, quick range, improvement plan, product -> product set.

Public API (pure Python, no Rasa)::

    from knowledge_base.scoring import get_sheet, list_sheets, score_full, score_quick, improvement_plan, match_product

    sheet = get_sheet("mat_ong_nong_san_khac")          # or get_sheet(4)
    q = score_quick(sheet, {"c1_1": "o3", "c4_1": "o2"})  # range of totals and stars
    r = score_full(sheet, answers)                        # every criterion answered
    steps = improvement_plan(sheet, answers, top=3)
    m = match_product("mat ong rung")                     # ranked candidate product sets
"""

from knowledge_base.scoring.catalog import Candidate, MatchResult, match_product
from knowledge_base.scoring.plan import Step, improvement_plan
from knowledge_base.scoring.scorer import (
    NOTE_COUNCIL,
    AnswerError,
    Cap,
    QuickResult,
    Result,
    score,
    score_full,
    score_quick,
    star_for_points,
    summary_text,
)
from knowledge_base.scoring.sheets import (
    CITATION,
    Criterion,
    Option,
    Rule,
    Sheet,
    SheetError,
    get_sheet,
    group_name,
    list_sheets,
    load_index,
    validate_data,
)

__all__ = [
    "AnswerError",
    "CITATION",
    "Candidate",
    "Cap",
    "Criterion",
    "MatchResult",
    "NOTE_COUNCIL",
    "Option",
    "QuickResult",
    "Result",
    "Rule",
    "Sheet",
    "SheetError",
    "Step",
    "get_sheet",
    "group_name",
    "improvement_plan",
    "list_sheets",
    "load_index",
    "match_product",
    "score",
    "score_full",
    "score_quick",
    "star_for_points",
    "summary_text",
    "validate_data",
]
