"""Vietnamese text normalisation shared by the Rasa tokenizer and the retriever.

Standard library only: the Rasa (Python 3.10) environment imports this module too.

The pipeline turns what producers really type into one canonical form:
Unicode NFC, one tone-mark style ("hoà" -> "hòa"), lower case, chat abbreviations expanded
("ko" -> "không", "hs" -> "hồ sơ"), and optionally a diacritic-folded form ("hồ sơ" -> "ho so")
so that text typed without diacritics matches text written with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

# Chat abbreviations seen in producers' messages, keyed by their lower-case NFC form.
# Values are written with diacritics; folding later removes them when needed.
ABBREVIATIONS: dict[str, str] = {
    "ko": "không",
    "k": "không",
    "khg": "không",
    "hok": "không",
    "hông": "không",
    "hk": "không",
    "khum": "không",
    "hem": "không",
    "kô": "không",
    "dc": "được",
    "đc": "được",
    "dcj": "được",
    "sp": "sản phẩm",
    "spham": "sản phẩm",
    "j": "gì",
    "ji": "gì",
    "ntn": "như thế nào",
    "bn": "bao nhiêu",
    "bnh": "bao nhiêu",
    "bnhiu": "bao nhiêu",
    "hs": "hồ sơ",
    "hso": "hồ sơ",
    "htx": "hợp tác xã",
    "tht": "tổ hợp tác",
    "thtx": "tổ hợp tác",
    "dn": "doanh nghiệp",
    "dnnvv": "doanh nghiệp nhỏ và vừa",
    "hkd": "hộ kinh doanh",
    "kd": "kinh doanh",
    "đkkd": "đăng ký kinh doanh",
    "dkkd": "đăng ký kinh doanh",
    "gcn": "giấy chứng nhận",
    "gpkd": "giấy phép kinh doanh",
    "attp": "an toàn thực phẩm",
    "vsattp": "vệ sinh an toàn thực phẩm",
    "shtt": "sở hữu trí tuệ",
    "qđ": "quyết định",
    "qd": "quyết định",
    "đky": "đăng ký",
    "dky": "đăng ký",
    "đki": "đăng ký",
    "dki": "đăng ký",
    "vs": "với",
    "mk": "mình",
    "mik": "mình",
    "mn": "mọi người",
    "ng": "người",
    "ngta": "người ta",
    "cx": "cũng",
    "r": "rồi",
    "rùi": "rồi",
    "nx": "nữa",
    "trc": "trước",
    "bh": "bao giờ",
    "bgio": "bao giờ",
    "bjo": "bao giờ",
    "lm": "làm",
    "bik": "biết",
    "bít": "biết",
    "oke": "ok",
    "oki": "ok",
    "okie": "ok",
    "uk": "ừ",
    "ukm": "ừ",
    "tks": "cảm ơn",
    "thks": "cảm ơn",
    "camon": "cảm ơn",
    "vd": "ví dụ",
    "kí": "ký",
    "lí": "lý",
    "mĩ": "mỹ",
    "kĩ": "kỹ",
}

_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")


class Token(NamedTuple):
    """A word of the original text with its canonical form and character span."""

    text: str
    start: int
    end: int


def nfc(text: str) -> str:
    """Compose Unicode (NFD input from some phones becomes NFC)."""
    return unicodedata.normalize("NFC", text)


# Old style puts the tone on the second vowel of an open "oa", "oe", "uy" ("hoà", "khoẻ", "thuỷ");
# the new style used in the decisions puts it on the first ("hòa", "khỏe", "thủy"). Matched in NFD,
# where the tone is a separate combining mark; "qu" is a consonant, so "quý" is left alone.
_OLD_STYLE_RE = re.compile(r"(?<![qQ])([oO][aAeE]|[uU][yY])([\u0300\u0301\u0303\u0309\u0323])(?!\w)", re.UNICODE)


def normalize_tone_marks(text: str) -> str:
    """Rewrite old-style tone placement to the new style: "hoà" -> "hòa", "thuỷ" -> "thủy"."""
    decomposed = unicodedata.normalize("NFD", text)
    moved = _OLD_STYLE_RE.sub(lambda m: m.group(1)[0] + m.group(2) + m.group(1)[1], decomposed)
    return unicodedata.normalize("NFC", moved)


# Words recur: the index is built from ~800,000 of them and every query repeats them. Single words (up to this
# length) are folded and canonicalised once per process; both functions are pure.
_CACHED_CHARS = 40
_CACHED_WORDS = 1 << 17


def fold(text: str) -> str:
    """Remove diacritics and lower-case: "Hồ sơ ĐĂNG KÝ" -> "ho so dang ky"."""
    return _fold_word(text) if len(text) <= _CACHED_CHARS else _fold(text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


_fold_word = lru_cache(maxsize=_CACHED_WORDS)(_fold)


@lru_cache(maxsize=_CACHED_WORDS)
def canonical_word(word: str) -> str:
    """Canonical form of one word: NFC, new tone style, lower case, abbreviation expanded."""
    word = normalize_tone_marks(word).lower()
    return ABBREVIATIONS.get(word, word)


def normalize(text: str) -> str:
    """Canonical text with diacritics kept (where the user typed them)."""
    return " ".join(t.text for t in tokenize(text))


def normalize_folded(text: str) -> str:
    """Canonical text without diacritics: what the NLU features and BM25 index see."""
    return " ".join(fold(t.text) for t in tokenize(text))  # word by word: the same as folding the joined text


def tokenize(text: str) -> list[Token]:
    """Words of ``text`` with canonical text and spans into the NFC form of ``text``.

    NFC never changes the length of precomposed Vietnamese input; NFD input is first composed,
    so spans refer to ``nfc(text)``. An abbreviation expanding to several words yields one token
    per word, all sharing the abbreviation's span.
    """
    return list(_iter_tokens(nfc(text)))


def _iter_tokens(text: str) -> Iterator[Token]:
    for match in _WORD_RE.finditer(text):
        canonical = canonical_word(match.group(0))
        for part in canonical.split():
            yield Token(part, match.start(), match.end())


def collapse_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()
