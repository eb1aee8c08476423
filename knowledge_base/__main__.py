"""Command line for the knowledge base.

python -m knowledge_base build [--force]
python -m knowledge_base inspect
python -m knowledge_base ask "hồ sơ gồm những gì" [--backend bm25|dense|hybrid] [-k 5]
python -m knowledge_base answer "hồ sơ gồm những gì" [--intent ...] [--max-chars 2000]
python -m knowledge_base eval [--gold tests/retrieval/gold.yml] [--misses]
python -m knowledge_base calibrate [--target 0.9]   # confidence threshold for the current embedder
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections import Counter
from pathlib import Path

from knowledge_base.settings import KBSettings


def _build(args, settings: KBSettings) -> int:
    from knowledge_base.retrieval.index import IndexParams, build_index, ensure_index, is_fresh

    if not args.force and is_fresh(settings, IndexParams()):
        print(f"Index is up to date: {settings.index_dir}")
        return 0
    manifest = (build_index if args.force else ensure_index)(settings, IndexParams(), progress=True)
    print(
        f"Built {manifest['chunk_count']} chunks from {len(manifest['documents'])} documents "
        f"in {manifest['build_seconds']} s -> {settings.index_dir}"
    )
    return 0


def _inspect(args, settings: KBSettings) -> int:
    from knowledge_base.retrieval import get_retriever
    from knowledge_base.retrieval.index import index_size_bytes

    retriever = get_retriever("hybrid", settings)
    manifest = retriever.index.manifest
    print(
        f"Index: {settings.index_dir} ({index_size_bytes(settings.index_dir) / 1024:.0f} KiB), "
        f"built {manifest['built_at']} in {manifest['build_seconds']} s"
    )
    print(f"Embedding model: {manifest['embedding_model']} (dim {manifest['embedding_dim']})")
    print(f"Parameters: {manifest['params']}")
    per_doc = Counter(c.doc_id for c in retriever.index.chunks)
    topics = Counter(t for c in retriever.index.chunks for t in c.topics)
    print(f"{manifest['chunk_count']} chunks:")
    for doc_id, count in per_doc.items():
        print(f"  {doc_id}: {count}")
    print("Topics: " + ", ".join(f"{t} {n}" for t, n in topics.most_common()))
    return 0


def _ask(args, settings: KBSettings) -> int:
    from knowledge_base.retrieval import get_retriever

    retriever = get_retriever(args.backend, settings)
    hits = retriever.search(args.question, k=args.k)
    print(f"[{args.backend}] confidence {retriever.confidence(args.question, hits):.3f}")
    for rank, hit in enumerate(hits, start=1):
        chunk = hit.chunk
        status = "" if chunk.validity == "current" else f" [{chunk.validity}]"
        print(f"\n{rank}. {hit.score:.4f}  {chunk.id}{status}")
        print(f"   {chunk.heading}")
        print(f"   {chunk.citation()}")
        print(textwrap.indent(textwrap.shorten(chunk.text, 300, placeholder=" …"), "   "))
    return 0


def _answer(args, settings: KBSettings) -> int:
    from knowledge_base.answer import answer_question

    answer = answer_question(args.question, intent=args.intent, max_chars=args.max_chars)
    print(answer.text)
    print(
        f"\n[confident={answer.confident}] buttons: "
        + ", ".join(f"{b['title']} ({b['payload']})" for b in answer.buttons)
    )
    return 0


def _eval(args, settings: KBSettings) -> int:
    from knowledge_base.answer import confidence_threshold
    from knowledge_base.retrieval import BACKENDS, get_retriever
    from knowledge_base.retrieval.evaluation import evaluate, format_table, load_gold, unknown_ids

    gold = load_gold(Path(args.gold))
    unknown = unknown_ids(gold, get_retriever("hybrid", settings))
    if unknown:
        print("Gold ids not in the index: " + ", ".join(sorted(unknown)), file=sys.stderr)
    reports = [evaluate(get_retriever(b, settings), gold, confidence_threshold()) for b in BACKENDS]
    print(format_table(reports, gold))
    if args.misses:
        for report in reports:
            print(f"\n{report.backend}: {len(report.misses)} questions without an answer in the top 3")
            for question, ids, top in report.misses:
                print(f"  - {question}\n      want {list(ids)}\n      got  {top}")
    return 1 if unknown else 0


def _calibrate(args, settings: KBSettings) -> int:
    from knowledge_base.answer import confidence_threshold
    from knowledge_base.retrieval import get_retriever
    from knowledge_base.retrieval.evaluation import confidences, load_gold, suggest_threshold

    in_scope, out_scope = confidences(get_retriever("hybrid", settings), load_gold(Path(args.gold)))
    print("| threshold | out-of-scope refused | in-scope refused |\n|---|---|---|")
    for step in range(30, 56, 2):
        threshold = step / 100
        print(
            f"| {threshold:.2f} | {sum(c < threshold for c in out_scope) / len(out_scope):.3f} "
            f"| {sum(c < threshold for c in in_scope) / len(in_scope):.3f} |"
        )
    suggested = suggest_threshold(in_scope, out_scope, args.target)
    print(
        f"\nSuggested threshold (refuses >= {args.target:.0%} of out-of-scope questions): {suggested:.2f}; "
        f"in use: {confidence_threshold():.2f} (set OCOP_KB_MIN_CONFIDENCE to change it)"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    from knowledge_base.retrieval import BACKENDS
    from knowledge_base.retrieval.evaluation import GOLD_PATH

    parser = argparse.ArgumentParser(prog="python -m knowledge_base", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the index if documents or settings changed")
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    sub.add_parser("inspect", help="show the index manifest and chunk counts")
    ask = sub.add_parser("ask", help="print ranked chunks with citations and scores")
    ask.add_argument("question")
    ask.add_argument("--backend", choices=BACKENDS, default="hybrid")
    ask.add_argument("-k", type=int, default=5)
    answer = sub.add_parser("answer", help="print the composed answer the bot would send")
    answer.add_argument("question")
    answer.add_argument("--intent")
    answer.add_argument("--max-chars", type=int)
    evaluate = sub.add_parser("eval", help="recall@1/3/5, MRR and refusals on the gold set")
    evaluate.add_argument("--gold", default=str(GOLD_PATH))
    evaluate.add_argument("--misses", action="store_true", help="list questions missed in the top 3")
    calibrate = sub.add_parser("calibrate", help="confidence threshold curve on the gold set")
    calibrate.add_argument("--gold", default=str(GOLD_PATH))
    calibrate.add_argument("--target", type=float, default=0.9, help="share of out-of-scope questions to refuse")
    args = parser.parse_args(argv)
    handler = {
        "build": _build,
        "inspect": _inspect,
        "ask": _ask,
        "answer": _answer,
        "eval": _eval,
        "calibrate": _calibrate,
    }[args.command]
    return handler(args, KBSettings.from_env())


if __name__ == "__main__":
    sys.exit(main())
