"""Cleaning user text and splitting replies within platform limits."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.formatting import clean_user_text, has_words, split_text, utf16_length


def test_short_text_is_one_piece():
    assert split_text("  Xin chào.  ", 100) == ["Xin chào."]
    assert split_text("   ", 100) == []


def test_split_prefers_sentence_ends():
    text = "Câu thứ nhất khá dài. Câu thứ hai cũng dài! Câu thứ ba hỏi gì? Câu thứ tư."
    pieces = split_text(text, 45)
    assert pieces == ["Câu thứ nhất khá dài. Câu thứ hai cũng dài!", "Câu thứ ba hỏi gì? Câu thứ tư."]


def test_split_prefers_paragraphs():
    text = "Đoạn một có hai câu. Câu hai.\n\nĐoạn hai. Câu nữa ở đây."
    assert split_text(text, 40) == ["Đoạn một có hai câu. Câu hai.", "Đoạn hai. Câu nữa ở đây."]


def test_sentence_longer_than_the_limit_is_cut_at_spaces():
    pieces = split_text("một hai ba bốn năm sáu bảy tám chín mười", 12)
    assert all(len(p) <= 12 for p in pieces)
    assert " ".join(pieces) == "một hai ba bốn năm sáu bảy tám chín mười"


def test_run_without_spaces_is_cut_hard():
    assert split_text("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]


def test_utf16_measure_counts_emoji_twice():
    assert utf16_length("😀") == 2 and utf16_length("ồ") == 1
    pieces = split_text("😀" * 10, 4, utf16_length)
    assert pieces == ["😀😀"] * 5


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=600), st.integers(min_value=2, max_value=120))
def test_pieces_fit_and_keep_every_non_space_character(text, limit):
    pieces = split_text(text, limit, utf16_length)
    assert all(0 < utf16_length(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_clean_user_text_normalises_and_strips_controls():
    decomposed = unicodedata.normalize("NFD", "hồ sơ")
    assert clean_user_text(f"  {decomposed}\x00\x07\r\n ") == "hồ sơ"
    assert clean_user_text("a\ud800b") == "ab"
    assert clean_user_text("dòng 1\ndòng 2\tx") == "dòng 1\ndòng 2\tx"
    assert clean_user_text("👨‍🌾") == "👨‍🌾", "zero-width joiners in emoji are kept"


def test_has_words():
    assert has_words("3") and has_words("OCOP là gì") and has_words("日本")
    assert not has_words("😀👍!!") and not has_words("...")
