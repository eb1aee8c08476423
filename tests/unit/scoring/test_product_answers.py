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
    yield from node.get("criteria", [])
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
    ("nước mắm thuộc nhóm nào", 9),
    ("nuoc mam thuoc bo nao", 9),
    ("sp nước mắm của mk thuộc nhóm j", 9),
    ("mật ong rừng thuộc bộ sản phẩm nào", 4),
    ("mat ong thuoc nhom nao vay", 4),
    ("chè thuộc nhóm nào", 11),
    ("che shan tuyet thuoc bo nao", 11),
    ("trà xanh xếp vào bộ nào", 11),
    ("cà phê thuộc bộ nào", 13),
    ("ca phe rang xay thuoc nhom gi", 13),
    ("gạo ST25 thuộc nhóm nào", 3),
    ("gao nep thuoc bo nao", 3),
    ("rượu thuộc nhóm nào", 14),
    ("ruou men la thuoc bo nao", 14),
    ("rượu vang thuộc bộ nào", 15),
    ("tinh dầu sả thuộc bộ nào", 20),
    ("tinh dau sa chanh thuoc nhom nao", 20),
    ("gốm thuộc nhóm nào", 21),
    ("gom bat trang thuoc bo nao", 21),
    ("mây tre đan thuộc bộ nào", 21),
    ("vải thổ cẩm thuộc nhóm nào", 22),
    ("lua to tam thuoc bo nao", 22),
    ("homestay thuộc nhóm nào", 26),
    ("homestay thuoc bo nao", 26),
    ("cây cảnh thuộc bộ nào", 24),
    ("bonsai thuoc nhom nao", 24),
    ("hoa lan thuộc bộ nào", 23),
    ("hoa thuoc nhom nao", 23),
    ("cá cảnh thuộc nhóm nào", 25),
    ("ca koi thuoc bo nao", 25),
    ("thực phẩm chức năng thuộc bộ nào", 18),
    ("thuc pham chuc nang thuoc nhom nao", 18),
    ("tpcn thuộc bộ nào", 18),
    ("mỹ phẩm thuộc nhóm nào", 19),
    ("my pham thao duoc thuoc bo nao", 19),
    ("nước ép trái cây thuộc bộ nào", 17),
    ("mien dong thuoc nhom nao", 6),
    ("lan rừng thuộc bộ nào", 23),
    ("lan đột biến thuộc nhóm nào", 23),
    ("cây mai bonsai thuộc bộ nào", 24),
    ("cá betta thuộc bộ nào", 25),
    ("cá la hán thuộc nhóm nào", 25),
    ("cá chép koi thuộc bộ nào", 25),
    ("chim chào mào thuộc nhóm nào", 25),
    ("hoa hồng thuộc bộ nào", 23),
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
    ("mật ong tham gia OCOP cần gì", 4),
    ("mat ong tham gia ocop can gi", 4),
    ("nước mắm muốn làm OCOP cần những gì", 9),
    ("nuoc mam can dieu kien gi de tham gia ocop", 9),
    ("tinh dầu sả tham gia OCOP cần giấy phép gì", 20),
    ("my pham tham gia ocop can gi", 19),
    ("thực phẩm chức năng cần điều kiện gì", 18),
    ("gom tham gia ocop can gi", 21),
    ("homestay tham gia ocop can gi", 26),
    ("cá cảnh tham gia OCOP cần yêu cầu gì", 25),
    ("bộ 14 cần gì", 14),
    ("phieu so 23 can nhung gi", 23),
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
    ("bộ 9 cần gì để đạt 4 sao", 9, 4),
    ("bo 9 can gi de dat 4 sao", 9, 4),
    ("nước mắm muốn lên 5 sao cần gì", 9, 5),
    ("mật ong cần gì để đạt 3 sao", 4, 3),
    ("chè cần gì để đạt 5 sao", 11, 5),
    ("gao can gi de dat 4 sao", 3, 4),
    ("bộ 10 cần gì để đạt 4 sao", 10, 4),
    ("mây tre đan cần gì để lên 4 sao", 21, 4),
    ("vai can gi de dat 5 sao", 22, 5),
    ("homestay can gi de dat 3 sao", 26, 3),
    ("bộ 26 cần gì để đạt 5 sao", 26, 5),
    ("cay canh muon dat 4 sao thi can gi", 24, 4),
    ("hoa can dieu kien gi de dat 5 sao", 23, 5),
    ("rượu trắng để đạt 4 sao cần tiêu chí gì", 14, 4),
    ("nuoc mam 4 sao can gi", 9, 4),
    ("mật ong 5 sao thì cần những gì", 4, 5),
]


