"""Subjects outside the OCOP decisions (knowledge_base/outside_subjects.yml): a question about one is never answered
with an unrelated rule; it gets the entry that covers the subject, or is told who knows it."""

from __future__ import annotations

import pytest

from knowledge_base import outside_subjects, textnorm
from knowledge_base.answer import NOT_SURE, answer_question, outside_subjects_text
from knowledge_base.retrieval import Retriever
from knowledge_base.retrieval.index import build_in_memory
from knowledge_base.settings import KBSettings


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(build_in_memory(KBSettings.from_env()))


def folded(text: str) -> str:
    return textnorm.fold(text)


def test_every_subject_names_phrases_and_who_to_ask():
    subjects = outside_subjects.load()
    assert len(subjects) >= 8
    assert all(s.phrases and s.ask for s in subjects)


def test_a_malformed_subject_is_refused_by_name(tmp_path):
    path = tmp_path / "subjects.yml"
    path.write_text("- subject: thuế\n  phrases: [thuế]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="subjects.yml"):
        outside_subjects.load(path)


@pytest.mark.parametrize(
    "question",
    [
        "Thuế khoán hộ kinh doanh cá thể được tính như thế nào?",
        "thue khoan ho kinh doanh tinh the nao",
        "hộ kd cần đk j để đc miễn thuế ạ",
    ],
)
def test_a_tax_question_no_entry_covers_names_the_tax_office_not_an_ocop_rule(retriever, question):
    answer = answer_question(question, retriever=retriever)
    text = folded(answer.text)
    assert not answer.confident
    assert text.startswith(folded("Câu hỏi này nằm ngoài phạm vi các quyết định về Chương trình OCOP"))
    assert "co quan thue" in text
    assert "dieu 2 khoan 3" not in text  # not the "who may register" rule the words "hộ kinh doanh" used to pull


def test_a_tax_question_the_bank_covers_gets_that_entry(retriever):
    answer = answer_question("Sản phẩm đạt OCOP có được miễn, giảm thuế không?", retriever=retriever)
    assert answer.confident
    assert "co quan thue" in folded(answer.text)


def test_a_subject_named_beside_a_product_is_not_answered_from_the_product_sheet(retriever):
    text = folded(
        answer_question("Tiêu chí nhãn sinh thái cho bao bì nhựa thân thiện môi trường", retriever=retriever).text
    )
    assert "bo san pham so 1" not in text  # "nhãn" the fruit
    assert "so nong nghiep va moi truong" in text


def test_questions_naming_no_outside_subject_are_answered_as_before(retriever):
    answer = answer_question("Hộ kinh doanh có tham gia OCOP được không", retriever=retriever)
    assert answer.confident and "dieu 2 khoan 3" in folded(answer.text + answer.citation)
    assert not answer_question("hồ sơ ocop gồm những gì", retriever=retriever).text.startswith(NOT_SURE)


def test_a_question_on_how_ocop_scores_a_subject_is_not_called_outside_the_decisions():
    scoring = outside_subjects_text("chứng nhận hữu cơ được cộng mấy điểm OCOP")
    assert scoring.startswith(NOT_SURE) and "so nong nghiep va moi truong" in folded(scoring)
    procedure = outside_subjects_text("Làm thế nào để đạt chứng nhận hữu cơ?")
    assert procedure.startswith("Câu hỏi này nằm ngoài phạm vi") and "so nong nghiep va moi truong" in folded(procedure)
    assert outside_subjects_text("hồ sơ ocop gồm những gì") == ""
