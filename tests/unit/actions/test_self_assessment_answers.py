"""Answers to the chat self-assessment are understood however they are typed."""

import pytest

from actions.self_assessment import next_question, parse_answer, question_message, result_message
from knowledge_base.scoring import get_sheet

SHEET = get_sheet(4)  # honey and other raw foods


def test_button_payload_selects_that_option():
    criterion = SHEET.key_criteria[0]
    option = criterion.options[-1]
    assert parse_answer(criterion, f"{criterion.id}:{option.id}") == option.id


@pytest.mark.parametrize("typed", ["2", "so 2", " 2 "])
def test_a_number_selects_the_option_in_the_listed_order(typed):
    criterion = SHEET.key_criteria[0]
    assert parse_answer(criterion, typed) == criterion.options[1].id


@pytest.mark.parametrize("typed", ["chua", "chưa", "không", "chua co"])
def test_no_selects_the_zero_point_option(typed):
    criterion = SHEET.key_criteria[0]
    assert parse_answer(criterion, typed) == min(criterion.options, key=lambda o: o.points).id


def test_a_bare_yes_to_a_question_with_several_levels_is_asked_again():
    assert parse_answer(SHEET.key_criteria[0], "có") is None


def test_words_of_one_option_select_it():
    criterion = SHEET.key_criteria[0]
    assert parse_answer(criterion, "tren 75%, on dinh tu 12 thang") == criterion.options[-1].id


def test_nonsense_and_out_of_range_numbers_are_not_guessed():
    criterion = SHEET.key_criteria[0]
    assert parse_answer(criterion, "99") is None
    assert parse_answer(criterion, "hôm nay trời đẹp") is None


def test_questions_come_in_order_and_list_every_option():
    first = next_question(SHEET, {})
    assert first == SHEET.key_criteria[0]
    text, buttons = question_message(SHEET, first, 0)
    assert text.startswith(f"Câu 1/{len(SHEET.key_criteria)}")
    assert len(buttons) == len(first.options)
    assert all(b["payload"].startswith('/inform{"sa_choice": "') for b in buttons)
    assert next_question(SHEET, {c.id: c.options[0].id for c in SHEET.key_criteria}) is None


def test_the_result_gives_a_range_stars_plan_citation_and_the_council_note():
    answers = {c.id: max(c.options, key=lambda o: o.points).id for c in SHEET.key_criteria}
    message = result_message(SHEET, answers)
    assert "Điểm dự kiến: từ" in message and "/100" in message
    assert "Hạng sao dự kiến" in message
    assert "Phụ lục II, QĐ 26/2026/QĐ-TTg" in message
    assert "Hội đồng" in message


def test_unmet_minimum_requirements_are_grouped_by_star_level():
    sheet = get_sheet(9)
    answers = {c.id: c.options[min(2, len(c.options) - 1)].id for c in sheet.key_criteria}
    message = result_message(sheet, answers)
    assert message.count("Để được 4 sao còn thiếu yêu cầu tối thiểu ở:") == 1
    assert "(cần ≥ 3 điểm)" in message


def test_a_disqualified_dossier_is_said_plainly():
    sheet = get_sheet(7)  # the lowest raw-material option means all imported or of unknown origin
    message = result_message(sheet, {c.id: c.options[0].id for c in sheet.key_criteria})
    assert "Hạng sao dự kiến: hồ sơ bị loại, chưa được xếp hạng." in message
    assert "nhập khẩu" in message
