"""Ranking back-ends over a loaded index: BM25, dense (FAISS) and their fusion.

Each back-end maps a query to ``{chunk position: score}`` for its best ``depth`` candidates, higher is
better. The hybrid fuses the two lists either by reciprocal rank (``rrf``) or by a weighted sum of
max-normalised scores (``score``). A semantic model, when the index has one, is blended into the hybrid
with its min-max-normalised cosines (``blend``): its cosines bunch within a few hundredths, so only their
spread says anything.
"""

from __future__ import annotations

import numpy as np

from knowledge_base.retrieval.index import LoadedIndex, bm25_tokens

BACKENDS = ("bm25", "dense", "hybrid")


def bm25_scores(index: LoadedIndex, query: str, depth: int) -> dict[int, float]:
    tokens = bm25_tokens(query, index.params.bm25_bigrams)
    scores = np.asarray(index.bm25.get_scores(tokens)) if tokens else np.zeros(len(index.chunks))
    order = np.argsort(-scores, kind="stable")[:depth]
    return {int(i): float(scores[i]) for i in order if scores[i] > 0}


def dense_scores(index: LoadedIndex, query_vector: np.ndarray, depth: int) -> dict[int, float]:
    scores, ids = index.faiss_index.search(query_vector.reshape(1, -1), min(depth, len(index.chunks)))
    return {int(i): max(float(s), 0.0) for s, i in zip(scores[0], ids[0]) if i >= 0}


def semantic_scores(index: LoadedIndex, query_vector: np.ndarray, depth: int) -> dict[int, float]:
    scores, ids = index.semantic_index.search(query_vector.reshape(1, -1), min(depth, len(index.chunks)))
    return {int(i): float(s) for s, i in zip(scores[0], ids[0]) if i >= 0 and s > 0}  # sections have no vector


def blend(fused: dict[int, float], semantic: dict[int, float], weight: float) -> dict[int, float]:
    """``(1 - weight)`` of the fused scores plus ``weight`` of the min-max-normalised semantic ones."""
    low, high = min(semantic.values(), default=0.0), max(semantic.values(), default=0.0)
    spread = {i: (s - low) / (high - low) if high > low else 1.0 for i, s in semantic.items()}
    return {i: (1 - weight) * fused.get(i, 0.0) + weight * spread.get(i, 0.0) for i in set(fused) | set(spread)}


def _max_normalised(scores: dict[int, float]) -> dict[int, float]:
    top = max(scores.values(), default=0.0)
    return {i: s / top for i, s in scores.items()} if top > 0 else {}


def fuse(
    lexical: dict[int, float], dense: dict[int, float], method: str, rrf_k: int = 60, dense_weight: float = 0.5
) -> dict[int, float]:
    if method == "rrf":
        fused: dict[int, float] = {}
        for scores in (lexical, dense):
            for rank, i in enumerate(sorted(scores, key=scores.get, reverse=True), start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (rrf_k + rank)
        return fused
    if method == "score":
        lex, den = _max_normalised(lexical), _max_normalised(dense)
        return {i: (1 - dense_weight) * lex.get(i, 0.0) + dense_weight * den.get(i, 0.0) for i in set(lex) | set(den)}
    raise ValueError(f"unknown fusion method {method!r}")
