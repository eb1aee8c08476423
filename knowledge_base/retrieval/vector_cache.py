"""Pretrained passage vectors kept by content hash, so an index rebuild encodes only new passages.

One file per model under the cache directory (default ``var/embed_cache/``): ``<model>.npz`` with the
SHA-256 of each passage text (``keys``) and its vector (``vectors``), the last build's passages first, at
most ``MAX_VECTORS`` of them (so several corpora, such as a test corpus and the real one, share one cache).
Writes are atomic; two builds writing at once lose at most some entries, never the file. A fitted embedder
(LSA) is never cached: its vectors change whenever the corpus does.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import numpy as np

MAX_VECTORS = 50_000


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_file(directory: Path, model: str) -> Path:
    return Path(directory) / (re.sub(r"[^A-Za-z0-9_.-]+", "_", model).strip("._") + ".npz")


def _read(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as stored:
            return dict(zip(stored["keys"].tolist(), stored["vectors"]))
    except (OSError, ValueError, KeyError):
        return {}  # missing or unreadable: encode everything again


def cached_encode(embedder, texts: list[str], directory: Path, progress: bool = False) -> np.ndarray:
    """``embedder.encode(texts)``, reading known passages from the cache and adding the new ones to it."""
    if not texts:
        return embedder.encode([])
    path = cache_file(directory, embedder.name)
    known = _read(path)
    keys = [_key(t) for t in texts]
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        text_of = dict(zip(keys, texts))
        known.update(zip(missing, embedder.encode([text_of[k] for k in missing], progress=progress)))
        recent = {k: known[k] for k in dict.fromkeys(keys)}
        _write(path, dict(list((recent | known).items())[:MAX_VECTORS]))
    return np.vstack([known[k] for k in keys]).astype(np.float32)


def _write(path: Path, vectors: dict[str, np.ndarray]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=".cache-", suffix=".npz", dir=path.parent)
    os.close(handle)
    try:
        np.savez(tmp, keys=np.array(list(vectors)), vectors=np.vstack(list(vectors.values())))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
