"""Improvement plan and product matching."""

import pytest

from knowledge_base.scoring import CITATION, get_sheet, improvement_plan, match_product, score_full


def test_plan_unlocks_the_capped_star_first():
    sheet = get_sheet(4)
    answers = {c.id: c.best.id for c in sheet.criteria}
    answers["c2_3"] = "o2"  # label without electronic traceability: 4-star requirement missing
    answers["c4_1"] = "o2"  # fewer than 5 agents: 4-star requirement missing
    before = score_full(sheet, answers)
    assert (before.total, before.star) == (96, 3)
    steps = improvement_plan(sheet, answers, top=3)
    assert [s.criterion_id for s in steps[:2]] == ["c4_1", "c2_3"] or [s.criterion_id for s in steps[:2]] == [
        "c2_3",
        "c4_1",
    ]
    assert steps[0].meets_requirement == 4 and steps[0].unlocks_star is None
    assert steps[1].unlocks_star == 4 and steps[1].star_after == 4
    assert all(CITATION in s.citation and s.points_gained > 0 for s in steps)
    assert "4 sao" in steps[1].text


def test_plan_prefers_smallest_option_meeting_a_requirement():
    sheet = get_sheet(4)
    answers = {c.id: c.worst.id for c in sheet.key_criteria}
    steps = improvement_plan(sheet, answers, top=5)
    first = steps[0]
    crit = sheet.criterion(first.criterion_id)
    assert first.meets_requirement == 3
    assert crit.option(first.to_option).points == crit.star_threshold(3)
    assert first.total_after is None  # quick mode: no single total


def test_plan_is_empty_at_the_top():
    sheet = get_sheet(9)
    assert improvement_plan(sheet, {c.id: c.best.id for c in sheet.criteria}) == []


@pytest.mark.parametrize(
    "text,number",
    [
        ("mật ong rừng", 4),
        ("mat ong rung", 4),
        ("nước mắm Phú Quốc", 9),
        ("nuoc mam", 9),
        ("homestay", 26),
        ("Homestay ven suối", 26),
        ("rượu", 14),
        ("ruou nep", 14),
        ("chè Shan tuyết", 11),
        ("che", 11),
        ("gốm", 21),
        ("gom Bat Trang", 21),
        ("lan", 23),
        ("hoa lan hồ điệp", 23),
        ("trà hoa cúc", 12),
        ("tra hoa cuc", 12),
        ("cà phê rang xay", 13),
        ("tinh dầu sả chanh", 20),
        ("dầu gội bồ kết", 19),
        ("bánh chưng", 6),
        ("thổ cẩm", 22),
        ("bonsai", 24),
        ("cá koi", 25),
        ("nem chua", 8),
        ("mít sấy", 7),
        ("rượu vang sim", 15),
        ("nước khoáng", 16),
        ("nước ép chanh leo", 17),
        ("cao cà gai leo", 18),
        ("gạo ST25", 3),
        ("trứng gà", 2),
        ("bưởi", 1),
        ("mì ăn liền", 5),
        ("tỏi Lý Sơn", 10),
        ("sp của mình là bún khô", 6),
        ("bộ 9", 9),
    ],
)
def test_match_product(text, number):
    m = match_product(text)
    assert m.found and m.best.number == number, [(c.number, c.score) for c in m.candidates]


def test_ambiguous_and_unknown():
    m = match_product("lua")  # lúa (set 3) or lụa (set 22) without diacritics
    assert m.ambiguous and {c.number for c in m.candidates[:2]} == {3, 22}
    assert not match_product("lúa").ambiguous and match_product("lụa").best.number == 22
    assert not match_product("xin chào").found
    assert not match_product("").found


def test_plan_first_removes_a_disqualifying_answer():
    sheet = get_sheet(7)
    answers = {c.id: c.best.id for c in sheet.criteria}
    answers["c1_1"] = "o0"  # all raw material imported -> disqualified
    steps = improvement_plan(sheet, answers, top=1)
    assert steps[0].criterion_id == "c1_1" and steps[0].star_before is None and steps[0].unlocks_star == 5
    assert improvement_plan(sheet, {c.id: c.best.id for c in sheet.criteria}, conditions=["gia_mao_ho_so"]) == []
