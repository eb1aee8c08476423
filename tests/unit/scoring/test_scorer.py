"""Scorer rules: star bands, caps by starred requirements, disqualification, quick range, bad input."""

import pytest

from knowledge_base.scoring import AnswerError, get_sheet, score, score_full, score_quick, star_for_points


@pytest.mark.parametrize(
    "total,star", [(100, 5), (90, 5), (89.9, 4), (70, 4), (69, 3), (50, 3), (49, 2), (30, 2), (29, 1), (0, 1)]
)
def test_star_bands_follow_article_3(total, star):
    assert star_for_points(total) == star


def _best(sheet):
    return {c.id: c.best.id for c in sheet.criteria}


def test_higher_star_requires_lower_marks():
    sheet = get_sheet(1)
    answers = _best(sheet)
    answers["c2_2"] = "o2"  # packaging 1 point: the *** mark (2 points) is not met; total 98
    r = score_full(sheet, answers)
    assert (r.total, r.band_star, r.star) == (98, 5, 2)
    assert [c.star for c in r.caps] == [3]
    assert "2.2" in r.caps[0].reason and "3 sao" in r.caps[0].reason


def test_points_below_band_need_no_cap():
    sheet = get_sheet(1)
    answers = {c.id: c.worst.id for c in sheet.criteria}
    r = score_full(sheet, answers)
    assert (r.total, r.star, r.caps) == (0, 1, [])


def test_unknown_answers_and_conditions_are_rejected():
    sheet = get_sheet(2)
    with pytest.raises(AnswerError):
        score_quick(sheet, {"c99": "o1"})
    with pytest.raises(AnswerError):
        score_quick(sheet, {"c1_1": "o9"})
    with pytest.raises(AnswerError):
        score_quick(sheet, {}, conditions=["khong_ton_tai"])
    with pytest.raises(AnswerError):
        score_full(sheet, {"c1_1": "o1"})


def test_score_dispatches_on_completeness():
    sheet = get_sheet(26)
    assert score(sheet, _best(sheet)).mode == "full"
    assert score(sheet, {}).mode == "quick"


def test_quick_with_no_answers_spans_everything():
    q = score_quick(get_sheet(12), {})
    assert q.total_range == (0, 100)
    assert q.star_range == (1, 5)
    # sheet 12's raw-material criterion has a disqualifying answer the user was not asked about
    assert [r.id for r in q.possible_disqualifiers] == ["toan_bo_nguyen_lieu_nhap_khau"]


def test_declared_disqualifier_applies_to_both_ends():
    q = score_quick(get_sheet(5), {}, conditions=["gia_mao_ho_so"])
    assert q.low.disqualified and q.high.disqualified
    assert "Giả mạo hồ sơ" in q.caps[0].reason


def test_sheet16_zero_sensory_score_halts():
    sheet = get_sheet(16)
    answers = _best(sheet)
    zero = next(o for o in sheet.criterion("c6_2").options if o.points == 0)
    answers["c6_2"] = zero.id
    r = score_full(sheet, answers)
    assert r.disqualified and r.caps[0].kind == "halt"


def test_story_structure_counts_only_with_a_story():
    # 5.2 "Chỉ áp dụng khi có câu chuyện sản phẩm": no story (5.1 = 0) -> 5.2 scores 0
    sheet = get_sheet(6)
    answers = _best(sheet)
    answers["c5_1"] = "o1"  # "Không có câu chuyện sản phẩm", 0 of 5
    r = score_full(sheet, answers)
    assert r.points["c5_2"] == 0 and r.total == 100 - 5 - 2
    q = score_quick(sheet, {"c5_1": "o1"})
    assert q.high.total == 93 and q.high.points["c5_2"] == 0
