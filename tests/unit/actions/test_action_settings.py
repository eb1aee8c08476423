"""The action server reads its settings from `.env` like the gateway: real environment first, empty means default."""

from __future__ import annotations

import pytest

from actions.self_assessment import full_sheet_link
from knowledge_base.answer import CONFIDENCE_THRESHOLD, confidence_threshold
from knowledge_base.hotline import _defaults, hotline
from knowledge_base.settings import ENV_FILE, REPO_ROOT, KBSettings, KnowledgeSettings

VARIABLES = (
    "OCOP_PUBLIC_BASE_URL",
    "OCOP_HOTLINE_NAME",
    "OCOP_HOTLINE_PHONE",
    "OCOP_KB_MIN_CONFIDENCE",
    "OCOP_KB_INDEX_DIR",
    "OCOP_KB_DOCUMENTS_DIR",
    "OCOP_ASSIST_API_KEY",
)


@pytest.fixture
def dotenv(tmp_path, monkeypatch):
    """A `.env` file the action server's settings read instead of the repository's; no variable in the environment."""
    path = tmp_path / ".env"
    monkeypatch.setitem(KnowledgeSettings.model_config, "env_file", path)
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return path


def test_the_action_server_reads_the_repository_dotenv():
    assert KnowledgeSettings.model_config["env_file"] == ENV_FILE == REPO_ROOT / ".env"


def test_values_in_dotenv_reach_the_actions(dotenv):
    dotenv.write_text(
        "OCOP_PUBLIC_BASE_URL=https://ocop.example.vn/\n"
        'OCOP_HOTLINE_NAME="Văn phòng OCOP tỉnh"\n'
        "OCOP_KB_MIN_CONFIDENCE=0.9\n"
        "OCOP_KB_INDEX_DIR=var/other_index\n",
        encoding="utf-8",
    )
    assert full_sheet_link(3) == "https://ocop.example.vn/tu-danh-gia?bo=3"
    assert hotline().name == "Văn phòng OCOP tỉnh"
    assert confidence_threshold() == 0.9
    assert KBSettings.from_env().index_dir == REPO_ROOT / "var" / "other_index"


def test_empty_values_copied_from_env_example_mean_the_defaults(dotenv):
    dotenv.write_text("".join(f"{name}=\n" for name in VARIABLES) + "OCOP_HOTLINE_PHONE=   \n", encoding="utf-8")
    assert full_sheet_link(3) == "/tu-danh-gia?bo=3"
    assert hotline().name == _defaults()["name"] and hotline().phone == _defaults()["phone"]
    assert confidence_threshold() == CONFIDENCE_THRESHOLD
    kb = KBSettings.from_env()
    assert kb.index_dir == REPO_ROOT / "var" / "kb_index"
    assert kb.documents_dir == REPO_ROOT / "knowledge_base" / "documents"


def test_the_real_environment_wins_over_dotenv(dotenv, monkeypatch):
    dotenv.write_text("OCOP_PUBLIC_BASE_URL=https://from-file.example.vn\n", encoding="utf-8")
    monkeypatch.setenv("OCOP_PUBLIC_BASE_URL", "https://from-env.example.vn")
    assert full_sheet_link(1) == "https://from-env.example.vn/tu-danh-gia?bo=1"


def test_a_changed_dotenv_or_environment_is_seen_by_the_next_question(dotenv, monkeypatch):
    dotenv.write_text("OCOP_KB_MIN_CONFIDENCE=0.5\n", encoding="utf-8")
    assert confidence_threshold() == 0.5
    dotenv.write_text("OCOP_KB_MIN_CONFIDENCE=0.75\n", encoding="utf-8")
    assert confidence_threshold() == 0.75
    monkeypatch.setenv("OCOP_KB_MIN_CONFIDENCE", "0.6")
    assert confidence_threshold() == 0.6


def test_the_assistant_key_is_kept_out_of_repr(dotenv):
    dotenv.write_text("OCOP_ASSIST_API_KEY=k-very-secret\n", encoding="utf-8")
    settings = KnowledgeSettings.from_env()
    assert settings.assist_api_key == "k-very-secret" and "k-very-secret" not in repr(settings)
