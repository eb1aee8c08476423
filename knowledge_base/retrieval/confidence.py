"""Answer confidence: does the best chunk actually contain what the question is about?

The score is the mean of three signals measured against the best chunk (chosen on the gold set's
out-of-scope questions, see docs/benchmarks.md):

- word share: IDF-weighted share of the query's words found in the chunk. A word typed with diacritics
  must match with its diacritics ("sổ đỏ" does not match "số ... do"); a word typed without them is
  compared folded. A word the corpus has never seen weighs the most.
- bigram share: share of the query's folded word pairs ("ho_so", "het_han") found in the chunk;
  out-of-scope questions share single words with the corpus far more often than pairs.
- dense cosine between query and chunk.

A question-bank chunk is measured against its whole entry: all its phrasings and its answer.
"""

from __future__ import annotations

import math
from collections import Counter

from knowledge_base import textnorm


def _bigrams(words: list[str]) -> set[str]:
    return {f"{a}_{b}" for a, b in zip(words, words[1:])}


def entry_phrasings(chunks) -> dict[str, tuple[str, ...]]:
    """Every phrasing of each question-bank entry, by its section id (one chunk per phrasing)."""
    phrasings: dict[str, list[str]] = {}
    for chunk in chunks:
        if chunk.is_qa:
            phrasings.setdefault(chunk.section_id, []).append(chunk.heading)
    return {section: tuple(p) for section, p in phrasings.items()}


def entry_texts(chunks, phrasings: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """The text each chunk's signals are measured against; a question-bank chunk stands for its whole
    entry, so every phrasing of the entry (and its answer) counts."""
    phrasings = entry_phrasings(chunks) if phrasings is None else phrasings
    return {
        chunk.id: "\n".join(phrasings[chunk.section_id] + (chunk.text,)) if chunk.is_qa else chunk.index_text()
        for chunk in chunks
    }


class TermStats:
    def __init__(self, chunks, texts: dict[str, str]):
        """``texts``: ``entry_texts(chunks)``, which the retriever reads for other signals too."""
        self._folded: dict[str, set[str]] = {}
        self._accented: dict[str, set[str]] = {}
        self._pairs: dict[str, set[str]] = {}
        for chunk in chunks:
            words = textnorm.normalize(texts[chunk.id]).split()
            folded = [textnorm.fold(w) for w in words]
            self._accented[chunk.id] = set(words)
            self._folded[chunk.id] = set(folded)
            self._pairs[chunk.id] = _bigrams(folded)
        self._df = Counter(w for words in self._folded.values() for w in words)
        self._n = len(chunks)

    def _idf(self, folded_word: str) -> float:
        return math.log((self._n + 1) / (self._df.get(folded_word, 0) + 0.5))

    def word_share(self, query: str, chunk_id: str) -> float:
        words = set(textnorm.normalize(query).split())
        accented, folded = self._accented.get(chunk_id, set()), self._folded.get(chunk_id, set())
        total = matched = 0.0
        for word in words:
            bare = textnorm.fold(word)
            weight = self._idf(bare)
            total += weight
            if (word in accented) if word != bare else (bare in folded):
                matched += weight
        return matched / total if total > 0 else 0.0

    def bigram_share(self, query: str, chunk_id: str) -> float:
        pairs = _bigrams(textnorm.normalize_folded(query).split())
        if not pairs:  # a one-word question: fall back to the word itself
            return self.word_share(query, chunk_id)
        return len(pairs & self._pairs.get(chunk_id, set())) / len(pairs)

    def confidence(self, query: str, chunk_id: str, cosine: float) -> float:
        return (self.word_share(query, chunk_id) + self.bigram_share(query, chunk_id) + max(cosine, 0.0)) / 3
