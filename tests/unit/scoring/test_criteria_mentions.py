"""How the sheets score a certification outside the decisions, answered from the sheets' data."""

from __future__ import annotations

from knowledge_base import criteria_mentions, outside_subjects
from knowledge_base.answer import NOT_SURE, answer_question
from knowledge_base.scoring.sheets import list_sheets


def _subjects(text: str) -> frozenset[int]:
    return outside_subjects.named(text)


def test_every_listed_option_is_printed_with_those_points_on_every_sheet_named():
    for question in ("VietGAP được mấy điểm", "HACCP được mấy điểm"):
        phrases = tuple(p for n in _subjects(question) for p in outside_subjects.default_subjects()[n].phrases)
        found = criteria_mentions.mentions(phrases)
        assert found
        sheets = {s.number: s for s in list_sheets()}
        for mention in found:
            for number in mention.sheets:
                printed = [(o.label, o.points, o.min_star) for c in sheets[number].criteria for o in c.options]
                same = [(criteria_mentions._key(label), points, star) for label, points, star in printed]
                assert (criteria_mentions._key(mention.option), mention.points, mention.min_star) in same, (
                    number,
                    mention,
                )


def test_a_vietgap_points_question_gets_sheet_1s_options_and_the_yes_first():
    sheet_1 = list_sheets()[0]
    vietgap = [o for c in sheet_1.criteria for o in c.options if "VietGAP" in o.label]
    answer = answer_question("Sản phẩm có chứng nhận VietGAP được cộng điểm không?")
    assert answer.confident and answer.text.startswith("Có.")
    assert "Phụ lục II" in answer.citation
    for option in vietgap:
        line = next(line for line in answer.text.splitlines() if option.label in line)
        assert f": {option.points} điểm" in line and "phiếu 1," in line


def test_the_minimum_star_mark_is_said():
    text = answer_question("chứng nhận HACCP được bao nhiêu điểm").text
    assert "3 điểm; yêu cầu tối thiểu 4 sao" in text  # the national ISO/HACCP option marked ****


def test_no_printed_option_means_no_data_answer():
    assert criteria_mentions.answer(_subjects("thuế được mấy điểm")) is None


def test_a_question_on_getting_the_certificate_is_not_answered_from_the_sheets():
    answer = answer_question("Làm thế nào để đạt chứng nhận hữu cơ?")
    assert not answer.confident and not answer.text.startswith(NOT_SURE)
    assert "Phụ lục II" not in answer.text


def test_an_entry_on_how_ocop_scores_the_subject_is_preferred_to_the_sheet_list():
    # The question bank explains trademarks and the 3-star minimum; the sheet list is for subjects the bank only
    # calls outside the decisions (VietGAP, HACCP ...).
    answer = answer_question("nhãn hiệu có bắt buộc để đạt 3 sao không")
    # A bare "Không." would say the trademark is not needed: the 3-star minimum needs an accepted application.
    assert answer.confident and not answer.text.startswith(("Không.", "Không,"))
    assert "chấp nhận" in answer.text.split("\n")[0]
    assert "Bộ tiêu chí OCOP chấm" not in answer.text
