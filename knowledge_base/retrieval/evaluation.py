"""Retrieval evaluation on the gold set (tests/retrieval/gold.yml).

Gold entries are ``{q: question, ids: [chunk or section ids]}`` or ``{q: question, out_of_scope: true}``.
A hit answers a question when its chunk id or its enclosing ``##`` section id is among ``ids``.

- recall@k: share of in-scope questions with an answering chunk among the top k (any one suffices);
- MRR: mean reciprocal rank of the first answering chunk (0 when none in the top ``depth``);
- refused: share of out-of-scope questions whose confidence falls below the answer threshold;
- false refusals: share of in-scope questions refused;
- recall@3 separately for clean questions and informal ones (typed without diacritics or with chat
  abbreviations), which must retrieve as well as clean ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge_base import textnorm
from knowledge_base.retrieval.retriever import Retriever
from knowledge_base.settings import REPO_ROOT

GOLD_PATH = REPO_ROOT / "tests" / "retrieval" / "gold.yml"
CUTOFFS = (1, 3, 5)


@dataclass(frozen=True)
class GoldQuestion:
    question: str
    ids: tuple[str, ...] = ()
    out_of_scope: bool = False


@dataclass
class Report:
    backend: str
    recall: dict[int, float]
    mrr: float
    refused: float
    false_refusals: float
    recall3_clean: float
    recall3_informal: float
    misses: list[tuple[str, tuple[str, ...], list[str]]] = field(default_factory=list)


def is_informal(question: str) -> bool:
    """Typed without any diacritics, or with at least one chat abbreviation ("ko", "hs", "dc")."""
    text = textnorm.nfc(question).lower()
    words = textnorm.tokenize(text)
    return textnorm.fold(text) == text or any(text[w.start : w.end] in textnorm.ABBREVIATIONS for w in words)


def load_gold(path: Path = GOLD_PATH) -> list[GoldQuestion]:
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [GoldQuestion(str(e["q"]), tuple(e.get("ids") or ()), bool(e.get("out_of_scope"))) for e in entries]


def unknown_ids(gold: list[GoldQuestion], retriever: Retriever) -> set[str]:
    """Gold ids that name no chunk or section of the index (stale after a heading change)."""
    known = {c.id for c in retriever.index.chunks} | {c.section_id for c in retriever.index.chunks}
    return {i for g in gold for i in g.ids} - known


def first_relevant_rank(retriever: Retriever, item: GoldQuestion, depth: int) -> tuple[int | None, list[str]]:
    hits = retriever.search(item.question, k=depth)
    for rank, hit in enumerate(hits, start=1):
        if hit.chunk.id in item.ids or hit.chunk.section_id in item.ids:
            return rank, [h.chunk.id for h in hits[:3]]
    return None, [h.chunk.id for h in hits[:3]]


def evaluate(retriever: Retriever, gold: list[GoldQuestion], threshold: float, depth: int = 10) -> Report:
    in_scope = [g for g in gold if not g.out_of_scope]
    out_scope = [g for g in gold if g.out_of_scope]
    ranks, misses = [], []
    informal = [is_informal(g.question) for g in in_scope]
    for item in in_scope:
        rank, top = first_relevant_rank(retriever, item, depth)
        ranks.append(rank)
        if rank is None or rank > 3:
            misses.append((item.question, item.ids, top))

    def refused(question: str) -> bool:
        return retriever.confidence(question, retriever.search(question, k=1)) < threshold

    n = max(len(in_scope), 1)

    def recall3(flag: bool) -> float:
        subset = [r for r, f in zip(ranks, informal) if f == flag]
        return sum(r is not None and r <= 3 for r in subset) / max(len(subset), 1)

    return Report(
        backend=retriever.backend,
        recall={k: sum(r is not None and r <= k for r in ranks) / n for k in CUTOFFS},
        mrr=sum(1 / r for r in ranks if r) / n,
        refused=sum(refused(g.question) for g in out_scope) / max(len(out_scope), 1),
        false_refusals=sum(refused(g.question) for g in in_scope) / n,
        recall3_clean=recall3(False),
        recall3_informal=recall3(True),
        misses=misses,
    )


def format_table(reports: list[Report], gold: list[GoldQuestion]) -> str:
    in_scope = [g for g in gold if not g.out_of_scope]
    n_informal = sum(is_informal(g.question) for g in in_scope)
    lines = [
        f"{len(in_scope)} in-scope questions ({n_informal} informal: no diacritics or chat abbreviations), "
        f"{len(gold) - len(in_scope)} out-of-scope",
        "| backend | recall@1 | recall@3 | recall@5 | MRR | recall@3 clean | recall@3 informal "
        "| out-of-scope refused | in-scope refused |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        lines.append(
            f"| {r.backend} | {r.recall[1]:.3f} | {r.recall[3]:.3f} | {r.recall[5]:.3f} | {r.mrr:.3f} "
            f"| {r.recall3_clean:.3f} | {r.recall3_informal:.3f} | {r.refused:.3f} | {r.false_refusals:.3f} |"
        )
    return "\n".join(lines)


def confidences(retriever: Retriever, gold: list[GoldQuestion]) -> tuple[list[float], list[float]]:
    """Answer confidence of every in-scope and every out-of-scope question."""

    def score(question: str) -> float:
        return retriever.confidence(question, retriever.search(question, k=1))

    return (
        [score(g.question) for g in gold if not g.out_of_scope],
        [score(g.question) for g in gold if g.out_of_scope],
    )


def suggest_threshold(in_scope: list[float], out_scope: list[float], target: float = 0.9) -> float:
    """The lowest threshold (2 decimals) that refuses at least ``target`` of the out-of-scope questions."""
    for step in range(101):
        threshold = step / 100
        if sum(c < threshold for c in out_scope) >= target * len(out_scope):
            return threshold
    return 1.0