@pytest.mark.parametrize("question, number, star", STAR_QUESTIONS)
def test_star_question_lists_exactly_the_sheets_marks_up_to_that_star(question, number, star):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == number
    sheet = raw_sheet(number)
    text = answer.text
    required = required_options(sheet, star)
    for c, option in required:
        assert (
            f"Tiêu chí {c['number']} {c['label']}: ★{option['min_star']} tối thiểu “{option['label']}” "
            f"({option['points']}/{c['max']} điểm)"
        ) in text
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


@pytest.mark.parametrize(
    "question",
    [
        "hồ sơ OCOP gồm những gì",
        "OCOP là gì",
        "tiêu chí chấm điểm gồm mấy phần",
        "tieu chi gom nhung gi",
        "để đạt 4 sao cần gì",
        "mật ong nộp hồ sơ ở đâu",
        "nước mắm có ngon không",
        "mật ong đạt 2 sao cần gì",
        "mat ong 2 sao can gi",
        "sp moi ban duoc vai thang co dang ky ocop dc ko",  # "vài tháng", not "vải"
        "sp ocop có được nhà nước bao tiêu không",  # "bao tiêu" (guaranteed purchase), not pepper
        "cảm ơn bạn nhé",
        "giấy chứng nhận OCOP có thời hạn bao lâu",
        "ho tro kinh phi cho san pham mat ong the nao",
        "",
    ],
)
def test_other_questions_are_left_to_retrieval(question):
    assert answer_from_data(question) is None


@pytest.mark.parametrize(
    "question",
    [
        # a product word inside a longer common phrase
        "ban hành bộ tiêu chí nào",
        "thực hành sản xuất tốt cần gì",
        "tiến hành đánh giá cần gì",
        "phát hành tem cần gì",
        "thủ tục hành chính cần những gì",
        "hành trình OCOP cần gì",
        "gạo cội trong ngành cần gì",
        "mật khẩu tài khoản cần gì",
        "tiêu thụ sản phẩm OCOP cần gì",
        "người tiêu dùng cần gì",
        "muối mặt cần gì",
        "chè chén cần gì",
        "hoa hồng cho đại lý bao nhiêu thì cần gì",
        "nhãn mác cần gì",
        "khó khăn khi tham gia cần gì",
        "cạnh tranh cần gì",
        "nội dung tương tự cần gì",
        # typed without diacritics: "kiem tra" is not "trà", "dao tao" not "đào", "lan dau" not "lan", "ca nhan" not "nhãn"
        "kiem tra san pham can gi",
        "dao tao can gi",
        "lan dau tham gia ocop can gi",
        "ca nhan tham gia ocop can gi",
        "vai tro cua hop tac xa can gi",
        "su dung nhan hieu can gi",
        "hang hoa can gi",
        "thuong mai dien tu can gi",
    ],
)
def test_product_word_inside_a_common_phrase_is_not_a_product(question):
    assert answer_from_data(question) is None


@pytest.mark.parametrize(
    "question",
    [
        "hành trình xuất khẩu của sản phẩm OCOP gặp khó khăn gì",
        "mật ong xuất khẩu cần gì",
        "nước mắm vay vốn ngân hàng cần gì",
        "hội đồng chấm mật ong cần gì",
        "mật ong đóng thuế thế nào cần gì",
        "homestay cần giấy phép kinh doanh gì, thuế thế nào",
        "homestay cần giấy phép kinh doanh gì",
        "giấy chứng nhận OCOP của mật ong còn hiệu lực không, cần gì",
        "thanh lap hop tac xa mat ong can gi",
    ],
)
def test_other_topics_are_left_to_retrieval_even_with_a_product_named(question):
    assert answer_from_data(question) is None


@pytest.mark.parametrize(
    "question, number", [("homestay cho thuê phòng thuộc bộ nào", 26), ("hội an homestay thuộc nhóm nào", 26)]
)
def test_words_typed_with_diacritics_must_agree_with_the_topic_words(question, number):
    answer = answer_from_data(question)  # "thuê" (rent) is not "thuế" (tax)
    assert answer is not None and answer.sheet == number


