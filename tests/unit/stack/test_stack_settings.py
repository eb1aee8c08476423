"""`make run` reads its ports and the environments' folder (OCOP_VENVS_DIR) from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.settings import REPO_ROOT
from stack.launcher import main, parse_args
from stack.services import StackConfig, action_service, gateway_service, rasa_service
from stack.settings import StackSettings

VARIABLES = ("OCOP_VENVS_DIR", "OCOP_RASA_PORT", "OCOP_GATEWAY_PORT", "OCOP_DATA_DIR", "OCOP_RASA_URL")


@pytest.fixture
def dotenv(tmp_path, monkeypatch):
    path = tmp_path / ".env"
    monkeypatch.setitem(StackSettings.model_config, "env_file", path)
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return path


def test_one_variable_moves_both_environments_for_every_service(dotenv, tmp_path):
    dotenv.write_text(f"OCOP_VENVS_DIR={tmp_path / 'envs'}\n", encoding="utf-8")
    config = StackConfig(model=Path("model.tar.gz"), data_dir=tmp_path / "var", rasa_token="t")
    assert action_service(config, 5055).command[0] == str(tmp_path / "envs" / "app" / "bin" / "python")
    assert gateway_service(config, 8000, "http://127.0.0.1:5005").command[0] == str(
        tmp_path / "envs" / "app" / "bin" / "python"
    )
    assert rasa_service(config, 5005, "http://127.0.0.1:5055").command[0] == str(
        tmp_path / "envs" / "rasa" / "bin" / "python"
    )


def test_launcher_defaults_come_from_dotenv_and_the_environment_wins(dotenv, monkeypatch):
    dotenv.write_text("OCOP_RASA_PORT=6005\nOCOP_GATEWAY_PORT=9000\nOCOP_DATA_DIR=var/other\n", encoding="utf-8")
    monkeypatch.setenv("OCOP_GATEWAY_PORT", "9100")
    args = parse_args(["--model", "m.tar.gz"])
    assert (args.rasa_port, args.gateway_port, args.action_port) == (6005, 9100, 5055)
    assert args.data_dir == REPO_ROOT / "var" / "other"


def test_empty_values_mean_the_defaults(dotenv):
    dotenv.write_text("".join(f"{name}=\n" for name in VARIABLES), encoding="utf-8")
    settings = StackSettings.from_env()
    assert settings.venvs_dir == REPO_ROOT / ".venvs" and settings.data_dir == REPO_ROOT / "var"
    assert settings.chat_rasa_url == "http://127.0.0.1:5005"


def test_a_bad_port_stops_the_launcher_with_the_variable_named(dotenv, capsys):
    dotenv.write_text("OCOP_RASA_PORT=fifty\n", encoding="utf-8")
    assert main(["--model", "m.tar.gz"]) == 2
    assert "OCOP_RASA_PORT" in capsys.readouterr().err
