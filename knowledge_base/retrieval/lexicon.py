"""The domain lexicon (``knowledge_base/lexicon.yml``): producers' words for the decisions' terms.

``Lexicon.expand(query)`` is what the rankers search with: the query without its filler words ("cho em hỏi",
"hướng dẫn chi tiết") and with the decisions' term of every group it names appended ("gia hạn" -> "đánh giá
lại"); ``Lexicon.rewrite(query)`` puts that term in place of the phrase typed, so confidence is measured on
the words the documents use. ``Lexicon.special_cases(text)`` names the special cases a text speaks of
("nâng hạng", "5 sao", "thu hồi"), so a question-bank phrasing about one yields when the query names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from knowledge_base import textnorm

LEXICON_FILE = Path(__file__).resolve().parents[1] / "lexicon.yml"
# Folded words after which a one-letter word names a part or point ("phần A", "điểm a khoản 3").
_LETTER_AFTER = frozenset({"phan", "diem", "muc"})


@dataclass(frozen=True)
class Lexicon:
    groups: tuple[tuple[str, ...], ...]  # folded, abbreviation-expanded phrases; the decisions' term first
    filler: tuple[tuple[str, ...], ...] = ()  # folded words of each filler phrase, longest first
    special: tuple[tuple[str, ...], ...] = ()  # folded phrases naming one special case, per case

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> Lexicon:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        groups = raw.get("groups") or [] if isinstance(raw, dict) else None
        if groups is None or not all(isinstance(g, list) and len(g) >= 2 for g in groups):
            raise ValueError(f"{path.name}: 'groups' is a list of groups of at least two phrases")
        special = raw.get("special") or [] if isinstance(raw, dict) else []
        if not all(isinstance(g, list) and g for g in special):
            raise ValueError(f"{path.name}: 'special' is a list of non-empty lists of phrases")
        filler = sorted(
            {tuple(textnorm.normalize_folded(str(p)).split()) for p in raw.get("filler") or ()}, key=len, reverse=True
        )
        return cls(
            tuple(tuple(textnorm.normalize_folded(str(p)) for p in group) for group in groups),
            tuple(f for f in filler if f),
            tuple(tuple(textnorm.normalize_folded(str(p)) for p in group) for group in special),
        )

    def strip_filler(self, query: str) -> str:
        """``query`` normalised (diacritics kept) without its filler phrases; unchanged if nothing else is left."""
        words = textnorm.normalize(query).split()
        folded = [textnorm.fold(w) for w in words]
        kept, i = [], 0
        while i < len(words):
            phrase = next((f for f in self.filler if tuple(folded[i : i + len(f)]) == f), None)
            if phrase == (folded[i],) and len(folded[i]) == 1 and i and folded[i - 1] in _LETTER_AFTER:
                phrase = None  # "phần A", "điểm a": a letter, not "ạ"
            if phrase:
                i += len(phrase)
            else:
                kept.append(words[i])
                i += 1
        return " ".join(kept) if kept else query

    def _matches(self, folded: str) -> list[tuple[str, str]]:
        """(phrase typed, the group's term) for every phrase of a group in ``folded``, longest first."""
        found = []
        for group in self.groups:
            for phrase in sorted(group[1:], key=len, reverse=True):
                if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", folded):
                    found.append((phrase, group[0]))
                    break
        return found

    def expand(self, query: str) -> str:
        """``query`` without filler, with the decisions' term of each named group appended."""
        query = self.strip_filler(query)
        folded = textnorm.normalize_folded(query)
        terms = [term for _, term in self._matches(folded) if not re.search(rf"(?<!\w){re.escape(term)}(?!\w)", folded)]
        return f"{query} {' '.join(dict.fromkeys(terms))}" if terms else query

    def rewrite(self, query: str) -> str:
        """The folded ``query`` with each phrase of a group replaced by the group's term."""
        folded = textnorm.normalize_folded(query)
        for phrase, term in self._matches(folded):
            folded = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", term, folded)
        return folded

    def special_cases(self, text: str) -> frozenset[int]:
        """Indexes of the ``special`` cases ``text`` names, as typed or in the decisions' terms."""
        forms = [f" {form} " for form in (textnorm.normalize_folded(text), self.rewrite(text))]
        return frozenset(
            n for n, group in enumerate(self.special) if any(f" {p} " in form for p in group for form in forms)
        )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.load()
