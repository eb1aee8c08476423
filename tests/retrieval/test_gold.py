"""Retrieval quality on the gold set must not fall below the recorded floors (docs/benchmarks.md).

Runs on the real documents with the offline default embedder (LSA), in a private index directory. The gold
set names document sections, so this index holds the sections alone (no question bank): it measures the
section layer; replies as a whole are measured by tests/e2e/test_answer_quality.py.
"""

import pytest

from knowledge_base import textnorm
from knowledge_base.answer import CONFIDENCE_THRESHOLD
from knowledge_base.retrieval import BACKENDS, Retriever
from knowledge_base.retrieval.evaluation import GoldQuestion, evaluate, is_informal, load_gold, unknown_ids
from knowledge_base.retrieval.index import load_index
from knowledge_base.settings import LOCAL_EMBEDDER, KBSettings

# Floors, set a little below the measured figures so that new documents do not break the build by noise.
FLOORS = {
    "bm25": {"recall@1": 0.72, "recall@3": 0.88, "recall@5": 0.92, "mrr": 0.80},
    "dense": {"recall@1": 0.71, "recall@3": 0.87, "recall@5": 0.92, "mrr": 0.80},
    "hybrid": {"recall@1": 0.74, "recall@3": 0.90, "recall@5": 0.94, "mrr": 0.82},
}
MIN_OUT_OF_SCOPE_REFUSED = 0.80
MAX_IN_SCOPE_REFUSED = 0.10

GOLD = load_gold()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    defaults = KBSettings.from_env()
    directory = tmp_path_factory.mktemp("gold")
    settings = KBSettings(
        documents_dir=defaults.documents_dir,
        index_dir=directory / "index",
        embedding_model=LOCAL_EMBEDDER,
        questions_dir=directory / "no-question-bank",
    )
    return load_index(settings)


def test_gold_set_shape():
    in_scope = [g for g in GOLD if not g.out_of_scope]
    assert len(GOLD) >= 150
    assert sum(g.out_of_scope for g in GOLD) >= 15
    assert sum(is_informal(g.question) for g in GOLD) >= len(GOLD) / 3
    assert all(g.ids for g in in_scope)
    assert len({g.question for g in GOLD}) == len(GOLD), "duplicate questions"


def test_gold_ids_exist(index):
    assert unknown_ids(GOLD, Retriever(index, "hybrid")) == set()


@pytest.mark.parametrize("backend", BACKENDS)
def test_floors(index, backend):
    report = evaluate(Retriever(index, backend), GOLD, CONFIDENCE_THRESHOLD)
    measured = {
        "recall@1": report.recall[1],
        "recall@3": report.recall[3],
        "recall@5": report.recall[5],
        "mrr": report.mrr,
    }
    for metric, floor in FLOORS[backend].items():
        assert measured[metric] >= floor, f"{backend} {metric} {measured[metric]:.3f} < floor {floor}"
    if backend == "hybrid":  # the back-end answer_question uses
        assert report.refused >= MIN_OUT_OF_SCOPE_REFUSED
        assert report.false_refusals <= MAX_IN_SCOPE_REFUSED


def test_questions_without_diacritics_retrieve_like_clean_ones(index):
    """Every clean in-scope question, folded ("hồ sơ" -> "ho so"), must find the same top 3."""
    retriever = Retriever(index, "hybrid")
    clean = [g for g in GOLD if not g.out_of_scope and not is_informal(g.question)]
    folded = [GoldQuestion(textnorm.fold(g.question), g.ids) for g in clean]
    as_typed = evaluate(retriever, clean, CONFIDENCE_THRESHOLD)
    without_marks = evaluate(retriever, folded, CONFIDENCE_THRESHOLD)
    assert without_marks.recall[3] >= as_typed.recall[3] - 0.02
