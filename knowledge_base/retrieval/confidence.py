"""Answer confidence: does the best chunk actually contain what the question is about?

``matched_share`` is the IDF-weighted share of the query's folded words found in the chunk; a word the
corpus has never seen weighs the most, so "giá vàng hôm nay" or "làm sổ đỏ" score low even when BM25
still returns something. The threshold on it is calibrated on the gold set's out-of-scope questions.
"""

from __future__ import annotations

import math
from collections import Counter

from knowledge_base import textnorm


def _words(text: str) -> set[str]:
    return set(textnorm.normalize_folded(text).split())


class TermStats:
    def __init__(self, chunks):
        self._chunk_words = {c.id: _words(c.index_text()) for c in chunks}
        self._df = Counter(w for words in self._chunk_words.values() for w in words)
        self._n = len(chunks)

    def idf(self, word: str) -> float:
        return math.log((self._n + 1) / (self._df.get(word, 0) + 0.5))

    def matched_share(self, query: str, chunk_id: str) -> float:
        words = _words(query)
        total = sum(self.idf(w) for w in words)
        if total <= 0:
            return 0.0
        chunk_words = self._chunk_words.get(chunk_id, set())
        return sum(self.idf(w) for w in words if w in chunk_words) / total
