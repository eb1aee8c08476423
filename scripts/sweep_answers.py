"""Answer-level sweep of retrieval knobs on the tune split, side by side in one run (no NLU, no dialogue).

    .venvs/app/bin/python scripts/sweep_answers.py

Builds the index once in memory from the current documents and question bank, then answers every tune
question with each variant of RetrievalParams (or of the BM25 parameters, whose BM25 index is rebuilt
beside the same dense index) and prints the correct share overall and by style. The holdout split is
never read here.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import answer_evaluation as ev  # noqa: E402
from knowledge_base.answer import NOT_SURE, answer_question  # noqa: E402
from knowledge_base.retrieval import RetrievalParams, Retriever  # noqa: E402
from knowledge_base.retrieval.index import IndexParams, build_bm25, build_in_memory  # noqa: E402
from knowledge_base.retrieval.lexicon import default_lexicon  # noqa: E402
from knowledge_base.settings import KBSettings  # noqa: E402

BASE = RetrievalParams()
# A variant is RetrievalParams, IndexParams (BM25 rebuilt), or the name of a lexicon change ("no filler", ...).
VARIANTS = {
    "chosen defaults": BASE,
    "no filler removal": "no filler",
    "no lexicon": "no lexicon",
    "no phrasing overlap": replace(BASE, phrasing_weight=0.0),
    "phrasing overlap 1.0": replace(BASE, phrasing_weight=1.0),
    "no kind boost": replace(BASE, kind_boost=1.0),
    "kind boost 1.2": replace(BASE, kind_boost=1.2),
    "no number penalty": replace(BASE, number_mismatch_penalty=1.0),
    "dense weight 0.3": replace(BASE, dense_weight=0.3),
    "dense weight 0.7": replace(BASE, dense_weight=0.7),
    "no special penalty": replace(BASE, special_term_penalty=1.0),
    "special penalty 0.8": replace(BASE, special_term_penalty=0.8),
    "no undecided refusal": replace(BASE, undecided_overlap=0.0),
    "undecided overlap 0.15": replace(BASE, undecided_overlap=0.15),
    "undecided overlap 0.25": replace(BASE, undecided_overlap=0.25),
    "undecided margin 1.03": replace(BASE, undecided_margin=1.03),
    "undecided margin 1.1": replace(BASE, undecided_margin=1.1),
    "bm25 b 0.5": IndexParams(bm25_b=0.5),
    "bm25 b 0.9": IndexParams(bm25_b=0.9),
}


def main() -> int:
    items = [i for i in ev.load_items(ROOT / "tests" / "answers" / "questions.yml") if i.split == "tune"]
    markers = ev.reply_markers(ROOT / "domain.yml", [NOT_SURE])
    index = build_in_memory(KBSettings.from_env())
    print(f"{len(items)} tune questions, {len(index.chunks)} chunks")
    print(
        f"{'variant':<24}{'correct%':>9}{'wrong':>7}{'refused':>8}"
        + "".join(f"{s:>15}" for s in ev.STYLES)
        + f"{'real':>8}"
    )
    for name, params in VARIANTS.items():
        variant = index
        if isinstance(params, IndexParams):
            variant = replace(index, bm25=build_bm25(index.chunks, params), params=params)
        retriever = Retriever(variant, "hybrid", params if isinstance(params, RetrievalParams) else BASE)
        if params == "no filler":
            retriever.lexicon = replace(default_lexicon(), filler=())
        elif params == "no lexicon":
            retriever.lexicon = replace(default_lexicon(), filler=(), groups=())
        results, _ = ev.run(items, lambda q, retriever=retriever: answer_question(q, retriever=retriever).text, markers)
        pairs = [(i, o) for i, o, _ in results]
        rows = ev.table(pairs, lambda i: i.style)
        print(
            f"{name:<24}{100 * ev.share(rows['all']):>8.1f}%{rows['all']['wrong']:>7}{rows['all']['refused']:>8}"
            + "".join(f"{100 * ev.share(rows.get(s, ev.Counter())):>14.1f}%" for s in ev.STYLES)
            + f"{100 * ev.share(ev.table(pairs, lambda i: str(i.real)).get('True', ev.Counter())):>7.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
