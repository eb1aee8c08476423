"""The chat's key questions are the ones that narrow the estimate most: every ★3 minimum, then the heaviest."""

import pytest

from knowledge_base.scoring import list_sheets, score_quick

SHEETS = list_sheets()


def lowest_mark(criterion):
    return min((o.min_star for o in criterion.options if o.min_star), default=None)


@pytest.mark.parametrize("sheet", SHEETS, ids=[f"bo{s.number}" for s in SHEETS])
def test_key_questions_are_the_three_star_minimums_then_the_heaviest_criteria(sheet):
    key = [c for c in sheet.criteria if c.key]
    assert len(key) == 15
    assert all(c.key for c in sheet.criteria if lowest_mark(c) == 3)
    chosen_by_weight = [c for c in key if lowest_mark(c) != 3]
    lightest = min(c.max for c in chosen_by_weight)
    assert all(c.max <= lightest for c in sheet.criteria if not c.key)


@pytest.mark.parametrize("sheet", SHEETS, ids=[f"bo{s.number}" for s in SHEETS])
def test_answering_every_key_question_leaves_a_range_of_at_most_41_points(sheet):
    quick = score_quick(sheet, {c.id: c.best.id for c in sheet.key_criteria})
    low, high = quick.total_range
    assert high - low <= 41
    assert low <= quick.likely.total <= high
