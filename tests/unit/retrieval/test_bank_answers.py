"""Replies of the real knowledge base (documents and question bank) to questions found wrong by hand."""

from __future__ import annotations

import pytest

from knowledge_base import textnorm
from knowledge_base.answer import answer_question
from knowledge_base.retrieval import Retriever
from knowledge_base.retrieval.index import build_in_memory
from knowledge_base.retrieval.retriever import headline_parts
from knowledge_base.settings import KBSettings


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    return Retriever(build_in_memory(KBSettings.from_env()))


@pytest.mark.parametrize("question", ["ho so dang ky ocop gom nhung gi", "Hồ sơ đăng ký OCOP gồm những gì?"])
def test_a_dossier_question_naming_no_case_gets_the_first_time_dossier(retriever, question):
    assert retriever.search(question, k=1)[0].chunk.section_id == "qa:ho-so-lan-dau-thanh-phan"
    assert "nang hang" not in textnorm.fold(answer_question(question, retriever=retriever).text)


def test_an_upgrade_dossier_question_still_gets_the_upgrade_dossier(retriever):
    assert (
        retriever.search("ho so nang hang sao gom nhung gi", k=1)[0].chunk.section_id == "qa:ho-so-nang-hang-thanh-phan"
    )


def test_raw_material_from_another_province_is_not_answered_as_a_rejection(retriever):
    text = answer_question("nước mắm: nguyên liệu mua ở tỉnh khác có bị loại không", retriever=retriever).text
    assert text.startswith("Không bị loại, nhưng")


@pytest.mark.parametrize("question", ["hết hạn chứng nhận thì phải làm gì", "het han chung nhan thi phai lam gi"])
def test_a_what_to_do_question_gets_no_yes_or_no(retriever, question):
    answer = answer_question(question, retriever=retriever)
    assert answer.confident
    assert not answer.text.startswith(("Có.", "Không.", "Được.", "Không được.", "Chưa."))


# Yes/no questions whose "yes" and "no" depend on how they are put: the reply's first words must answer this wording.
@pytest.mark.parametrize(
    ("question", "right_opening"),
    [
        ("het 3 nam thi co phai danh gia lai ocop khong", ("Có", "Không tự gia hạn")),
        ("Giấy chứng nhận hết hạn 36 tháng thì sản phẩm có bắt buộc chấm lại không?", ("Có", "Không tự gia hạn")),
        ("gcn ocop het han co tu dong gia han ko", "Không tự gia hạn"),
        ("mới được 3 sao năm nay thì xin lên 4 sao luôn được không", "Không phải chờ"),
        ("Có quyết định 26 rồi thì giấy chứng nhận OCOP cũ có bị hủy không?", "Được giữ nguyên giá trị"),
        ("gcn 3 sao huyen cap truoc day gio co bi vo hieu khong", "Được giữ nguyên giá trị"),
        ("tiêu chí OCOP theo QĐ 26 có khác QĐ 148 không", "Không đổi về cơ cấu điểm"),
        ("hai san pham cua htx lam chung mot bo ho so duoc khong", "Không làm chung được"),
        ("sản phẩm 4 sao của em có được in logo OCOP lên bao bì không", "Được"),
    ],
)
def test_a_yes_no_reply_opens_with_the_answer_to_this_wording(retriever, question, right_opening):
    """An opening "Không." to "có phải đánh giá lại không" would tell the producer the opposite of the rule."""
    answer = answer_question(question, retriever=retriever)
    assert answer.confident and answer.text.startswith(right_opening), answer.text[:120]


@pytest.mark.parametrize(
    "question", ["Giá Đỗ Nghi An là sản phẩm OCOP?", "Nước mắm Cửa Khe có phải sản phẩm OCOP không"]
)
def test_whether_a_named_product_is_ocop_is_not_answered_with_its_product_group(retriever, question):
    answer = answer_question(question, retriever=retriever)
    assert answer.confident and "không xác nhận được" in answer.text and "thuộc bộ sản phẩm" not in answer.text


@pytest.mark.parametrize(("question", "points"), [("phan a duoc may diem", "40"), ("phần C tối đa mấy điểm", "35")])
def test_a_part_of_the_sheet_is_answered_with_its_own_points(retriever, question, points):
    assert answer_question(question, retriever=retriever).text.startswith(f"{points} điểm")


@pytest.mark.parametrize(
    ("question", "wrong_opening"),
    [
        ("có bắt buộc phải có nhãn hiệu mới được 4 sao không", "Không."),
        ("làm ocop có bắt buộc phải có đăng ký kinh doanh không", "Được."),
    ],
)
def test_an_obligation_question_gets_no_bare_verdict_written_for_a_permission(retriever, question, wrong_opening):
    answer = answer_question(question, retriever=retriever)
    assert answer.confident and not answer.text.startswith(wrong_opening), answer.text[:120]


def test_an_article_title_is_answered_from_the_part_that_names_its_subject(retriever):
    title = "Hành trình lên 4 sao: bao bì và nhãn hàng hóa cần những gì (Bài 2)"
    answer = answer_question(title, retriever=retriever)
    assert answer.confident and answer.hits[0].chunk.section_id == "qa:shtt-yeu-cau-ghi-nhan"


@pytest.mark.parametrize(
    ("title", "parts"),
    [
        (
            "Nâng tầm nông sản: tạo dấu ấn bằng câu chuyện sản phẩm (Bài 1)",
            ["Nâng tầm nông sản", "tạo dấu ấn bằng câu chuyện sản phẩm"],
        ),
        (
            "Chuyện làm OCOP ở vùng cao - giấy tờ cần có trong hồ sơ",
            ["Chuyện làm OCOP ở vùng cao", "giấy tờ cần có trong hồ sơ"],
        ),
        ("hồ sơ đăng ký gồm những gì", []),
        ("OCOP: là gì", []),
    ],
)
def test_a_title_splits_at_its_colon_dash_and_series_marker(title, parts):
    assert headline_parts(title) == parts
