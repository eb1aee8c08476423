"""Property tests (hypothesis) over random sheets and answers."""

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge_base.scoring import list_sheets, score_full, score_quick

SHEETS = list_sheets()


@st.composite
def full_answers(draw):
    sheet = draw(st.sampled_from(SHEETS))
    answers = {c.id: draw(st.sampled_from([o.id for o in c.options])) for c in sheet.criteria}
    return sheet, answers


@st.composite
def partial_answers(draw):
    sheet, answers = draw(full_answers())
    known = draw(st.sets(st.sampled_from([c.id for c in sheet.criteria])))
    return sheet, answers, {k: v for k, v in answers.items() if k in known}


@settings(max_examples=150, deadline=None)
@given(full_answers())
def test_total_within_bounds_and_sum_of_parts(case):
    sheet, answers = case
    r = score_full(sheet, answers)
    assert 0 <= r.total <= 100
    assert r.total == sum(r.part_points.values())
    assert all(0 <= r.part_points[p.id] <= p.max for p in sheet.parts)
    assert r.disqualified or r.star <= r.band_star


@settings(max_examples=150, deadline=None)
@given(full_answers(), st.data())
def test_better_option_never_lowers_total_or_star(case, data):
    sheet, answers = case
    crit = data.draw(st.sampled_from(sheet.criteria))
    now = crit.option(answers[crit.id])
    better = [o for o in crit.options if o.points >= now.points and not o.triggers]
    new = data.draw(st.sampled_from(better))
    before = score_full(sheet, answers)
    after = score_full(sheet, dict(answers, **{crit.id: new.id}))
    assert after.total >= before.total
    if not now.triggers:
        assert after.rank >= before.rank


@settings(max_examples=150, deadline=None)
@given(partial_answers())
def test_quick_range_contains_full_result(case):
    sheet, full, known = case
    q = score_quick(sheet, known)
    r = score_full(sheet, full)
    low, high = q.total_range
    assert low <= r.total <= high
    if not r.disqualified:
        assert q.low.rank <= r.rank <= q.high.rank
    else:
        # the full answers trigger a rule: either already known, or listed as possible
        triggered = {sheet.criterion(c).option(o).triggers for c, o in full.items()} - {None}
        possible = {x.id for x in q.possible_disqualifiers} | {c.rule_id for c in q.high.caps}
        assert triggered <= possible
