"""Fixtures: a small document set and a throw-away index directory per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge_base.retrieval import clear_cache
from knowledge_base.settings import LOCAL_EMBEDDER, KBSettings

FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "documents"


@pytest.fixture
def docs_dir(tmp_path) -> Path:
    """A writable copy of the fixture documents (tests may edit it)."""
    target = tmp_path / "documents"
    shutil.copytree(FIXTURE_DOCS, target)
    return target


@pytest.fixture
def settings(docs_dir, tmp_path) -> KBSettings:
    return KBSettings(documents_dir=docs_dir, index_dir=tmp_path / "kb_index", embedding_model=LOCAL_EMBEDDER)


@pytest.fixture
def kb_env(settings, monkeypatch) -> KBSettings:
    """Point the process-wide retriever (used by answer_question) at the fixture corpus."""
    monkeypatch.setenv("OCOP_KB_DOCUMENTS_DIR", str(settings.documents_dir))
    monkeypatch.setenv("OCOP_KB_INDEX_DIR", str(settings.index_dir))
    monkeypatch.delenv("OCOP_EMBEDDING_MODEL", raising=False)
    clear_cache()
    yield settings
    clear_cache()
