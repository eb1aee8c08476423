"""Product and sheet questions answered from the catalogue and the sheets' YAML (knowledge_base.product_answers).

The expected facts are read here straight from the YAML files, not through the module under test.
"""

from pathlib import Path

import pytest
import yaml

from knowledge_base.product_answers import answer_from_data

CRITERIA = Path(__file__).resolve().parents[3] / "knowledge_base" / "criteria"
INDEX = yaml.safe_load((CRITERIA / "product_sets.yml").read_text(encoding="utf-8"))


def raw_sheet(number: int) -> dict:
    entry = next(e for e in INDEX["product_sets"] if e["number"] == number)
    return yaml.safe_load((CRITERIA / entry["file"]).read_text(encoding="utf-8"))


def criteria(node: dict):
    for c in node.get("criteria", []):
        yield c
    for g in node.get("groups", []):
        yield from criteria(g)


def all_criteria(sheet: dict):
    for part in sheet["parts"]:
        for g in part["groups"]:
            yield from criteria(g)


def required_options(sheet: dict, star: int) -> list[tuple[dict, dict]]:
    """Per criterion with a mark at ``star`` or below: the option marked for the highest such level."""
    out = []
    for c in all_criteria(sheet):
        marked = [o for o in c["options"] if o.get("min_star") and o["min_star"] <= star]
        if marked:
            out.append((c, max(marked, key=lambda o: (o["min_star"], -o["points"]))))
    return out


GROUP_QUESTIONS = [
    ("nước mắm thuộc nhóm nào", 9), ("nuoc mam thuoc bo nao", 9), ("sp nước mắm của mk thuộc nhóm j", 9),
    ("mật ong rừng thuộc bộ sản phẩm nào", 4), ("mat ong thuoc nhom nao vay", 4),
    ("chè thuộc nhóm nào", 11), ("che shan tuyet thuoc bo nao", 11), ("trà xanh xếp vào bộ nào", 11),
    ("cà phê thuộc bộ nào", 13), ("ca phe rang xay thuoc nhom gi", 13),
    ("gạo ST25 thuộc nhóm nào", 3), ("gao nep thuoc bo nao", 3),
    ("rượu thuộc nhóm nào", 14), ("ruou men la thuoc bo nao", 14), ("rượu vang thuộc bộ nào", 15),
    ("tinh dầu sả thuộc bộ nào", 20), ("tinh dau sa chanh thuoc nhom nao", 20),
    ("gốm thuộc nhóm nào", 21), ("gom bat trang thuoc bo nao", 21), ("mây tre đan thuộc bộ nào", 21),
    ("vải thổ cẩm thuộc nhóm nào", 22), ("lua to tam thuoc bo nao", 22),
    ("homestay thuộc nhóm nào", 26), ("homestay thuoc bo nao", 26),
    ("cây cảnh thuộc bộ nào", 24), ("bonsai thuoc nhom nao", 24),
    ("hoa lan thuộc bộ nào", 23), ("hoa thuoc nhom nao", 23),
    ("cá cảnh thuộc nhóm nào", 25), ("ca koi thuoc bo nao", 25),
    ("thực phẩm chức năng thuộc bộ nào", 18), ("thuc pham chuc nang thuoc nhom nao", 18), ("tpcn thuộc bộ nào", 18),
    ("mỹ phẩm thuộc nhóm nào", 19), ("my pham thao duoc thuoc bo nao", 19),
    ("nước ép trái cây thuộc bộ nào", 17), ("mien dong thuoc nhom nao", 6),
]


@pytest.mark.parametrize("question, number", GROUP_QUESTIONS)
def test_group_question_names_the_set_and_group_from_the_catalogue(question, number):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == number
    entry = next(e for e in INDEX["product_sets"] if e["number"] == number)
    group = next(g for g in INDEX["groups"] if g["id"] == entry["group"])
    assert f"bộ sản phẩm số {number} “{entry['name']}”" in answer.text
    assert f"nhóm {group['number']}" in answer.text
    assert group["name"] in answer.text or group["name"] == entry["name"]
    assert f"Bộ tiêu chí số {number}" in answer.citation and "Phụ lục I" in answer.citation
    assert "QĐ 26/2026/QĐ-TTg ngày 22/5/2026" in answer.citation
    assert "…" not in answer.text


