"""Build, persist and load the retrieval index (BM25 + FAISS) with a manifest.

Layout of the index directory (default ``var/kb_index/``)::

    manifest.json   document and question-bank hashes, embedding model, chunking/index parameters, build time
    chunks.jsonl    one chunk per line (ids, text, metadata)
    bm25/           bm25s index over folded tokens
    dense.faiss     FAISS inner-product index over unit vectors
    embedder/       fitted local embedder (LSA); empty for sentence-transformers
    semantic.faiss  with a semantic model set: its vector of each question-bank phrasing (zero for a section:
                    a section's similarity is topical, a phrasing's is a paraphrase of the question)

The index is rebuilt only when the manifest's fingerprint (document hashes + settings + parameters)
differs from the current one. A build is written to a temporary directory and swapped in under an
exclusive file lock (``<index dir>.lock``); readers hold a shared lock while loading, so processes
starting together (action server, gateway) build once and never read half an index.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from knowledge_base import textnorm
from knowledge_base.retrieval import question_bank
from knowledge_base.retrieval.chunks import Chunk, ChunkParams, chunk_documents
from knowledge_base.retrieval.documents import load_documents
from knowledge_base.retrieval.embedders import Embedder, create_embedder, load_embedder
from knowledge_base.retrieval.vector_cache import cached_encode
from knowledge_base.settings import LOCAL_EMBEDDER, KBSettings

# Bump when a code change alters what is stored (chunking, tokens, embedder files): it forces a rebuild.
FORMAT_VERSION = 7


@dataclass(frozen=True)
class IndexParams:
    """Everything that changes the stored index (query-time knobs live in RetrievalParams)."""

    chunking: ChunkParams = field(default_factory=ChunkParams)
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    bm25_bigrams: bool = True
    lsa_dim: int = 256
    heading_weight: int = 3  # times the heading is repeated in the indexed text


def indexed_text(chunk: Chunk, params: IndexParams) -> str:
    return f"{chunk.heading}\n" * params.heading_weight + chunk.text


def bm25_tokens(text: str, bigrams: bool) -> list[str]:
    """Folded, abbreviation-expanded words; syllable bigrams ("ho_so") help a syllabic language."""
    words = textnorm.normalize_folded(text).split()
    if bigrams:
        words = words + [f"{a}_{b}" for a, b in zip(words, words[1:])]
    return words


@dataclass
class LoadedIndex:
    chunks: list[Chunk]
    bm25: object
    faiss_index: object
    embedder: Embedder
    manifest: dict
    params: IndexParams
    semantic_index: object | None = None
    semantic_embedder: Embedder | None = None


def _fingerprint(doc_hashes: dict[str, str], settings: KBSettings, params: IndexParams) -> str:
    payload = json.dumps(
        {
            "v": FORMAT_VERSION,
            "docs": doc_hashes,
            "model": settings.embedding_model,
            "semantic": settings.semantic_model,
            "params": asdict(params),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _document_hashes(settings: KBSettings) -> dict[str, str]:
    """Hashes of every input file: the documents and the question bank."""
    paths = sorted(p for p in settings.documents_dir.glob("*.md") if p.name.lower() != "readme.md")
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} | question_bank.file_hashes(
        settings.question_bank_dir
    )


@contextmanager
def _locked(index_dir: Path, exclusive: bool):
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(index_dir.with_name(index_dir.name + ".lock"), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((Path(index_dir) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_fresh(settings: KBSettings, params: IndexParams) -> bool:
    manifest = read_manifest(settings.index_dir)
    expected = _fingerprint(_document_hashes(settings), settings, params)
    return bool(manifest) and manifest.get("fingerprint") == expected


def build_bm25(chunks: list[Chunk], params: IndexParams, progress: bool = False):
    """The BM25 index of ``chunks`` (also used to measure BM25 parameters on one loaded index)."""
    import bm25s

    bm25 = bm25s.BM25(k1=params.bm25_k1, b=params.bm25_b)
    start_method = multiprocessing.get_start_method(allow_none=True)
    texts = [indexed_text(c, params) for c in chunks]
    bm25.index(
        [bm25_tokens(t, params.bm25_bigrams) for t in tqdm(texts, desc="BM25", disable=not progress)],
        show_progress=False,
    )
    if start_method is None:
        # Indexing fixes the process-wide start method ("fork") as a side effect; the action server, which may
        # build the index while it starts, then could not start Sanic (which asks for "spawn").
        multiprocessing.set_start_method(None, force=True)
    return bm25


def build_in_memory(settings: KBSettings, params: IndexParams = IndexParams(), progress: bool = False) -> LoadedIndex:
    """Parse, chunk and index the documents without touching the disk (also used for tuning)."""
    import faiss

    started = time.perf_counter()
    doc_hashes = _document_hashes(settings)
    docs = load_documents(settings.documents_dir)
    chunks = chunk_documents(docs, params.chunking)
    entries = question_bank.load_entries(settings.question_bank_dir)
    if entries:
        chunks += question_bank.entry_chunks(entries, question_bank.source_sections(docs))
    if not chunks:
        raise ValueError(f"no chunks: no documents with '##' sections in {settings.documents_dir}")
    texts = [indexed_text(c, params) for c in chunks]
    bm25 = build_bm25(chunks, params, progress)
    embedder = create_embedder(settings.embedding_model, params.lsa_dim)
    embedder.fit(texts)
    if settings.embedding_model == LOCAL_EMBEDDER:
        vectors = embedder.encode(texts, progress=progress)
    else:
        vectors = cached_encode(embedder, texts, settings.vector_cache_dir, progress)
    faiss_index = faiss.IndexFlatIP(vectors.shape[1])
    faiss_index.add(vectors)
    semantic_index = semantic_embedder = None
    phrasings = [i for i, c in enumerate(chunks) if c.is_qa]
    if settings.semantic_model and phrasings:
        semantic_embedder = create_embedder(settings.semantic_model)
        encoded = cached_encode(
            semantic_embedder, [chunks[i].heading for i in phrasings], settings.vector_cache_dir, progress
        )
        semantic = np.zeros((len(chunks), encoded.shape[1]), dtype=np.float32)
        semantic[phrasings] = encoded
        semantic_index = faiss.IndexFlatIP(semantic.shape[1])
        semantic_index.add(semantic)
    manifest = {
        "format_version": FORMAT_VERSION,
        "fingerprint": _fingerprint(doc_hashes, settings, params),
        "documents": doc_hashes,
        "document_ids": [d.id for d in docs],
        "embedding_model": settings.embedding_model,
        "embedding_dim": int(vectors.shape[1]),
        "semantic_model": settings.semantic_model if semantic_index is not None else "",
        "params": asdict(params),
        "chunk_count": len(chunks),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "build_seconds": round(time.perf_counter() - started, 3),
    }
    return LoadedIndex(chunks, bm25, faiss_index, embedder, manifest, params, semantic_index, semantic_embedder)


def build_index(settings: KBSettings, params: IndexParams = IndexParams(), progress: bool = True) -> dict:
    """Build the index and write it to ``settings.index_dir``; returns the manifest."""
    with _locked(settings.index_dir, exclusive=True):
        return _build_and_swap(settings, params, progress)


def _build_and_swap(settings: KBSettings, params: IndexParams, progress: bool) -> dict:
    import faiss

    index = build_in_memory(settings, params, progress)
    tmp = Path(tempfile.mkdtemp(prefix=".kb_index-", dir=settings.index_dir.parent))
    try:
        (tmp / "chunks.jsonl").write_text(
            "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in index.chunks), encoding="utf-8"
        )
        index.bm25.save(str(tmp / "bm25"), show_progress=False)
        faiss.write_index(index.faiss_index, str(tmp / "dense.faiss"))
        if index.semantic_index is not None:
            faiss.write_index(index.semantic_index, str(tmp / "semantic.faiss"))
        (tmp / "embedder").mkdir()
        index.embedder.save(tmp / "embedder")
        (tmp / "manifest.json").write_text(json.dumps(index.manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        old = settings.index_dir.with_name(settings.index_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if settings.index_dir.exists():
            settings.index_dir.rename(old)
        tmp.rename(settings.index_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return index.manifest


def ensure_index(settings: KBSettings, params: IndexParams = IndexParams(), progress: bool = False) -> dict:
    """Build the index unless the stored one matches the documents and settings; returns the manifest."""
    if is_fresh(settings, params):
        return read_manifest(settings.index_dir)
    with _locked(settings.index_dir, exclusive=True):
        if is_fresh(settings, params):  # another process built it while we waited
            return read_manifest(settings.index_dir)
        return _build_and_swap(settings, params, progress)


def load_index(settings: KBSettings, params: IndexParams = IndexParams()) -> LoadedIndex:
    import bm25s
    import faiss

    ensure_index(settings, params)
    directory = settings.index_dir
    with _locked(directory, exclusive=False):
        manifest = read_manifest(directory)
        with open(directory / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
        bm25 = bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
        faiss_index = faiss.read_index(str(directory / "dense.faiss"))
        embedder = load_embedder(manifest["embedding_model"], directory / "embedder")
        semantic_index = semantic_embedder = None
        if manifest.get("semantic_model"):
            semantic_index = faiss.read_index(str(directory / "semantic.faiss"))
            semantic_embedder = create_embedder(manifest["semantic_model"])
    return LoadedIndex(chunks, bm25, faiss_index, embedder, manifest, params, semantic_index, semantic_embedder)


def index_size_bytes(index_dir: Path) -> int:
    return sum(p.stat().st_size for p in Path(index_dir).rglob("*") if p.is_file())
