"""Ranking policy on top of raw relevance: current rules first, named decisions, Rasa intents.

- A chunk from a superseded decision is demoted unless the user names that decision ("theo QĐ 148...").
- A chunk from a decision the user names is promoted.
- A chunk whose topics include the topic of the Rasa intent (docs/contracts.md table) is promoted.
- A chunk that answers only a special case (``only_if`` phrases, e.g. upgrading) is demoted when the query
  names none of its phrases, so "hồ sơ gồm những gì" finds the general case first.
- A question-bank entry written for the kind of question asked ("ai", "bao lâu", "có … không") is promoted.
- A chunk whose heading names numbers, none of which the query names ("1 sao" for "3 sao"), is demoted.
- A question-bank phrasing is promoted by how much its words and the query's overlap (Jaccard), so
  the phrasing closest to what was typed wins over one that merely contains the query's words.
"""

from __future__ import annotations

import re

from knowledge_base import textnorm

INTENT_TOPICS: dict[str, str] = {
    "ask_what_is_ocop": "tong_quan",
    "ask_eligibility": "chu_the",
    "ask_product_group": "nhom_san_pham",
    "ask_dossier": "ho_so",
    "ask_evaluation_process": "quy_trinh",
    "ask_star_levels": "hang_sao",
    "ask_scoring_criteria": "tieu_chi",
    "ask_certificate_validity": "hieu_luc",
    "ask_benefits_support": "ho_tro",
    "ask_intellectual_property": "so_huu_tri_tue",
    "ask_legal_basis": "van_ban",
}

_QUERY_DECISION_RE = re.compile(r"(?<!\d)(?<!\d/)(26\s*/\s*2026|1489|1048|148|781|919|490)(?!\d)(?!/\d)")
_CHUNK_DECISION_RE = re.compile(r"(\d+)(?:/(\d{4}))?/QĐ", re.IGNORECASE)
_NUMBER_RE = re.compile(r"(?<![\d/])\d{1,3}(?![\d/])")  # not parts of dates or decision numbers


def named_decisions(text: str) -> set[str]:
    """Decisions a message names: "qd 148", "QĐ 1048/QĐ-TTg", "26/2026" -> {"148", "1048", "26/2026"}."""
    return {re.sub(r"\s+", "", m) for m in _QUERY_DECISION_RE.findall(textnorm.fold(text))}


def chunk_decisions(decision: str) -> set[str]:
    """Canonical numbers of the decision(s) a chunk comes from: "QĐ 26/2026/QĐ-TTg" -> {"26/2026"}."""
    return {f"{num}/{year}" if year else num for num, year in _CHUNK_DECISION_RE.findall(decision)}


def adjust(score: float, chunk, named: set[str], topic: str | None, params, query_folded: str = "",
           kind: str | None = None, query_numbers: frozenset[str] = frozenset(),
           query_words: frozenset[str] = frozenset()) -> float:
    """Apply the policy factors of ``params`` (RetrievalParams) to one candidate's score."""
    from_named = bool(named & chunk_decisions(chunk.decision))
    if from_named:
        score *= params.named_decision_boost
    elif chunk.validity == "superseded":
        score *= params.superseded_penalty
    if topic and topic in chunk.topics:
        score *= params.intent_boost
    padded = f" {query_folded} "
    if chunk.only_if and not any(f" {phrase} " in padded for phrase in chunk.only_if):
        score *= params.special_case_penalty
    if kind and chunk.kind == f"qa-{kind}":
        score *= params.kind_boost
    if chunk.is_qa and query_words:
        phrasing = set(textnorm.normalize_folded(chunk.heading).split())
        score *= 1 + params.phrasing_weight * len(phrasing & query_words) / len(phrasing | query_words)
    if query_numbers:
        heading_numbers = set(_NUMBER_RE.findall(textnorm.fold(chunk.heading)))
        if heading_numbers and not heading_numbers & query_numbers:
            score *= params.number_mismatch_penalty
    return score


def numbers_in(text: str) -> set[str]:
    """The whole numbers a text names ("3 sao", "36 tháng" -> {"3", "36"})."""
    return set(_NUMBER_RE.findall(textnorm.fold(text)))