NEEDS_QUESTIONS = [
    ("mật ong tham gia OCOP cần gì", 4), ("mat ong tham gia ocop can gi", 4),
    ("nước mắm muốn làm OCOP cần những gì", 9), ("nuoc mam can dieu kien gi de tham gia ocop", 9),
    ("tinh dầu sả tham gia OCOP cần giấy phép gì", 20), ("my pham tham gia ocop can gi", 19),
    ("thực phẩm chức năng cần điều kiện gì", 18), ("gom tham gia ocop can gi", 21),
    ("homestay tham gia ocop can gi", 26), ("cá cảnh tham gia OCOP cần yêu cầu gì", 25),
    ("bộ 14 cần gì", 14), ("phieu so 23 can nhung gi", 23),
]


@pytest.mark.parametrize("question, number", NEEDS_QUESTIONS)
def test_needs_question_lists_the_sheets_rejections_and_three_star_minimums(question, number):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == number
    sheet = raw_sheet(number)
    text = answer.text
    for rule in sheet["disqualify"]:
        assert rule["text"][1:] in text
    if not sheet["disqualify"]:
        assert "không có dòng “Hồ sơ bị loại khi”" in text
    for c in all_criteria(sheet):
        for rule in c.get("rules", []):
            assert rule["text"].rstrip(".") in text
    three = required_options(sheet, 3)
    assert three
    for c, option in three:
        assert f"Tiêu chí {c['number']} {c['label']}: ★3 tối thiểu “{option['label']}” ({option['points']}/" in text
    four_only = [o["label"] for c in all_criteria(sheet) for o in c["options"] if o.get("min_star") == 4]
    assert not any(f"“{label}”" in text for label in four_only)


STAR_QUESTIONS = [
    ("bộ 9 cần gì để đạt 4 sao", 9, 4), ("bo 9 can gi de dat 4 sao", 9, 4),
    ("nước mắm muốn lên 5 sao cần gì", 9, 5), ("mật ong cần gì để đạt 3 sao", 4, 3),
    ("chè cần gì để đạt 5 sao", 11, 5), ("gao can gi de dat 4 sao", 3, 4),
    ("bộ 10 cần gì để đạt 4 sao", 10, 4), ("mây tre đan cần gì để lên 4 sao", 21, 4),
    ("vai can gi de dat 5 sao", 22, 5), ("homestay can gi de dat 3 sao", 26, 3),
    ("bộ 26 cần gì để đạt 5 sao", 26, 5), ("cay canh muon dat 4 sao thi can gi", 24, 4),
    ("hoa can dieu kien gi de dat 5 sao", 23, 5), ("rượu trắng để đạt 4 sao cần tiêu chí gì", 14, 4),
]


@pytest.mark.parametrize("question, number, star", STAR_QUESTIONS)
def test_star_question_lists_exactly_the_sheets_marks_up_to_that_star(question, number, star):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == number
    sheet = raw_sheet(number)
    text = answer.text
    required = required_options(sheet, star)
    for c, option in required:
        assert (f"Tiêu chí {c['number']} {c['label']}: ★{option['min_star']} tối thiểu “{option['label']}” "
                f"({option['points']}/{c['max']} điểm)") in text
    listed = [line for line in text.splitlines() if line.startswith("- Tiêu chí ")]
    assert len(listed) == len(required)
    above = [o["label"] for c in all_criteria(sheet) for o in c["options"] if (o.get("min_star") or 0) > star]
    assert not any(f"“{label}”" in text for label in above)
    assert {3: "từ 50 đến dưới 70", 4: "từ 70 đến dưới 90", 5: "từ 90 đến 100"}[star] in text
    assert "*" not in text and "…" not in text


def test_sheet_10_has_no_four_star_mark_on_intellectual_property():
    text = answer_from_data("bộ 10 cần gì để đạt 4 sao").text
    line = next(line for line in text.splitlines() if line.startswith("- Tiêu chí 3.5 "))
    assert "★3 tối thiểu" in line and "★4" not in line


def test_sheet_without_five_star_marks_says_so():
    assert "không có phương án nào gắn ★5" in answer_from_data("bộ 26 cần gì để đạt 5 sao").text


@pytest.mark.parametrize("question", [
    "hồ sơ OCOP gồm những gì", "OCOP là gì", "tiêu chí chấm điểm gồm mấy phần", "tieu chi gom nhung gi",
    "để đạt 4 sao cần gì",
    "mật ong nộp hồ sơ ở đâu", "nước mắm có ngon không", "mật ong đạt 2 sao cần gì", "cảm ơn bạn nhé",
    "giấy chứng nhận OCOP có thời hạn bao lâu", "ho tro kinh phi cho san pham mat ong the nao", "",
])
def test_other_questions_are_left_to_retrieval(question):
    assert answer_from_data(question) is None
