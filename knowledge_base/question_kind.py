"""What kind of question a message is, and the questions one message holds.

Standard library only: the Rasa (Python 3.10) environment imports this module for the question guard.

- ``is_question(text)``: a message that asks something (a question mark, a question word or a final
  "không/chưa" particle) and is long enough not to be a bare "không" or "có".
- ``kind_of(text)``: the kind of answer it wants, one of the question bank's kinds (``what``, ``how``,
  ``who``, ``when``, ``where``, ``yesno``, ``compare``, ``howmuch``, ``list``), or None.
- ``split_questions(text)``: the separate questions of a message ("…gồm những gì? Nộp ở đâu?").

Patterns are matched on the folded, abbreviation-expanded text (``textnorm.normalize_folded``), so "bn",
"bao nhiêu" and "bao nhieu" are the same.
"""

from __future__ import annotations

import re

from knowledge_base import textnorm

MIN_QUESTION_WORDS = 4  # without a question mark; with one, two words ("Nộp ở đâu?") are enough
MIN_PIECE_WORDS = 3  # a piece of a longer message with a question kind ("OCOP là gì và …")

# Checked in order: the first kind whose pattern matches wins ("khác nhau thế nào" is a comparison).
_KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("compare", r"khac nhau|khac gi|khac nhu the nao|giong nhau|so sanh|hay hon|\bvoi\b.*\bkhac\b|phan biet"),
    (
        "howmuch",
        r"bao nhieu|may diem|may sao|bao nhieu diem|muc diem|toi thieu bao|\bmay\b (?:ban|bo|mau|nam|thang|ngay|lan|dot|buoc)",
    ),
    ("when", r"bao lau|khi nao|bao gio|luc nao|thoi han|han chot|thoi gian|may ngay|may thang|may nam|den khi"),
    ("who", r"\bai\b|co quan nao|don vi nao|cap nao|nguoi nao|hoi dong .*gom|thanh phan|thanh vien"),
    ("where", r"\bo dau\b|\bnoi nao\b|\btai dau\b|\bnop dau\b|\bden dau\b|\bcho nao\b|\bdau\?"),
    ("how", r"the nao|lam sao|lam gi de|cach nao|cach de|\bcach\b|thu tuc|quy trinh|cac buoc|trinh tu|nhu nao"),
    ("list", r"nhung gi|nhung ai|gom gi|gom nhung|bao gom|nhung loai|cac loai|nhung nhom|nhung giay to"),
    ("what", r"\bla gi\b|la sao|nghia la|co nghia|hieu the nao|\bla\b.*\bgi\b"),
    ("yesno", r"\bco\b.*\b(?:khong|chua)\b|\bduoc khong\b|\bphai khong\b|\bhay khong\b|\bkhong a\b|\b(?:khong|chua)$"),
)
_KIND_RES = tuple((kind, re.compile(pattern)) for kind, pattern in _KIND_PATTERNS)
_QUESTION_WORD_RE = re.compile(
    r"\b(?:gi|nao|sao|ai|dau|bao nhieu|bao lau|bao gio|the nao|lam sao|may|hoi|khong|chua|ha|nhi|thu tuc|cach)\b"
)
# A final particle, or a final "nào" ("… cần những tiêu chí nào": which ones).
_FINAL_PARTICLE_RE = re.compile(r"\b(?:khong|chua|a|ha|nhi|vay|the|nao)$")
# Sentence ends: "?" always; "." or ";" or a line break only between two long enough pieces.
_QUESTION_MARK_RE = re.compile(r"(?<=\?)\s*")
_SENTENCE_RE = re.compile(r"(?<=[.;!\n])\s+")
_JOINER_RE = re.compile(r"\s*,\s*(?:và\s+|va\s+|còn\s+|con\s+)?|\s+(?:và|va|còn|con|với lại|voi lai)\s+", re.IGNORECASE)


def _folded(text: str) -> str:
    return textnorm.normalize_folded(text or "")


def is_question(text: str) -> bool:
    """True for a message that asks something: a question mark and two words, or a question word and
    at least ``MIN_QUESTION_WORDS`` words."""
    folded = _folded(text)
    words = folded.split()
    if "?" in (text or ""):
        return len(words) >= 2
    if len(words) < MIN_QUESTION_WORDS:
        return False
    return bool(_QUESTION_WORD_RE.search(folded) and (kind_of(text) or _FINAL_PARTICLE_RE.search(folded)))


def kind_of(text: str) -> str | None:
    """The kind of answer ``text`` asks for (see the module docstring), or None."""
    folded = _folded(text)
    for kind, pattern in _KIND_RES:
        if pattern.search(folded):
            return kind
    return None


def _asks(piece: str) -> bool:
    """A piece of a message that is a question on its own: ``is_question``, or a short one of a known kind
    ("OCOP là gì" before "và …"), which a whole message of three words would not be taken for."""
    return is_question(piece) or (kind_of(piece) is not None and len(_folded(piece).split()) >= MIN_PIECE_WORDS)


def _halves(piece: str) -> list[str]:
    """``piece`` split at a "và" / "còn" / comma between two questions, else ``[piece]``."""
    for match in _JOINER_RE.finditer(piece):
        left, right = piece[: match.start()].strip(), piece[match.end() :].strip()
        if _asks(left) and _asks(right):
            return [left] + _halves(right)
    return [piece]


def split_questions(text: str) -> list[str]:
    """The questions of one message, in order; a message with one question gives ``[text]``.

    Pieces end at "?" marks, at ". ; !" and line breaks, and at a "và", "còn" or comma that joins two
    questions ("OCOP là gì và lợi ích ra sao?"). A statement before the first question is its context and
    stays with it ("Em làm nước mắm. Hồ sơ gồm gì?"); a piece of three or more words after a question is a
    question of its own ("OCOP là gì? Tiêu chuẩn của OCOP"), a shorter one stays with the question before.
    """
    pieces = [
        h
        for part in _QUESTION_MARK_RE.split(text or "")
        for p in _SENTENCE_RE.split(part)
        for h in _halves(p.strip())
        if h
    ]
    questions: list[str] = []
    context = ""
    for piece in pieces:
        if (_asks(piece) if len(pieces) > 1 else is_question(piece)) or (
            questions and len(_folded(piece).split()) >= 3
        ):
            questions.append(f"{context} {piece}".strip() if context and not questions else piece)
            context = ""
        elif questions:
            questions[-1] = f"{questions[-1]} {piece}"
        else:
            context = f"{context} {piece}".strip()
    if not (text or "").strip():
        return []
    return questions or [text.strip()]
