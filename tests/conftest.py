"""Shared pytest fixtures: paths of the environments and of the trained Rasa model.

Every test that asks for ``model_path`` gets the ``rasa_model`` marker, so `make test-python` (which deselects it)
runs on a fresh `make install` without a trained model.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = ROOT / ".venvs" / "rasa" / "bin"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "model_path" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.rasa_model)


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
