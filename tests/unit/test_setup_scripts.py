"""Environment setup finds Python 3.10 for Rasa, or says clearly what to install."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from stack.services import ROOT

FIND = str(ROOT / "scripts" / "find_python310.sh")


def test_python310_is_found_on_this_machine():
    result = subprocess.run([FIND], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")


def test_missing_python310_fails_with_what_to_install(tmp_path: Path):
    # A PATH with only the basic tools: no python3.10, no pyenv.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "cat", "grep", "sort", "env"):
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} not available")
        os.symlink(found, bin_dir / tool)
    result = subprocess.run(["bash", FIND], capture_output=True, text=True, env={"PATH": str(bin_dir)})
    assert result.returncode == 1
    assert "Python 3.10 was not found" in result.stderr and "pyenv install 3.10" in result.stderr


def test_model_name_changes_only_with_training_inputs():
    first = subprocess.run([str(ROOT / "scripts" / "model_path.sh")], capture_output=True, text=True).stdout
    second = subprocess.run([str(ROOT / "scripts" / "model_path.sh")], capture_output=True, text=True).stdout
    assert first == second and first.startswith("models/ocop-")


def test_empty_settings_copied_from_env_example_mean_the_defaults(monkeypatch):
    from knowledge_base.settings import KBSettings
    from stack.launcher import parse_args

    for name in ("OCOP_KB_INDEX_DIR", "OCOP_KB_DOCUMENTS_DIR", "OCOP_GATEWAY_PORT", "OCOP_RASA_PORT", "OCOP_DATA_DIR"):
        monkeypatch.setenv(name, "")
    settings = KBSettings.from_env()
    assert settings.index_dir == ROOT / "var" / "kb_index"
    assert settings.documents_dir == ROOT / "knowledge_base" / "documents"
    args = parse_args(["--model", "models/x.tar.gz"])
    assert (args.gateway_port, args.rasa_port) == (8000, 5005)
