"""A question whether one named product is OCOP is asked about "sản phẩm này"; other questions keep their words."""

import pytest

from knowledge_base.named_products import generalized


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("Giá Đỗ Nghi An là sản phẩm OCOP?", "sản phẩm này là sản phẩm OCOP?"),
        ("Nước mắm Cửa Khe có phải sản phẩm OCOP không", "sản phẩm này có phải sản phẩm OCOP không"),
        ("làm sao biết chè Tân Cương đã có OCOP chưa", "sản phẩm này đã có OCOP chưa"),
        ("Sản phẩm của HTX Thành Công có phải OCOP 4 sao không", "sản phẩm này có phải OCOP 4 sao không"),
        ("Bánh cáy Thái Bình đạt mấy sao OCOP", "sản phẩm này đạt mấy sao OCOP"),
    ],
)
def test_a_named_products_status_question_is_asked_about_this_product(question, searched):
    assert generalized(question) == searched


@pytest.mark.parametrize(
    "question",
    [
        "Mật ong Bản Khoang thuộc nhóm nào",  # its product set, answered from the sheets
        "Sản phẩm ở Hà Nội có được tham gia OCOP không",  # who may join, not a product's status
        "Theo Quyết định 26 thì Hội đồng cấp tỉnh gồm những ai",  # formal capitals name no product
        "Sản phẩm OCOP là gì?",
        "nuoc mam cua khe co phai ocop khong",  # no capitals: no name can be told from product words
        # A title-cased group name, and "là sản phẩm OCOP" far from it: not a product's status.
        "Hoa Cây Cảnh là một trong các nhóm được xét công nhận là sản phẩm OCOP",
    ],
)
def test_other_questions_keep_their_words(question):
    assert generalized(question) == question
