"""Gateway settings: `OCOP_*` variables from the environment and the repository's `.env` file.

Loaded like every process's settings (`knowledge_base.settings.OcopSettings`): real environment
variables win over `.env`, an empty value means the default, and every variable is documented in
`.env.example`. Relative paths are resolved against the repository root. A bad value stops the start
with a `SettingsError` naming the variable. Secrets are kept out of `repr()` and collected by
`Settings.secrets()` so logs can redact them.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from gateway.rate_limit import DEFAULT_TRUSTED_PROXIES, parse_networks
from knowledge_base.settings import REPO_ROOT, OcopSettings, SettingsError, resolve_path

__all__ = ["REPO_ROOT", "Settings", "SettingsError", "StoreSettings", "TELEGRAM_MODES"]

TELEGRAM_MODES = ("webhook", "polling")
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token.
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _secret() -> str:
    return Field(default="", repr=False)


class StoreSettings(OcopSettings):
    """Where the gateway's state lives; the action server reads these alone (`gateway.staff.records`)."""

    data_dir: Path = REPO_ROOT / "var"
    # Scale-out: PostgreSQL for all gateway state (empty: SQLite under data_dir).
    database_url: str = _secret()

    @field_validator("data_dir")
    @classmethod
    def _data_dir_from_repo_root(cls, value: Path) -> Path:
        return resolve_path(value)


class Settings(StoreSettings):
    """Configuration of the gateway and its channels (each field is set by `OCOP_<FIELD>` unless noted)."""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = _secret()
    rasa_timeout: float = Field(default=30.0, gt=0)
    public_base_url: str = ""
    max_message_chars: int = Field(default=2000, gt=0)
    log_level: str = "INFO"
    inbox_lease: float = Field(default=15.0, gt=0, validation_alias="OCOP_INBOX_LEASE_SECONDS")
    # Turns in flight to Rasa at once per gateway (0: no limit), and the seconds a turn may wait for one of
    # them before it gets the polite "busy" reply (gateway/capacity.py).
    max_inflight_turns: int = Field(default=4, ge=0)
    turn_wait_seconds: float = Field(default=1.0, ge=0)

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
    zalo_timestamp_window: float = Field(default=3600.0, gt=0)

    # Rate limits of /api/chat, /api/assist, /api/score (gateway/rate_limit.py), requests a minute; 0: off.
    rate_limit_per_minute: int = Field(default=20, ge=0)
    rate_limit_per_address_per_minute: int = Field(default=120, ge=0)
    # Proxies whose X-Forwarded-For / X-Real-IP name the client: addresses or networks, comma-separated.
    trusted_proxies: str = DEFAULT_TRUSTED_PROXIES
    # Message log size cap and retention, Rasa tracker retention (gateway/retention.py); 0 days: keep.
    message_log_max_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    message_log_backups: int = Field(default=5, ge=0)
    message_log_retention_days: float = Field(default=365.0, ge=0)
    tracker_retention_days: float = Field(default=365.0, ge=0)
    # Rasa's SQLite tracker store (endpoints.yml), pruned and erased by the gateway; empty: data_dir/tracker.db.
    tracker_db: Path | None = None
    # Staff workspace records (feedback, answer log, self-assessment results, audit log; gateway/staff/retention.py).
    staff_retention_days: float = Field(default=365.0, ge=0)

    # Live hand-over to hotline staff (gateway/handover): office hours, timeout, expected wait.
    handover_hours: str = "07:30-17:00"
    handover_days: str = "1-5"
    handover_timezone: str = "Asia/Ho_Chi_Minh"
    handover_timeout_minutes: float = Field(default=60.0, gt=0)
    handover_wait_minutes: float = Field(default=10.0, gt=0)

    @field_validator("rasa_url", "public_base_url", "telegram_api_url", "zalo_openapi_url", "zalo_oauth_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("zalo_token_store", "tracker_db")
    @classmethod
    def _from_repo_root(cls, value: Path | None) -> Path | None:
        return resolve_path(value) if value is not None else None

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @field_validator("telegram_mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value.lower() not in TELEGRAM_MODES:
            raise ValueError(f"must be one of {', '.join(TELEGRAM_MODES)}")
        return value.lower()

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if (
            self.telegram_enabled
            and self.telegram_mode == "webhook"
            and not _TELEGRAM_SECRET.fullmatch(self.telegram_webhook_secret)
        ):
            raise ValueError(
                "OCOP_TELEGRAM_WEBHOOK_SECRET is required in webhook mode (1-256 characters: letters, digits, _ and -)"
            )
        return self

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_app_id and self.zalo_oa_secret_key)

    @model_validator(mode="after")
    def _readable_office_hours(self) -> Settings:
        from gateway.handover.hours import OfficeHours

        OfficeHours.parse(self.handover_hours, self.handover_days, self.handover_timezone)
        return self

    @property
    def tracker_path(self) -> Path:
        """Rasa's SQLite tracker store: `OCOP_TRACKER_DB`, else `tracker.db` in the data directory."""
        return self.tracker_db or self.data_dir / "tracker.db"

    @property
    def zalo_token_path(self) -> Path:
        return self.zalo_token_store or self.data_dir / "zalo_tokens.json"

    def secrets(self) -> list[str]:
        """Every secret value that is set, for log redaction."""
        values = [
            getattr(self, name) for name, f in type(self).model_fields.items() if not f.repr and getattr(self, name)
        ]
        password = urlsplit(self.database_url).password if self.database_url else None
        return values + [password] if password else values
