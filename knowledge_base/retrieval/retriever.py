"""The search interface: ``Retriever.search(query, k)`` -> ranked ``Hit`` list.

One retriever per back-end (``bm25``, ``dense``, ``hybrid``) shares one loaded index. ``get_retriever``
caches both per process, so the action server pays the load once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from knowledge_base import outside_subjects, textnorm
from knowledge_base.question_kind import kind_of
from knowledge_base.retrieval import policy
from knowledge_base.retrieval.backends import BACKENDS, blend, bm25_scores, dense_scores, fuse, semantic_scores
from knowledge_base.retrieval.chunks import Chunk
from knowledge_base.retrieval.confidence import TermStats, entry_phrasings, entry_texts
from knowledge_base.retrieval.index import IndexParams, LoadedIndex, load_index
from knowledge_base.retrieval.lexicon import Lexicon, default_lexicon
from knowledge_base.settings import KBSettings


@dataclass(frozen=True)
class RetrievalParams:
    """Query-time knobs (chosen by measurement on the gold set, see docs/benchmarks.md)."""

    depth: int = 50
    fusion: str = "score"
    rrf_k: int = 60
    dense_weight: float = 0.5
    # Share of the semantic model's signal (question-bank phrasings only) in the hybrid, for a query typed
    # with diacritics (index with one), when no phrasing among the ``semantic_pool`` best candidates shares the query's words; it falls to zero
    # as the closest of them shares ``semantic_overlap`` of them (Jaccard): words typed like a phrasing are
    # trusted, the model fills in for a paraphrase (see ``Retriever.semantic_share``).
    semantic_weight: float = 0.35
    semantic_overlap: float = 0.6
    semantic_pool: int = 10
    superseded_penalty: float = 0.8
    named_decision_boost: float = 1.3
    special_case_penalty: float = 0.85
    kind_boost: float = 1.1
    number_mismatch_penalty: float = 0.8
    phrasing_weight: float = 0.5
    special_term_penalty: float = 0.65
    # A candidate that does not name a subject outside the decisions the query names ("thuế", "VietGAP").
    outside_subject_penalty: float = 0.5
    # A bank entry wins undecided when its closest phrasing shares less than this share (Jaccard) of the
    # query's words and the runner-up scores within ``undecided_margin`` of it (see ``Retriever.decided``).
    undecided_overlap: float = 0.2
    undecided_margin: float = 1.06


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float


class Retriever:
    def __init__(self, index: LoadedIndex, backend: str = "hybrid", params: RetrievalParams = RetrievalParams()):
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        self.index = index
        self.backend = backend
        self.params = params
        # Every phrasing of each question-bank entry, by section id (the answer reads the entry's wording).
        self.entry_phrasings = entry_phrasings(index.chunks)
        texts = entry_texts(index.chunks, self.entry_phrasings)
        self._terms = TermStats(index.chunks, texts)
        self._outside = [outside_subjects.named(texts[c.id]) for c in index.chunks]
        self._positions = {c.id: i for i, c in enumerate(index.chunks)}
        self._vectors: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()
        self.lexicon = default_lexicon()

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon

    @lexicon.setter
    def lexicon(self, lexicon: Lexicon) -> None:
        """The lexicon searched with; the headings' special cases are read with it."""
        self._lexicon = lexicon
        self._headings = [policy.Heading.of(c, lexicon, self._outside[i]) for i, c in enumerate(self.index.chunks)]
        self._phrasings = {
            section: [self._content_words(p) for p in phrasings] for section, phrasings in self.entry_phrasings.items()
        }
        self._heading_words = [self._content_words(c.heading) for c in self.index.chunks]

    def _content_words(self, text: str) -> frozenset[str]:
        return frozenset(textnorm.normalize_folded(self.lexicon.strip_filler(text)).split())

    def _raw_scores(self, query: str, semantic: bool = True) -> dict[int, float]:
        """Candidates of the back-end for the query with the lexicon's terms added."""
        depth, expanded = self.params.depth, self.lexicon.expand(query)
        if self.backend == "bm25":
            return bm25_scores(self.index, expanded, depth)
        if self.backend == "dense":
            return dense_scores(self.index, self._query_vector(expanded), depth)
        lexical = bm25_scores(self.index, expanded, depth)
        dense = dense_scores(self.index, self._query_vector(expanded), depth)
        fused = fuse(lexical, dense, self.params.fusion, self.params.rrf_k, self.params.dense_weight)
        share = self.semantic_share(query, fused) if semantic else 0.0
        if not share:
            return fused
        semantic = semantic_scores(self.index, self.index.semantic_embedder.encode_query(query), depth)
        return blend(fused, semantic, share)

    def semantic_share(self, query: str, fused: dict[int, float]) -> float:
        """The semantic model's share for ``query`` over the fused candidates (0 without a model, for text
        typed without diacritics, or when a phrasing among the best candidates has the words of the query or
        of one of its article-title parts)."""
        if not self.has_semantic or not _has_diacritics(query):
            return 0.0
        pool = sorted(fused, key=fused.get, reverse=True)[: self.params.semantic_pool]
        best = [self._heading_words[i] for i in pool if self.index.chunks[i].is_qa]
        overlap = max(
            (
                len(words & p) / len(words | p)
                for words in map(self._content_words, [query, *headline_parts(query)])
                for p in best
                if words | p
            ),
            default=0.0,
        )
        return self.params.semantic_weight * max(0.0, 1 - overlap / self.params.semantic_overlap)

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last few are cached (search and confidence both need it)."""
        with self._cache_lock:
            vector = self._vectors.get(query)
        if vector is None:
            vector = self.index.embedder.encode_query(query)
            with self._cache_lock:
                if len(self._vectors) >= 64:
                    self._vectors.pop(next(iter(self._vectors)))
                self._vectors[query] = vector
        return vector

    @property
    def has_semantic(self) -> bool:
        return self.index.semantic_index is not None and bool(self.params.semantic_weight)

    def search(self, query: str, k: int = 5, decisions: set[str] | None = None, semantic: bool = True) -> list[Hit]:
        """Top ``k`` chunks for ``query``; ``decisions`` adds decisions named outside the text (entities);
        ``semantic`` False leaves the semantic signal out."""
        if not textnorm.normalize_folded(query).strip():
            return []
        chunks = self.index.chunks
        wanted = policy.Query.of(
            query,
            policy.named_decisions(query) | set(decisions or ()),
            kind_of(query),
            self.lexicon,
        )
        scored = [
            (policy.adjust(s, chunks[i], self._headings[i], wanted, self.params), i)
            for i, s in self._raw_scores(query, semantic).items()
        ]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        hits, sections = [], set()
        for score, i in scored:  # one hit per section: its best-scoring window
            if chunks[i].section_id not in sections and len(hits) < k:
                sections.add(chunks[i].section_id)
                hits.append(Hit(chunks[i], round(score, 6)))
        return hits

    def confidence(self, query: str, hits: list[Hit]) -> float:
        """How sure we are that the best hit answers ``query``, in [0, 1] (see docs/benchmarks.md)."""
        if not hits:
            return 0.0
        best = hits[0].chunk.id
        stored = self.index.faiss_index.reconstruct(self._positions[best])
        # Measured on the words typed, on the decisions' terms put in place of the lexicon's phrases, and, when
        # the query has some, on the words without the lexicon's filler ("cho em hỏi", a province): the best.
        stripped = self.lexicon.strip_filler(query)
        variants = [query, self.lexicon.rewrite(query)] + ([stripped] if stripped != textnorm.normalize(query) else [])
        # An article title's part counts when, searched alone, it finds the same entry (the part naming the subject).
        variants += [part for part in headline_parts(query) if _same_entry(self.search(part, k=1), hits)]
        return max(
            self._terms.confidence(q, best, float(np.dot(self._query_vector(q), stored)))
            for q in dict.fromkeys(variants)
        )

    def decided(self, query: str, hits: list[Hit]) -> bool:
        """False when a bank entry won without being asked: none of its phrasings shares
        ``undecided_overlap`` of the query's words and the next section scores almost as high, so the
        words the query shares with it are generic ones ("sản phẩm OCOP") and the reply would guess. False also
        when the query names a subject outside the decisions ("thuế") that the best hit never names."""
        if hits and outside_subjects.named(query) - self._outside[self._positions[hits[0].chunk.id]]:
            return False
        if len(hits) < 2 or not hits[0].chunk.is_qa:
            return True
        words = self._content_words(query)
        overlap = max(
            (len(words & p) / len(words | p) for p in self._phrasings.get(hits[0].chunk.section_id, ()) if words | p),
            default=0.0,
        )
        return overlap >= self.params.undecided_overlap or hits[0].score >= self.params.undecided_margin * hits[1].score


_lock = threading.Lock()
_indexes: dict[KBSettings, LoadedIndex] = {}
_retrievers: dict[tuple[KBSettings, str], Retriever] = {}


def get_retriever(backend: str = "hybrid", settings: KBSettings | None = None) -> Retriever:
    """The process-wide retriever for ``backend`` (index built if stale, loaded once)."""
    settings = settings or KBSettings.from_env()
    with _lock:
        if (settings, backend) not in _retrievers:
            if settings not in _indexes:
                _indexes[settings] = load_index(settings, IndexParams())
            _retrievers[(settings, backend)] = Retriever(_indexes[settings], backend)
        return _retrievers[(settings, backend)]


def clear_cache() -> None:
    """Forget loaded indexes (after a rebuild, or between tests)."""
    with _lock:
        _indexes.clear()
        _retrievers.clear()


def _has_diacritics(text: str) -> bool:
    """Whether any letter was typed with a Vietnamese diacritic ("hồ sơ" yes, "ho so" no): a pretrained
    model reads only such text well."""
    return textnorm.fold(text) != text.lower()


_HEADLINE_BREAK = re.compile(r"\s*[:–—]\s+|\s+-\s+|\s*\((?:bài|kỳ|phần)\s*\d+\)\s*", re.IGNORECASE)


def headline_parts(query: str) -> list[str]:
    """An article title's parts ("Giữ hạng sao: tạo sự khác biệt từ câu chuyện sản phẩm (Bài 2)"): the series
    marker dropped and each part of three words or more on its own, so the part that names the subject counts."""
    parts = [part for part in _HEADLINE_BREAK.split(query) if len(part.split()) >= 3]
    return parts if len(parts) > 1 or (parts and parts[0] != query.strip()) else []


def _same_entry(found: list[Hit], hits: list[Hit]) -> bool:
    return bool(found) and found[0].chunk.section_id == hits[0].chunk.section_id
