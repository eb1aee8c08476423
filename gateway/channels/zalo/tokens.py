"""Zalo OA access tokens, refreshed with the single-use refresh token.

A refresh returns a new access token AND a new refresh token (the old one is spent), so the new pair
is stored atomically before it is used, and refreshes are serialised: under an asyncio lock in the
process and a lock across processes and machines, so a caller whose token was already replaced by
another refresh (here, in another process or on another machine) just gets the new token.

Two stores: a JSON file (embedded default; temporary file, fsync, rename; `flock` across processes)
or the shared database's `zalo_tokens` row (one transaction; a PostgreSQL advisory lock across
machines). The store wins over the tokens in the environment, except when the environment holds a
different refresh token than the one the store was started from (an operator's fresh pair).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import httpx
from sqlalchemy import text

from gateway.database import Database, advisory_key

logger = logging.getLogger(__name__)

REFRESH_PATH = "/v4/oa/access_token"
# Refresh this long before the recorded expiry instead of waiting for error -216.
EXPIRY_MARGIN = 300.0


class ZaloTokenError(Exception):
    """No usable access token: refresh impossible or rejected."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float | None = None
    seed: str = ""


class TokenStore(Protocol):
    def load(self) -> TokenPair | None: ...

    def save(self, pair: TokenPair) -> None: ...

    def acquire(self) -> Callable[[], None]:
        """Block until this process holds the cross-process refresh lock; returns its release."""


class FileTokenStore:
    """The pair in a JSON file (mode 0600, replaced atomically); `flock` on a file beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def acquire(self) -> Callable[[], None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return lambda: os.close(fd)  # closing releases the flock

    def load(self) -> TokenPair | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return TokenPair(**data)
        except FileNotFoundError:
            return None
        except (ValueError, TypeError) as error:
            logger.error("Ignoring unreadable Zalo token store %s: %s", self.path, type(error).__name__)
            return None

    def save(self, pair: TokenPair) -> None:
        """Write the pair atomically: a reader sees the old file or the new one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(asdict(pair), handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        except OSError as error:
            logger.error("Could not store the new Zalo tokens in %s (kept in memory): %s", self.path, error)


class DatabaseTokenStore:
    """The pair in the shared database's one-row `zalo_tokens` table; a PostgreSQL advisory lock."""

    LOCK_NAME = "ocop:zalo-token-refresh"

    def __init__(self, database: Database) -> None:
        self._db = database

    def acquire(self) -> Callable[[], None]:
        connection = self._db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        key = advisory_key(self.LOCK_NAME)
        try:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        except Exception:
            connection.close()
            raise

        def release() -> None:
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            finally:
                connection.close()  # a closed session releases its advisory locks anyway

        return release

    def load(self) -> TokenPair | None:
        rows = self._db.rows("SELECT access_token, refresh_token, expires_at, seed FROM zalo_tokens WHERE id = 1")
        return TokenPair(*rows[0]) if rows else None

    def save(self, pair: TokenPair) -> None:
        try:
            self._db.run(
                "INSERT INTO zalo_tokens (id, access_token, refresh_token, expires_at, seed, updated_at) "
                "VALUES (1, :access, :refresh, :expires, :seed, :now) ON CONFLICT (id) DO UPDATE SET "
                "access_token = excluded.access_token, refresh_token = excluded.refresh_token, "
                "expires_at = excluded.expires_at, seed = excluded.seed, updated_at = excluded.updated_at",
                access=pair.access_token,
                refresh=pair.refresh_token,
                expires=pair.expires_at,
                seed=pair.seed,
                now=time.time(),
            )
        except Exception as error:  # noqa: BLE001 (any driver error: the pair is kept in memory)
            logger.error(
                "Could not store the new Zalo tokens in the database (kept in memory): %s", type(error).__name__
            )


def token_store(database: Database, path: Path) -> TokenStore:
    """The shared database's row on PostgreSQL, else the JSON file at `path`."""
    return DatabaseTokenStore(database) if database.shared else FileTokenStore(path)


def _fingerprint(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:16] if refresh_token else ""


class ZaloTokens:
    def __init__(
        self,
        store: TokenStore,
        http: httpx.AsyncClient,
        oauth_url: str,
        app_id: str,
        app_secret_key: str,
        seed_access_token: str = "",
        seed_refresh_token: str = "",
    ) -> None:
        self.store = store
        self._http = http
        self._url = oauth_url.rstrip("/") + REFRESH_PATH
        self._app_id = app_id
        self._app_secret_key = app_secret_key
        self._lock = asyncio.Lock()
        seed = _fingerprint(seed_refresh_token)
        stored = self.store.load()
        if stored and (not seed or stored.seed == seed):
            self._pair = stored
        else:
            self._pair = TokenPair(seed_access_token, seed_refresh_token, None, seed)

    @property
    def access_token(self) -> str:
        return self._pair.access_token

    async def current(self) -> str:
        """A usable access token, refreshed first when it is known to expire soon."""
        pair = self._pair
        if not pair.access_token or (pair.expires_at and time.time() > pair.expires_at - EXPIRY_MARGIN):
            return await self.refresh(pair.access_token)
        return pair.access_token

    async def refresh(self, stale_token: str) -> str:
        """Replace `stale_token` (unless another caller already did) and return the new access token."""
        async with self._lock:
            if self._pair.access_token != stale_token and self._pair.access_token:
                return self._pair.access_token
            release = await asyncio.to_thread(self.store.acquire)
            try:
                return await self._refresh_locked(stale_token)
            finally:
                await asyncio.to_thread(release)

    async def _refresh_locked(self, stale_token: str) -> str:
        stored = await asyncio.to_thread(self.store.load)
        if stored and stored.access_token not in ("", stale_token) and stored.seed == self._pair.seed:
            self._pair = stored  # another process refreshed meanwhile
            return stored.access_token
        if not self._pair.refresh_token:
            raise ZaloTokenError("no refresh token: set OCOP_ZALO_REFRESH_TOKEN")
        try:
            response = await self._http.post(
                self._url,
                data={
                    "refresh_token": self._pair.refresh_token,
                    "app_id": self._app_id,
                    "grant_type": "refresh_token",
                },
                headers={"secret_key": self._app_secret_key},
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise ZaloTokenError(f"token refresh failed: {type(error).__name__}") from error
        if not isinstance(body, dict) or not body.get("access_token") or not body.get("refresh_token"):
            code = body.get("error") if isinstance(body, dict) else None
            name = body.get("error_name", "") if isinstance(body, dict) else ""
            raise ZaloTokenError(f"token refresh rejected: error {code} {name}".strip())
        expires_in = _seconds(body.get("expires_in"))
        pair = TokenPair(
            body["access_token"],
            body["refresh_token"],
            time.time() + expires_in if expires_in else None,
            self._pair.seed,
        )
        self._pair = pair
        await asyncio.to_thread(self.store.save, pair)
        logger.info("Zalo access token refreshed")
        return pair.access_token


def _seconds(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
