"""Ranking policy on top of raw relevance: current rules first, named decisions, the kind of question.

- A chunk from a superseded decision is demoted unless the user names that decision ("theo QĐ 148...").
- A chunk from a decision the user names is promoted.
- A chunk that answers only a special case (``only_if`` phrases, e.g. upgrading) is demoted when the query
  names none of its phrases, so "hồ sơ gồm những gì" finds the general case first.
- A question-bank entry written for the kind of question asked ("ai", "bao lâu", "có … không") is promoted.
- A chunk whose heading names numbers, none of which the query names ("1 sao" for "3 sao"), is demoted.
- A question-bank phrasing that names a special case the query does not (the lexicon's ``special`` cases:
  "nâng hạng", "5 sao", "thu hồi"...) is demoted, so "hồ sơ gồm những gì" is not answered for upgrading.
- A candidate that never names a subject outside the decisions that the query names ("thuế", "VietGAP":
  ``knowledge_base/outside_subjects.yml``) is demoted: it answers something else.
- A question-bank phrasing is promoted by how much its words and the query's overlap (Jaccard), so
  the phrasing closest to what was typed wins over one that merely contains the query's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge_base import outside_subjects, textnorm

_QUERY_DECISION_RE = re.compile(r"(?<!\d)(?<!\d/)(26\s*/\s*2026|1489|1048|148|781|919|490)(?!\d)(?!/\d)")
_CHUNK_DECISION_RE = re.compile(r"(\d+)(?:/(\d{4}))?/QĐ", re.IGNORECASE)
_NUMBER_RE = re.compile(r"(?<![\d/])\d{1,3}(?![\d/])")  # not parts of dates or decision numbers


def named_decisions(text: str) -> set[str]:
    """Decisions a message names: "qd 148", "QĐ 1048/QĐ-TTg", "26/2026" -> {"148", "1048", "26/2026"}."""
    return {re.sub(r"\s+", "", m) for m in _QUERY_DECISION_RE.findall(textnorm.fold(text))}


def chunk_decisions(decision: str) -> set[str]:
    """Canonical numbers of the decision(s) a chunk comes from: "QĐ 26/2026/QĐ-TTg" -> {"26/2026"}."""
    return {f"{num}/{year}" if year else num for num, year in _CHUNK_DECISION_RE.findall(decision)}


@dataclass(frozen=True)
class Query:
    """What the policy reads of a query, computed once per search."""

    folded: str
    named: frozenset[str] = frozenset()  # decisions named ("148", "26/2026")
    kind: str | None = None  # question_kind.kind_of
    numbers: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    special: frozenset[int] = frozenset()  # the lexicon's special cases named
    outside: frozenset[int] = frozenset()  # subjects outside the decisions named (outside_subjects)

    @classmethod
    def of(cls, text: str, named: set[str] = frozenset(), kind: str | None = None, lexicon=None):
        folded = textnorm.normalize_folded(text)
        special = lexicon.special_cases(text) if lexicon else frozenset()
        numbers, words = frozenset(numbers_in(text)), frozenset(folded.split())
        return cls(folded, frozenset(named), kind, numbers, words, special, outside_subjects.named(text))


@dataclass(frozen=True)
class Heading:
    """What the policy reads of a chunk's heading, computed once per index."""

    words: frozenset[str]
    numbers: frozenset[str]
    special: frozenset[int] = frozenset()  # the lexicon's special cases a question-bank phrasing names
    outside: frozenset[int] = frozenset()  # subjects outside the decisions the chunk's entry names anywhere

    @classmethod
    def of(cls, chunk, lexicon=None, outside: frozenset[int] = frozenset()) -> Heading:
        special = lexicon.special_cases(chunk.heading) if lexicon and chunk.is_qa else frozenset()
        words = frozenset(textnorm.normalize_folded(chunk.heading).split())
        return cls(words, frozenset(numbers_in(chunk.heading)), special, outside)


def adjust(score: float, chunk, heading: Heading, query: Query, params) -> float:
    """Apply the policy factors of ``params`` (RetrievalParams) to one candidate's score."""
    from_named = bool(query.named & chunk_decisions(chunk.decision))
    if from_named:
        score *= params.named_decision_boost
    elif chunk.validity == "superseded":
        score *= params.superseded_penalty
    padded = f" {query.folded} "
    if chunk.only_if and not any(f" {phrase} " in padded for phrase in chunk.only_if):
        score *= params.special_case_penalty
    if query.kind and chunk.kind == f"qa-{query.kind}":
        score *= params.kind_boost
    if chunk.is_qa and query.words and heading.words:
        overlap = len(heading.words & query.words) / len(heading.words | query.words)
        score *= 1 + params.phrasing_weight * overlap
    if query.numbers and heading.numbers and not heading.numbers & query.numbers:
        score *= params.number_mismatch_penalty
    if heading.special - query.special:
        score *= params.special_term_penalty
    if query.outside - heading.outside:
        score *= params.outside_subject_penalty
    return score


def numbers_in(text: str) -> set[str]:
    """The whole numbers a text names ("3 sao", "36 tháng" -> {"3", "36"})."""
    return set(_NUMBER_RE.findall(textnorm.fold(text)))
