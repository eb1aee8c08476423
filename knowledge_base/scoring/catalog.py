"""Match a producer's free text ("mật ong rừng", "nuoc mam", "homestay") to OCOP product sets.

Keywords and example products come from ``knowledge_base/criteria/product_sets.yml``. Both the text and the keywords
are normalised with ``knowledge_base.textnorm`` and compared as whole-word phrases on the diacritic-folded form, so
text typed without diacritics matches; a match that also agrees with the diacritics scores a little higher, and a
longer (more specific) phrase beats a shorter one ("trà hoa cúc" -> set 12 rather than "hoa" -> set 23). The result
is ambiguous when the two best candidates score within ``AMBIGUITY_MARGIN`` — the chat then asks with buttons.
Only the evaluation council decides the set officially; this is a suggestion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge_base.scoring.sheets import load_index
from knowledge_base.textnorm import fold, normalize

AMBIGUITY_MARGIN = 0.5
EXACT_BONUS = 0.5
EXTRA_MATCH_BONUS = 0.1
_NUMBER_RE = re.compile(r"\bbo\s*(?:san\s*pham\s*)?(?:so\s*)?(\d{1,2})\b")
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Candidate:
    set_id: str
    number: int
    name: str
    group: str
    score: float
    matched: tuple[str, ...] = ()


@dataclass
class MatchResult:
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    ambiguous: bool = False

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def found(self) -> bool:
        return bool(self.candidates)


def _words(text: str) -> str:
    return " ".join(_WORD_RE.findall(text))


@lru_cache(maxsize=1)
def _keyword_table() -> list[tuple[dict, list[tuple[str, str, str]]]]:
    """Per product set: [(keyword, folded phrase, normalised phrase)], including the set name itself."""
    table = []
    for e in load_index()["product_sets"]:
        phrases = []
        for kw in list(e["keywords"]) + [e["name"]]:
            norm = _words(normalize(str(kw)))
            phrases.append((str(kw), fold(norm), norm))
        table.append((e, phrases))
    return table


def _contains(haystack: str, phrase: str) -> bool:
    return bool(phrase) and f" {phrase} " in f" {haystack} "


def match_product(text: str, limit: int = 3) -> MatchResult:
    """Ranked candidate product sets for ``text`` (best first, at most ``limit``)."""
    norm = _words(normalize(text or ""))
    folded = fold(norm)
    result = MatchResult(text=text)
    if not folded:
        return result
    scored: list[Candidate] = []
    m = _NUMBER_RE.search(folded)
    by_number = int(m.group(1)) if m else None
    for entry, phrases in _keyword_table():
        best, matched = 0.0, []
        for kw, f_phrase, n_phrase in phrases:
            if _contains(folded, f_phrase):
                s = len(f_phrase.split()) + (EXACT_BONUS if _contains(norm, n_phrase) else 0.0)
                matched.append(kw)
                best = max(best, s)
        if entry["number"] == by_number:
            best = max(best, 10.0)
            matched.append(f"bộ {by_number}")
        if best > 0:
            score = best + EXTRA_MATCH_BONUS * (len(matched) - 1)
            scored.append(
                Candidate(
                    set_id=entry["id"],
                    number=entry["number"],
                    name=entry["name"],
                    group=entry["group"],
                    score=round(score, 3),
                    matched=tuple(matched),
                )
            )
    scored.sort(key=lambda c: (-c.score, c.number))
    result.candidates = scored[:limit]
    if len(scored) > 1 and scored[0].score - scored[1].score < AMBIGUITY_MARGIN:
        result.ambiguous = True
    return result
