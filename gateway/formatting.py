"""Text handling shared by the channels: cleaning user input and splitting long replies.

Replies are split at paragraph or sentence boundaries so that every piece fits a platform's limit
(Telegram 4,096 UTF-16 code units, Zalo 2,000 characters); a sentence longer than the limit is cut
at a space, and only a space-free run longer than the limit is cut hard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

TELEGRAM_TEXT_LIMIT = 4096
ZALO_TEXT_LIMIT = 2000
WEB_TEXT_LIMIT = 20_000

_SENTENCE_END = re.compile(r"[.!?…;:][\"”’')\]]*(?=\s)|\n")
_PARAGRAPH_END = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s")

Measure = Callable[[str], int]


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean_user_text(text: str) -> str:
    """NFC text without control characters or lone surrogates, trimmed."""
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def has_words(text: str) -> bool:
    """True when the text has at least one letter or digit (not only emoji or punctuation)."""
    return any(ch.isalnum() for ch in text)


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Split `text` into trimmed, non-empty pieces each with `measure(piece) <= limit`."""
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            pieces.append(rest)
            break
        window = rest[: _longest_fitting_prefix(rest, limit, measure)]
        cut = _cut_position(window)
        head, rest = rest[:cut].strip(), rest[cut:].strip()
        if head:
            pieces.append(head)
    return pieces


def _longest_fitting_prefix(text: str, limit: int, measure: Measure) -> int:
    low, high = 1, min(len(text), limit)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut_position(window: str) -> int:
    """Where to cut a window that is full: paragraph end, sentence end, space, or its end."""
    half = len(window) // 2
    paragraphs = [m.end() for m in _PARAGRAPH_END.finditer(window) if m.end() >= half]
    if paragraphs:
        return paragraphs[-1]
    sentences = [m.end() for m in _SENTENCE_END.finditer(window)]
    if sentences and sentences[-1] >= len(window) // 4:
        return sentences[-1]
    spaces = [m.end() for m in _SPACE.finditer(window)]
    if spaces and spaces[-1] > 0:
        return spaces[-1]
    return len(window)
