"""Index build/rebuild and the three back-ends on the fixture corpus."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from knowledge_base.retrieval import BACKENDS, Retriever, get_retriever
from knowledge_base.retrieval.index import IndexParams, build_index, ensure_index, is_fresh, load_index, read_manifest
from knowledge_base.retrieval.policy import chunk_decisions, named_decisions

DOSSIER_NEW = "qd-moi#ho-so-dang-ky-lan-dau-gom-nhung-gi"
DOSSIER_OLD = "qd-cu#ho-so-dang-ky-lan-dau-gom-nhung-gi-theo-quy-dinh-cu"


@pytest.fixture
def index(settings):
    return load_index(settings)


def test_build_writes_manifest_and_is_reused(settings):
    manifest = ensure_index(settings)
    assert manifest["embedding_model"] == "lsa"
    assert set(manifest["documents"]) == {"qd-moi.md", "qd-cu.md", "huong-dan.md"}
    assert manifest["chunk_count"] == 6
    assert (settings.index_dir / "dense.faiss").is_file()
    assert is_fresh(settings, IndexParams())
    assert ensure_index(settings)["built_at"] == manifest["built_at"]  # no rebuild


def test_document_change_triggers_rebuild(settings):
    first = ensure_index(settings)
    path = settings.documents_dir / "qd-moi.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    assert not is_fresh(settings, IndexParams())
    second = ensure_index(settings)
    assert second["fingerprint"] != first["fingerprint"]
    assert read_manifest(settings.index_dir)["fingerprint"] == second["fingerprint"]


def test_forced_build_replaces_the_index(settings):
    ensure_index(settings)
    manifest = build_index(settings, progress=False)
    assert read_manifest(settings.index_dir) == manifest
    assert not list(settings.index_dir.parent.glob(".kb_index-*"))  # temporary build dir removed


def test_concurrent_loads_build_once(settings):
    with ThreadPoolExecutor(max_workers=3) as pool:
        indexes = list(pool.map(lambda _: load_index(settings), range(3)))
    assert len({i.manifest["built_at"] + i.manifest["fingerprint"] for i in indexes}) == 1
    assert all(len(i.chunks) == 6 for i in indexes)


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_find_the_answer(index, backend):
    retriever = Retriever(index, backend)
    assert (
        retriever.search("giấy chứng nhận có giá trị bao lâu", k=1)[0].chunk.id
        == "qd-moi#giay-chung-nhan-co-gia-tri-bao-lau"
    )
    assert retriever.search("mat ong thuoc bo nao", k=1)[0].chunk.id == "qd-moi#mat-ong-rung-thuoc-bo-san-pham-nao"


@pytest.mark.parametrize("backend", BACKENDS)
def test_folded_and_abbreviated_queries_rank_like_clean_ones(index, backend):
    retriever = Retriever(index, backend)
    clean = [h.chunk.id for h in retriever.search("hồ sơ lần đầu gồm những gì", k=3)]
    assert [h.chunk.id for h in retriever.search("ho so lan dau gom nhung gi", k=3)] == clean
    assert [h.chunk.id for h in retriever.search("hs lan dau gom nhung j", k=3)] == clean


def test_current_decision_ranks_above_superseded_unless_named(index):
    retriever = Retriever(index, "hybrid")
    ids = [h.chunk.id for h in retriever.search("hồ sơ đăng ký lần đầu gồm những gì", k=2)]
    assert ids == [DOSSIER_NEW, DOSSIER_OLD]
    named = [h.chunk.id for h in retriever.search("theo QĐ 148 hồ sơ đăng ký lần đầu gồm những gì", k=2)]
    assert named[0] == DOSSIER_OLD
    via_entity = retriever.search("hồ sơ đăng ký lần đầu gồm những gì", k=1, decisions={"148"})
    assert via_entity[0].chunk.id == DOSSIER_OLD


def test_empty_or_symbol_query_returns_nothing(index):
    retriever = Retriever(index, "hybrid")
    assert retriever.search("", k=3) == []
    assert retriever.search("?!? 😀", k=3) == []
    assert retriever.confidence("", []) == 0.0


def test_unknown_backend_is_rejected(index):
    with pytest.raises(ValueError):
        Retriever(index, "sparse")


def test_get_retriever_is_cached_per_backend(kb_env):
    assert get_retriever("hybrid") is get_retriever("hybrid")
    assert get_retriever("bm25").index is get_retriever("hybrid").index


@pytest.mark.parametrize(
    "text, expected",
    [
        ("theo qd 148 thi sao", {"148"}),
        ("QĐ 1048/QĐ-TTg", {"1048"}),
        ("qđ 1489 và 781", {"1489", "781"}),
        ("QĐ 26/2026/QĐ-TTg", {"26/2026"}),
        ("26 bộ sản phẩm, 1480 điểm", set()),
        ("ngày 22/5/2026", set()),
    ],
)
def test_named_decisions(text, expected):
    assert named_decisions(text) == expected


def test_chunk_decisions():
    assert chunk_decisions("QĐ 26/2026/QĐ-TTg") == {"26/2026"}
    assert chunk_decisions("QĐ 148/QĐ-TTg (sửa bởi QĐ 1489/QĐ-TTg)") == {"148", "1489"}


def test_building_the_index_leaves_the_process_start_method_unset(settings):
    """The action server may build the index while it starts; Sanic then sets its own start method."""
    import subprocess
    import sys

    probe = (
        "import multiprocessing\n"
        "from pathlib import Path\n"
        "from knowledge_base.retrieval.index import build_in_memory\n"
        "from knowledge_base.settings import KBSettings\n"
        f"build_in_memory(KBSettings(Path({str(settings.documents_dir)!r}), Path({str(settings.index_dir)!r}), 'lsa'))\n"
        "print(multiprocessing.get_start_method(allow_none=True))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "None"
