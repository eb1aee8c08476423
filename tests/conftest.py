"""Shared pytest fixtures: paths of the environments and of the trained Rasa model."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = ROOT / ".venvs" / "rasa" / "bin"


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model `make train` produced for the current config, domain and data."""
    relative = subprocess.run(
        [str(ROOT / "scripts" / "model_path.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    path = ROOT / relative
    if not path.exists():
        pytest.fail(f"{relative} is missing: run `make train` (or `make test`, which trains first)")
    return path
