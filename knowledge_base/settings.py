"""Knowledge-base settings read from the environment (with offline-safe defaults).

Relative paths are resolved against the repository root so that the CLI, the action server and the
tests agree on where documents and the index live whatever their working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# The local embedder fitted on the corpus itself: no model download, ever.
LOCAL_EMBEDDER = "lsa"


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def _optional_path(value: str) -> Path | None:
    return _path(value.strip()) if value.strip() else None


@dataclass(frozen=True)
class KBSettings:
    """Where the documents, the question bank and the index are, and which embedder builds the dense index.

    The question bank defaults to the ``questions`` folder beside the documents, so a test corpus in a
    temporary folder has no bank unless it makes one.
    """

    documents_dir: Path
    index_dir: Path
    embedding_model: str
    questions_dir: Path | None = None

    @property
    def question_bank_dir(self) -> Path:
        return self.questions_dir or self.documents_dir.parent / "questions"

    @classmethod
    def from_env(cls) -> KBSettings:
        return cls(
            # An empty value (as copied from .env.example) means the default, not the current directory.
            documents_dir=_path(os.environ.get("OCOP_KB_DOCUMENTS_DIR", "").strip() or "knowledge_base/documents"),
            index_dir=_path(os.environ.get("OCOP_KB_INDEX_DIR", "").strip() or "var/kb_index"),
            embedding_model=os.environ.get("OCOP_EMBEDDING_MODEL", "").strip() or LOCAL_EMBEDDER,
            questions_dir=_optional_path(os.environ.get("OCOP_KB_QUESTIONS_DIR", "")),
        )


def assist_api_key() -> str:
    """API key protecting the hotline assistant; empty means no key is required."""
    return os.environ.get("OCOP_ASSIST_API_KEY", "").strip()