def test_topic_words_typed_without_diacritics_still_count():
    assert answer_from_data("mật ong nop ho so cần gì") is None
    assert answer_from_data("mat ong xuat khau can gi") is None


def test_yes_no_question_that_also_asks_what_is_needed_gets_the_conditions():
    answer = answer_from_data("mật ong có được làm OCOP không, cần gì")
    assert answer.text.startswith("Được. “Mật ong”") and "Hồ sơ bị loại khi" in answer.text


def test_business_licence_question_about_taking_part_gets_the_sheets_conditions():
    answer = answer_from_data("homestay tham gia OCOP cần giấy phép kinh doanh gì")
    assert answer is not None and answer.sheet == 26 and "Điều kiện để hồ sơ được chấm" in answer.text


def origin_notes(number: int) -> list[str]:
    """The printed "Yêu cầu: ..." notes of the sheet's origin criterion, read from its YAML."""
    return [
        n
        for c in all_criteria(raw_sheet(number))
        if c["label"].startswith("Nguồn gốc")
        for n in c.get("notes", [])
        if n.startswith("Yêu cầu")
    ]


def test_origin_requirement_is_printed_on_sheets_1_to_4_and_23_to_25():
    assert [n for n in range(1, 27) if origin_notes(n)] == [1, 2, 3, 4, 23, 24, 25]
    assert "ngư trường" in origin_notes(2)[0]


@pytest.mark.parametrize("number", range(1, 27))
def test_set_and_needs_answers_quote_the_sheets_origin_requirement(number):
    entry = next(e for e in INDEX["product_sets"] if e["number"] == number)
    notes = origin_notes(number)
    for question in (
        f"{entry['keywords'][0]} thuộc nhóm nào",
        f"{entry['keywords'][0]} tham gia OCOP cần gì",
        f"bộ {number} tham gia OCOP cần gì",
    ):
        answer = answer_from_data(question)
        assert answer is not None and answer.sheet == number, question
        for note in notes:
            assert f"“{note.rstrip('.')}”" in answer.text and "Tiêu chí 1.1 “Nguồn gốc sản phẩm”" in answer.text
        if not notes:
            assert "Nguồn gốc" not in answer.text.split("\n")[0]


@pytest.mark.parametrize(
    "question, number, yes",
    [
        ("mật ong có được làm OCOP không", 4, "Được."),
        ("mat ong co duoc lam ocop khong", 4, "Được."),
        ("lan hồ điệp tham gia OCOP được không", 23, "Được."),
        ("cá koi có làm OCOP được không", 25, "Được."),
        ("homestay có tham gia OCOP được không", 26, "Được."),
        ("cá cảnh có được công nhận OCOP không", 25, "Có."),
    ],
)
def test_yes_no_product_question_starts_with_the_answer_then_the_set_and_group(question, number, yes):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == number
    entry = next(e for e in INDEX["product_sets"] if e["number"] == number)
    group = next(g for g in INDEX["groups"] if g["id"] == entry["group"])
    assert answer.text.startswith(f"{yes} “")
    assert f"bộ sản phẩm số {number} “{entry['name']}” (nhóm {group['number']}" in answer.text
    for note in origin_notes(number):
        assert note.rstrip(".") in answer.text


@pytest.mark.parametrize(
    "question", ["mật ong đạt 2 sao được không", "nước mắm có ngon không", "thuốc lá có được làm OCOP không"]
)
def test_yes_no_without_a_catalogue_product_or_with_a_star_is_not_a_yes(question):
    assert answer_from_data(question) is None


@pytest.mark.parametrize(
    "question",
    ["nước mắm: nguyên liệu mua ở tỉnh khác có bị loại không", "nuoc mam nguyen lieu mua ngoai tinh co bi loai ko"],
)
def test_raw_material_from_another_province_costs_points_it_is_not_a_rejection(question):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == 9
    assert answer.text.startswith("Không bị loại, nhưng")
    origin = next(c for c in all_criteria(raw_sheet(9)) if c["number"] == "1.1")
    for option in origin["options"]:
        if not option.get("implicit"):
            assert f"{option['label']}: {option['points']} điểm" in answer.text
    for rule in origin["rules"]:  # the only rejection the criterion prints: imported or unknown material
        assert rule["text"][1:] in answer.text


