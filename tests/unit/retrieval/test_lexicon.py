"""The domain lexicon: producers' words find the decisions' terms."""

import textwrap

import pytest

from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon


@pytest.mark.parametrize(
    "query, term",
    [
        ("Thủ tục gia hạn chứng nhận khi hết hạn", "danh gia lai"),
        ("Hội đồng có xuống tận cơ sở kiểm tra không?", "khao sat thuc te"),
        ("bán trên shopee có được tính điểm không", "thuong mai dien tu"),
        ("cho e hoi lam ocop can nhung giay to gi a", "ho so"),
    ],
)
def test_the_decisions_term_is_added(query, term):
    expanded = default_lexicon().expand(query)
    assert expanded.endswith(term)
    assert term in default_lexicon().rewrite(query)


def test_a_query_already_using_the_term_is_unchanged():
    assert default_lexicon().expand("hồ sơ đánh giá lại gồm gì") == "hồ sơ đánh giá lại gồm gì"


def test_filler_words_are_not_searched():
    lexicon = default_lexicon()
    assert lexicon.expand("Cho em hỏi hướng dẫn chi tiết hồ sơ OCOP mới nhất ạ") == "hồ sơ ocop"
    assert lexicon.strip_filler("cho em hỏi ạ") == "cho em hỏi ạ"  # nothing else left: kept as typed


@pytest.mark.parametrize(
    "query, kept",
    [("phan a duoc may diem", "phan a duoc may diem"), ("Điều 7 khoản 3 điểm a", "điều 7 khoản 3 điểm a")],
)
def test_a_part_or_point_letter_is_not_the_filler_a(query, kept):
    assert default_lexicon().strip_filler(query) == kept
    assert default_lexicon().strip_filler("phan b gom gi a") == "phan b gom gi"  # the "ạ" at the end still goes


def test_phrases_match_whole_words_only(tmp_path):
    path = tmp_path / "lexicon.yml"
    path.write_text(
        textwrap.dedent("""\
        groups:
          - [khảo sát thực tế, xuống cơ sở]
          - [thu hồi, tước giấy]
    """),
        encoding="utf-8",
    )
    lexicon = Lexicon.load(path)
    assert lexicon.expand("xuống cơ sở sản xuất") == "xuống cơ sở sản xuất khao sat thuc te"
    assert lexicon.expand("xuống cơ sởi") == "xuống cơ sởi"


def test_a_group_needs_two_phrases(tmp_path):
    path = tmp_path / "lexicon.yml"
    path.write_text("groups:\n  - [hồ sơ]\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Lexicon.load(path)


def test_special_cases_are_named_as_typed_or_in_the_decisions_terms(tmp_path):
    path = tmp_path / "lexicon.yml"
    path.write_text(
        "groups:\n  - [đánh giá lại, gia hạn]\nspecial:\n  - [nâng hạng, lên sao]\n  - [đánh giá lại]\n",
        encoding="utf-8",
    )
    lexicon = Lexicon.load(path)
    assert lexicon.special_cases("hs muon len sao gom gi") == {0}
    assert lexicon.special_cases("thủ tục gia hạn OCOP") == {1}  # "gia hạn" is the decisions' "đánh giá lại"
    assert lexicon.special_cases("hồ sơ gồm những gì") == set()
    assert lexicon.special_cases("lên saoo") == set()  # whole words only


def test_a_provinces_name_is_not_searched():
    assert default_lexicon().expand("Sản phẩm OCOP Vĩnh Long là gì?") == "sản phẩm ocop là gì"
    assert default_lexicon().expand("ho so danh gia lai gom gi") == "ho so danh gia lai gom gi"  # not Gia Lai
