"""The shared Vietnamese normalisation: what users type must match what the documents say."""

import unicodedata

import pytest

from knowledge_base import textnorm


@pytest.mark.parametrize(
    "old, new",
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("thuỷ sản", "thủy sản"),
        ("khoẻ", "khỏe"),
        ("tuỳ", "tùy"),
        ("HOÀ", "HÒA"),
    ],
)
def test_old_tone_style_becomes_new_style(old, new):
    assert textnorm.normalize_tone_marks(old) == new


@pytest.mark.parametrize("word", ["quý", "hoàng", "khuya", "thuế", "của", "múa", "quà", "hòa", "toán"])
def test_words_already_in_new_style_or_closed_syllables_are_untouched(word):
    assert textnorm.normalize_tone_marks(word) == word


def test_nfd_input_gives_the_same_canonical_text_as_nfc():
    text = "Hồ sơ đăng ký sản phẩm OCOP gồm những gì?"
    assert textnorm.normalize(unicodedata.normalize("NFD", text)) == textnorm.normalize(text)


def test_fold_removes_diacritics_and_d_stroke():
    assert textnorm.fold("Hồ sơ ĐĂNG KÝ đạt 4 sao") == "ho so dang ky dat 4 sao"


@pytest.mark.parametrize(
    "typed, clean",
    [
        ("hs đky ocop gồm j", "hồ sơ đăng ký ocop gồm gì"),
        ("sp cua mk co dc ko", "sản phẩm cua mình co được không"),
        ("htx lam ntn", "hợp tác xã lam như thế nào"),
        ("bn điểm thì đc 4 sao", "bao nhiêu điểm thì được 4 sao"),
    ],
)
def test_chat_abbreviations_expand(typed, clean):
    assert textnorm.normalize(typed) == clean


@pytest.mark.parametrize(
    "variant",
    [
        "Hồ sơ đăng ký OCOP gồm những gì?",
        "ho so dang ky ocop gom nhung gi",
        "hs dky ocop gom nhung j",
        unicodedata.normalize("NFD", "hồ sơ đăng ký ocop gồm những gì"),
    ],
)
def test_all_ways_of_typing_fold_to_one_form(variant):
    assert textnorm.normalize_folded(variant) == "ho so dang ky ocop gom nhung gi"


def test_tokens_keep_spans_into_the_original_text():
    text = "Cho hỏi hs OCOP?"
    tokens = textnorm.tokenize(text)
    assert [t.text for t in tokens] == ["cho", "hỏi", "hồ", "sơ", "ocop"]
    assert all(text[t.start : t.end].lower() in {"cho", "hỏi", "hs", "ocop"} for t in tokens)


def test_letters_that_are_not_abbreviations_survive():
    # "Phần A", "vitamin C" and "hoa hồng" typed without diacritics must not be rewritten.
    assert textnorm.normalize_folded("Phần A, phần C, hoa hong") == "phan a phan c hoa hong"


def test_empty_and_emoji_only_text():
    assert textnorm.tokenize("") == []
    assert textnorm.normalize("😀🌿") == ""