def test_a_permission_question_about_raw_material_opens_with_the_permission():
    answer = answer_from_data("làm tương bằng đậu mua ở tỉnh bạn, nguyên liệu ngoài tỉnh thì có được không")
    assert answer is not None and answer.text.startswith("Được, nhưng")


def test_a_sheet_printing_an_origin_requirement_quotes_it_instead_of_saying_no_rejection():
    answer = answer_from_data("mật ong nguyên liệu mua ở tỉnh khác có bị loại không")
    assert answer is not None and answer.sheet == 4
    assert not answer.text.startswith("Không bị loại")
    assert all(note.rstrip(".") in answer.text for note in origin_notes(4))


def test_a_question_whether_the_product_must_be_grown_in_the_province_quotes_the_requirement():
    answer = answer_from_data("Sản phẩm rau quả tươi có yêu cầu trồng trong tỉnh không?")
    assert answer is not None and answer.sheet == 1
    assert answer.text.startswith("Có. ") and all(note.rstrip(".") in answer.text for note in origin_notes(1))


@pytest.mark.parametrize(
    "question",
    [
        "hiệp hội nước mắm có đứng tên đăng ký OCOP cho nước mắm được không",
        "htx có được đăng ký OCOP cho mật ong không",
    ],
)
def test_a_yes_no_question_about_who_registers_is_left_to_retrieval(question):
    assert answer_from_data(question) is None


JOIN_QUESTIONS = [
    ("Xây dựng sản phẩm nấm linh chi thành sản phẩm OCOP", 18),
    ("làm sao để mật ong được công nhận OCOP", 4),
    ("muốn đưa nước mắm thành sản phẩm OCOP thì làm thế nào", 9),
    ("phat trien gom thanh san pham ocop", 21),
    ("xay dung san pham nam linh chi thanh san pham ocop", 18),  # folded "chị" is the "chi" of "linh chi"
]


@pytest.mark.parametrize("question, number", JOIN_QUESTIONS)
def test_how_a_product_becomes_ocop_gives_the_set_the_steps_and_the_sheets_conditions(question, number):
    answer = answer_from_data(question)
    assert answer is not None and answer.sheet == number
    bank = yaml.safe_load((CRITERIA.parent / "questions" / "quy_trinh.yml").read_text(encoding="utf-8"))
    steps = next(e for e in bank if e["id"] == "quy-trinh-cac-buoc-cong-nhan")
    assert steps["answer"].strip() in answer.text  # the steps, whole, as the bank writes them once
    assert answer.text.index("Các bước") < answer.text.index("Điều kiện để hồ sơ")
    for c, option in required_options(raw_sheet(number), 3):
        assert f"Tiêu chí {c['number']} {c['label']}: ★3 tối thiểu “{option['label']}”" in answer.text
    assert steps["article"] in answer.citation and f"Bộ tiêu chí số {number}" in answer.citation


@pytest.mark.parametrize("question", ["làm sao để được công nhận OCOP", "gạo muốn đạt OCOP 4 sao cần gì"])
def test_becoming_ocop_without_a_product_or_with_a_star_is_not_the_steps_answer(question):
    answer = answer_from_data(question)
    assert answer is None or "Các bước để được công nhận" not in answer.text


@pytest.mark.parametrize("question", ["kiem tra ho so ocop o dau", "chi oi dao tao ocop lan dau o dau"])
def test_a_folded_question_without_a_product_still_names_none(question):
    assert answer_from_data(question) is None


def test_a_five_star_question_says_who_recognises_five_stars_and_a_four_star_one_does_not():
    five = answer_from_data("Giải pháp nào để cà phê đạt tiêu chuẩn sản phẩm OCOP 5 sao?")
    four = answer_from_data("cà phê cần gì để đạt 4 sao")
    assert five is not None and four is not None and five.sheet == four.sheet == 13
    assert "từ 90 điểm ở cấp tỉnh" in five.text and "Bộ trưởng Bộ Nông nghiệp và Môi trường" in five.text
    assert "Hội đồng cấp trung ương" in five.text and "Hội đồng cấp trung ương" not in four.text
