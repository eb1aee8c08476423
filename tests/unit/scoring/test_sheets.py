"""Every scoring sheet loads and passes the schema and arithmetic validation; the validator catches broken sheets."""

import copy

import pytest
import yaml

from knowledge_base.scoring import sheets as S

INDEX = S.load_index()["product_sets"]


def _raw(number: int) -> dict:
    entry = next(e for e in INDEX if e["number"] == number)
    return yaml.safe_load((S.CRITERIA_DIR / entry["file"]).read_text(encoding="utf-8"))


def test_index_lists_26_sets_with_unique_ids_and_files():
    assert sorted(e["number"] for e in INDEX) == list(range(1, 27))
    assert len({e["id"] for e in INDEX}) == 26
    assert len({e["file"] for e in INDEX}) == 26
    groups = {g["id"] for g in S.load_index()["groups"]}
    assert {e["group"] for e in INDEX} == groups
    assert all(e["keywords"] for e in INDEX)


@pytest.mark.parametrize("number", range(1, 27))
def test_sheet_is_valid(number):
    sheet = S.get_sheet(number)
    assert sheet.number == number
    assert {p.id: p.max for p in sheet.parts} == {"A": 40, "B": 25, "C": 35}
    assert sum(c.max for c in sheet.criteria) == 100
    assert 10 <= len(sheet.key_criteria) <= 15
    for c in sheet.key_criteria:
        assert c.question and all(o.short for o in c.options)
    assert S.schema_errors(_raw(number)) == []
    assert S.rule_errors(sheet) == []


def test_list_and_get_are_cached_and_consistent():
    sheets = S.list_sheets()
    assert [s.number for s in sheets] == list(range(1, 27))
    assert S.get_sheet("mat_ong_nong_san_khac") is S.get_sheet(4) is sheets[3]
    assert S.get_sheet("9").id == "tuong_nuoc_mam_gia_vi_long"
    with pytest.raises(KeyError):
        S.get_sheet(27)


def _first_criterion(data):
    return data["parts"][0]["groups"][0]["criteria"][0]


def test_validator_rejects_wrong_points():
    data = _raw(1)
    bad = copy.deepcopy(data)
    crit = _first_criterion(bad)
    crit["options"][-1]["points"] += 1  # best option above the criterion maximum
    with pytest.raises(S.SheetError) as e:
        S.validate_data(bad, "bad")
    assert any("outside" in m or "best option" in m for m in e.value.errors)


def test_validator_rejects_wrong_part_total():
    bad = copy.deepcopy(_raw(2))
    crit = _first_criterion(bad)
    crit["max"] += 1
    crit["options"][-1]["points"] += 1
    with pytest.raises(S.SheetError) as e:
        S.validate_data(bad, "bad")
    assert any("part A" in m for m in e.value.errors)
    assert any("group 1" in m for m in e.value.errors)


def test_validator_rejects_duplicate_ids_and_inverted_star_marks():
    bad = copy.deepcopy(_raw(3))
    crits = bad["parts"][0]["groups"][0]["criteria"]
    crits[1]["id"] = crits[0]["id"]
    with pytest.raises(S.SheetError) as e:
        S.validate_data(bad, "bad")
    assert any("duplicate criterion id" in m or "does not follow" in m for m in e.value.errors)

    bad = copy.deepcopy(_raw(3))
    dist = next(c for g in bad["parts"][1]["groups"] for c in g["criteria"] if c["number"] == "4.1")
    for o in dist["options"]:  # put the 5-star mark on a cheaper option than the 4-star mark
        o["min_star"] = {2: 5, 3: 4}.get(o["points"])
    with pytest.raises(S.SheetError) as e:
        S.validate_data(bad, "bad")
    assert any("5-star mark" in m for m in e.value.errors)


def test_schema_rejects_unknown_fields_and_bad_star():
    bad = copy.deepcopy(_raw(5))
    _first_criterion(bad)["options"][0]["min_star"] = 2
    _first_criterion(bad)["colour"] = "red"
    errs = S.schema_errors(bad)
    assert len(errs) >= 2


def test_documented_corrections_keep_the_printed_value():
    # sheet 4, criterion 7: printed "13", read as 3; sheet 11, 6.1.1: printed "11", read as 1
    o = S.get_sheet(4).criterion("c7").options[-1]
    assert (o.points, o.official_points) == (3, 13) and o.note
    o = next(o for o in S.get_sheet(11).criterion("c6_1_1").options if o.official_points)
    assert (o.points, o.official_points) == (1, 11)
    # sheet 7, 3.1: the "công ty" option is 1 point as printed, with a note
    c = S.get_sheet(7).criterion("c3_1")
    assert [o.points for o in c.options if not o.implicit] == [1, 1, 3]
    assert any("nghi lỗi chép" in n for n in c.notes)


def test_sheet_lookup_accepts_ids_numbers_and_digit_strings_only():
    from knowledge_base.scoring import get_sheet

    assert get_sheet(4).id == get_sheet("4").id == get_sheet("mat_ong_nong_san_khac").id
    for bad in (True, 4.0, "4.0", None, 27):
        with pytest.raises(KeyError):
            get_sheet(bad)
