"""Gateway settings, read from environment variables and an optional `.env` file.

Every variable is documented in `.env.example`. Real environment variables win over the `.env` file.
Relative paths are resolved against the repository root, like the knowledge-base settings.
Secrets are kept out of `repr()` and collected by `Settings.secrets()` so logs can redact them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
TELEGRAM_MODES = ("webhook", "polling")
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token.
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ENV_LINE = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


class SettingsError(ValueError):
    """A setting has a value the gateway cannot run with."""


def _secret() -> object:
    return field(default="", repr=False)


@dataclass(frozen=True)
class Settings:
    """Configuration of the gateway and its channels."""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = _secret()
    rasa_timeout: float = 30.0
    data_dir: Path = REPO_ROOT / "var"
    public_base_url: str = ""
    max_message_chars: int = 2000
    log_level: str = "INFO"
    # Scale-out: PostgreSQL for all gateway state (empty: SQLite under data_dir).
    database_url: str = _secret()
    inbox_lease: float = 15.0

    telegram_bot_token: str = _secret()
    telegram_webhook_secret: str = _secret()
    telegram_mode: str = "webhook"
    telegram_api_url: str = "https://api.telegram.org"

    zalo_app_id: str = ""
    zalo_oa_secret_key: str = _secret()
    zalo_app_secret_key: str = _secret()
    zalo_access_token: str = _secret()
    zalo_refresh_token: str = _secret()
    zalo_token_store: Path | None = None
    zalo_openapi_url: str = "https://openapi.zalo.me"
    zalo_oauth_url: str = "https://oauth.zaloapp.com"
    zalo_timestamp_window: float = 3600.0

    def __post_init__(self) -> None:
        if self.telegram_mode not in TELEGRAM_MODES:
            raise SettingsError(f"OCOP_TELEGRAM_MODE must be one of {', '.join(TELEGRAM_MODES)}")
        if (
            self.telegram_enabled
            and self.telegram_mode == "webhook"
            and not _TELEGRAM_SECRET.fullmatch(self.telegram_webhook_secret)
        ):
            raise SettingsError(
                "OCOP_TELEGRAM_WEBHOOK_SECRET is required in webhook mode (1-256 characters: letters, digits, _ and -)"
            )
        if min(self.rasa_timeout, self.max_message_chars, self.zalo_timestamp_window, self.inbox_lease) <= 0:
            raise SettingsError("timeouts, windows and limits must be positive")

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_oa_secret_key)

    @property
    def zalo_token_path(self) -> Path:
        return self.zalo_token_store or self.data_dir / "zalo_tokens.json"

    def secrets(self) -> list[str]:
        """Every secret value that is set, for log redaction."""
        values = [getattr(self, f.name) for f in fields(self) if not f.repr and getattr(self, f.name)]
        password = urlsplit(self.database_url).password if self.database_url else None
        return values + [password] if password else values

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `environ` (default: the process environment)."""
        env = os.environ if environ is None else environ

        def text(name: str, default: str = "") -> str:
            return env.get(name, "").strip() or default

        def number(name: str, default: float) -> float:
            raw = text(name)
            try:
                return float(raw) if raw else default
            except ValueError:
                raise SettingsError(f"{name} must be a number, got {raw!r}") from None

        token_store = text("OCOP_ZALO_TOKEN_STORE")
        return cls(
            rasa_url=text("OCOP_RASA_URL", cls.rasa_url).rstrip("/"),
            rasa_token=text("OCOP_RASA_TOKEN"),
            rasa_timeout=number("OCOP_RASA_TIMEOUT", cls.rasa_timeout),
            data_dir=_path(text("OCOP_DATA_DIR", "var")),
            public_base_url=text("OCOP_PUBLIC_BASE_URL").rstrip("/"),
            max_message_chars=int(number("OCOP_MAX_MESSAGE_CHARS", cls.max_message_chars)),
            log_level=text("OCOP_LOG_LEVEL", cls.log_level).upper(),
            database_url=text("OCOP_DATABASE_URL"),
            inbox_lease=number("OCOP_INBOX_LEASE_SECONDS", cls.inbox_lease),
            telegram_bot_token=text("OCOP_TELEGRAM_BOT_TOKEN"),
            telegram_webhook_secret=text("OCOP_TELEGRAM_WEBHOOK_SECRET"),
            telegram_mode=text("OCOP_TELEGRAM_MODE", cls.telegram_mode).lower(),
            telegram_api_url=text("OCOP_TELEGRAM_API_URL", cls.telegram_api_url).rstrip("/"),
            zalo_app_id=text("OCOP_ZALO_APP_ID"),
            zalo_oa_secret_key=text("OCOP_ZALO_OA_SECRET_KEY"),
            zalo_app_secret_key=text("OCOP_ZALO_APP_SECRET_KEY"),
            zalo_access_token=text("OCOP_ZALO_ACCESS_TOKEN"),
            zalo_refresh_token=text("OCOP_ZALO_REFRESH_TOKEN"),
            zalo_token_store=_path(token_store) if token_store else None,
            zalo_openapi_url=text("OCOP_ZALO_OPENAPI_URL", cls.zalo_openapi_url).rstrip("/"),
            zalo_oauth_url=text("OCOP_ZALO_OAUTH_URL", cls.zalo_oauth_url).rstrip("/"),
            zalo_timestamp_window=number("OCOP_ZALO_TIMESTAMP_WINDOW", cls.zalo_timestamp_window),
        )


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a `.env` file: `KEY=value` lines, `#` comments, optional quotes and `export`."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(line)
        if not match:
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def load_env_file(path: Path = REPO_ROOT / ".env") -> None:
    """Copy `.env` values into the process environment without overriding what is already set.

    The whole process sees them, so modules with their own settings (the hotline details in
    `knowledge_base.hotline`, the knowledge-base paths) are configured by the same file.
    """
    for key, value in read_env_file(path).items():
        os.environ.setdefault(key, value)
