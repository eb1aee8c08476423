"""`make clean` deletes only build outputs; `make clean-state` deletes var/ only after an explicit yes."""

import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from stack.services import ROOT

STATE = ("zalo_tokens.json", "tracker.db", "messages.jsonl", "message_log.key", "logs/gateway.log")
BUILD = ("models/ocop-0123.tar.gz", "results/nlu.json", "var/kb_index/manifest.json", "var/kb_index.e5-cache.npz")

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A directory with the project's Makefile, build outputs and state files (the real tree is never touched)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for rel in BUILD + tuple(f"var/{name}" for name in STATE):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    return tmp_path


def _make(checkout: Path, *args: str, answer: bytes | None = None) -> subprocess.CompletedProcess:
    """Run make in the copy; with ``answer``, stdin is a terminal that types it."""
    if answer is None:
        return subprocess.run(
            ["make", "-s", *args], cwd=checkout, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
        )
    leader, terminal = pty.openpty()
    try:
        os.write(leader, answer)
        return subprocess.run(
            ["make", "-s", *args], cwd=checkout, stdin=terminal, capture_output=True, text=True, timeout=60
        )
    finally:
        os.close(leader)
        os.close(terminal)


def _state_kept(checkout: Path) -> bool:
    return all((checkout / "var" / name).exists() for name in STATE)


def test_clean_removes_build_outputs_and_keeps_state(checkout: Path):
    result = _make(checkout, "clean")
    assert result.returncode == 0, result.stderr
    assert not any((checkout / rel).exists() for rel in BUILD)
    assert _state_kept(checkout)


def test_clean_state_without_a_terminal_refuses_and_says_how(checkout: Path):
    result = _make(checkout, "clean-state")
    assert result.returncode != 0
    assert "CONFIRM=yes" in result.stderr and "Nothing deleted" in result.stderr
    assert _state_kept(checkout)


def test_clean_state_keeps_var_unless_the_operator_types_yes(checkout: Path):
    refused = _make(checkout, "clean-state", answer=b"y\n")
    assert refused.returncode != 0 and "Nothing deleted" in refused.stdout
    assert _state_kept(checkout)
    confirmed = _make(checkout, "clean-state", answer=b"yes\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert not (checkout / "var").exists()
    assert (checkout / "models").exists()  # clean-state is only about state


def test_clean_state_with_confirm_yes_runs_unattended(checkout: Path):
    result = _make(checkout, "clean-state", "CONFIRM=yes")
    assert result.returncode == 0, result.stderr
    assert not (checkout / "var").exists()
