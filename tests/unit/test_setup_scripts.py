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


def _model_name(root: Path) -> str:
    result = subprocess.run([str(root / "scripts" / "model_path.sh")], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_model_name_changes_only_with_training_inputs(tmp_path: Path):
    # A copy of the training inputs (and of one file that is not an input), so the real tree is never edited.
    copy = tmp_path / "repo"
    for rel in ("scripts/model_path.sh", "config.yml", "domain.yml", "README.md"):
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, copy / rel)
    for rel in ("data", "rasa_components", "knowledge_base"):
        shutil.copytree(ROOT / rel, copy / rel, ignore=shutil.ignore_patterns("__pycache__"))
    name = _model_name(copy)
    assert name == _model_name(ROOT) and name.startswith("models/ocop-") and name.endswith(".tar.gz")

    (copy / "README.md").write_text("edited\n")
    (copy / "knowledge_base" / "documents" / "extra.md").write_text("# not a training input\n")
    for rel in ("questions/ho_so.yml", "lexicon.yml", "topics.yml", "criteria/README.md"):
        path = copy / "knowledge_base" / rel
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert _model_name(copy) == name, (
        "documents, the question bank, the lexicon and the criteria do not retrain the model"
    )

    nlu = next((copy / "data").rglob("*.yml"))
    nlu.write_text(nlu.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    changed = _model_name(copy)
    assert changed != name and changed.startswith("models/ocop-")

    (copy / "rasa_components" / "extra.py").write_text("X = 1\n")
    assert _model_name(copy) not in (name, changed), "custom NLU code is an input too"


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
