"""Gateway settings from the environment and `.env`, validation at start-up, and secrets kept out of repr."""

from __future__ import annotations

import pytest

from gateway.settings import REPO_ROOT, Settings, SettingsError
from knowledge_base.envfile import read_env_file, with_env_file


def test_defaults():
    settings = Settings.from_env({})
    assert settings.rasa_url == "http://127.0.0.1:5005"
    assert settings.data_dir == REPO_ROOT / "var"
    assert settings.zalo_token_path == REPO_ROOT / "var" / "zalo_tokens.json"
    assert not settings.telegram_enabled and not settings.zalo_enabled


def test_values_from_the_environment():
    settings = Settings.from_env(
        {
            "OCOP_RASA_URL": "http://rasa:5005/",
            "OCOP_DATA_DIR": "/srv/ocop",
            "OCOP_TELEGRAM_BOT_TOKEN": "1:abc",
            "OCOP_TELEGRAM_MODE": "Polling",
            "OCOP_ZALO_APP_ID": "42",
            "OCOP_ZALO_OA_SECRET_KEY": "oa-secret",
            "OCOP_ZALO_TIMESTAMP_WINDOW": "90",
        }
    )
    assert settings.rasa_url == "http://rasa:5005"
    assert settings.telegram_enabled and settings.telegram_mode == "polling"
    assert settings.zalo_enabled and settings.zalo_timestamp_window == 90
    assert settings.zalo_token_path.as_posix() == "/srv/ocop/zalo_tokens.json"


@pytest.mark.parametrize(
    "environ",
    [
        {"OCOP_TELEGRAM_MODE": "carrier-pigeon"},
        {"OCOP_TELEGRAM_BOT_TOKEN": "1:abc"},
        {"OCOP_TELEGRAM_BOT_TOKEN": "1:abc", "OCOP_TELEGRAM_WEBHOOK_SECRET": "has space"},
        {"OCOP_RASA_TIMEOUT": "soon"},
        {"OCOP_RASA_TIMEOUT": "0"},
        {"OCOP_INBOX_LEASE_SECONDS": "0"},
    ],
)
def test_invalid_settings_are_refused_with_the_variable_name(environ):
    with pytest.raises(SettingsError, match="OCOP_|positive"):
        Settings.from_env(environ)


def test_a_bad_secret_is_refused_without_echoing_it():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"OCOP_TELEGRAM_BOT_TOKEN": "1:abc", "OCOP_TELEGRAM_WEBHOOK_SECRET": "has space!"})
    assert "OCOP_TELEGRAM_WEBHOOK_SECRET" in str(refused.value) and "has space!" not in str(refused.value)


def test_a_bad_number_names_the_variable_and_the_value():
    with pytest.raises(SettingsError, match=r"OCOP_MAX_MESSAGE_CHARS: .*'lots'"):
        Settings.from_env({"OCOP_MAX_MESSAGE_CHARS": "lots"})


def test_dotenv_file_is_read_the_environment_wins_and_empty_means_default(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text(
        "OCOP_RASA_URL=http://rasa-from-file:5005/\n"
        "OCOP_LOG_LEVEL=debug\n"
        "OCOP_INBOX_LEASE_SECONDS=7\n"
        "OCOP_RASA_TIMEOUT=\n"
        "OCOP_DATA_DIR=   \n",
        encoding="utf-8",
    )
    for name in ("OCOP_RASA_URL", "OCOP_INBOX_LEASE_SECONDS", "OCOP_RASA_TIMEOUT", "OCOP_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OCOP_LOG_LEVEL", "warning")
    settings = Settings(_env_file=env)
    assert settings.rasa_url == "http://rasa-from-file:5005"
    assert settings.log_level == "WARNING"  # the real environment wins over the file
    assert settings.inbox_lease == 7
    assert settings.rasa_timeout == 30.0 and settings.data_dir == REPO_ROOT / "var"


def test_the_repository_dotenv_is_the_one_read():
    assert Settings.model_config["env_file"] == REPO_ROOT / ".env"


def test_replace_validates_the_copy():
    settings = Settings.from_env({})
    assert settings.replace(telegram_mode="Polling", telegram_bot_token="1:abc").telegram_mode == "polling"
    with pytest.raises(SettingsError, match="OCOP_TELEGRAM_WEBHOOK_SECRET"):
        settings.replace(telegram_bot_token="1:abc")


def test_secrets_are_not_in_repr_and_are_listed_for_redaction():
    settings = Settings.from_env(
        {
            "OCOP_TELEGRAM_BOT_TOKEN": "1:secret-token",
            "OCOP_TELEGRAM_WEBHOOK_SECRET": "hook_secret",
            "OCOP_ZALO_OA_SECRET_KEY": "oa-key",
            "OCOP_ZALO_REFRESH_TOKEN": "refresh-me",
            "OCOP_DATABASE_URL": "postgresql://ocop:db-pass@db:5432/ocop",
        }
    )
    text = repr(settings)
    for secret in ("1:secret-token", "hook_secret", "oa-key", "refresh-me", "db-pass"):
        assert secret not in text
        assert secret in settings.secrets()


def test_env_file_parsing(tmp_path):
    env = tmp_path / ".env"
    env.write_text(
        "# comment\n"
        "OCOP_RASA_URL=http://x:1\n"
        "export OCOP_LOG_LEVEL = debug  # inline comment\n"
        'OCOP_HOTLINE_NAME="Văn phòng # OCOP"\n'
        "not a line\n"
        "OCOP_EMPTY=\n",
        encoding="utf-8",
    )
    assert read_env_file(env) == {
        "OCOP_RASA_URL": "http://x:1",
        "OCOP_LOG_LEVEL": "debug",
        "OCOP_HOTLINE_NAME": "Văn phòng # OCOP",
        "OCOP_EMPTY": "",
    }
    assert read_env_file(tmp_path / "missing") == {}


def test_with_env_file_lets_the_environment_win_unless_empty(tmp_path):
    env = tmp_path / ".env"
    env.write_text("OCOP_RASA_TOKEN=from-file\nOCOP_REDIS_URL=redis://file\n", encoding="utf-8")
    merged = with_env_file({"OCOP_RASA_TOKEN": "from-env", "OCOP_REDIS_URL": ""}, env)
    assert merged == {"OCOP_RASA_TOKEN": "from-env", "OCOP_REDIS_URL": "redis://file"}
