"""Log of every message the gateway receives and sends.

Embedded default: one JSON line per message under the data directory (`messages.jsonl`). With a
shared database (PostgreSQL) the same records go to its `message_log` table, so every gateway
instance writes to one log. User ids are replaced by a keyed hash (HMAC-SHA256 with a random key
kept beside the log, or in the database's `gateway_keys`), so the log can be read for quality work
without exposing who wrote what; tokens and secrets never reach it.

The file is capped: past `max_bytes` it is renamed `messages.jsonl.1` (the older ones shift to `.2`, ...)
and only `backups` old files are kept; the table is pruned by age (`gateway.retention`). The data
directory is private to the service (`gateway.files.make_private`: directory 0700, files 0600).
A record that cannot be written (a full disk, a failing database) is lost with a warning; the turn
it belongs to goes on and its reply is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
from pathlib import Path

from gateway.database import Database
from gateway.files import make_private, rotate_numbered

MAX_LOGGED_CHARS = 10_000
MAX_LOG_BYTES = 50 * 1024 * 1024
LOG_BACKUPS = 5
KEY_NAME = "message_log"

logger = logging.getLogger(__name__)


def _clip(text: str) -> str:
    return text[:MAX_LOGGED_CHARS] + "…" if len(text) > MAX_LOGGED_CHARS else text


def _storable(text: str) -> str:
    """Text a database accepts: no NUL characters, lone surrogates replaced."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _hash(key: bytes, sender: str) -> str:
    return hmac.new(key, sender.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:16]


def open_message_log(
    database: Database, data_dir: Path, max_bytes: int = MAX_LOG_BYTES, backups: int = LOG_BACKUPS
) -> MessageLog | DatabaseMessageLog:
    """The shared table on PostgreSQL, else the JSON-lines file in `data_dir` (capped at `max_bytes`)."""
    return DatabaseMessageLog(database) if database.shared else MessageLog(data_dir, max_bytes, backups)


class DatabaseMessageLog:
    """Writes message records to the shared database's `message_log` table."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._db.run(
            "INSERT INTO gateway_keys (name, value) VALUES (:name, :value) ON CONFLICT DO NOTHING",
            name=KEY_NAME,
            value=secrets.token_bytes(32).hex(),
        )
        rows = self._db.rows("SELECT value FROM gateway_keys WHERE name = :name", name=KEY_NAME)
        self._key = bytes.fromhex(rows[0][0])

    def user_hash(self, sender: str) -> str:
        return _hash(self._key, sender)

    def record(self, sender: str, direction: str, text: str, status: str = "ok") -> None:
        """Insert one message record; a failing database loses the record, never the reply (logged)."""
        try:
            self._insert(sender, direction, text, status)
        except Exception as error:  # noqa: BLE001 (any driver error)
            logger.warning("Message log record lost: %s", type(error).__name__)

    def _insert(self, sender: str, direction: str, text: str, status: str) -> None:
        self._db.run(
            "INSERT INTO message_log (ts, channel, user_hash, direction, status, text) "
            "VALUES (:ts, :channel, :user, :direction, :status, :text)",
            ts=round(time.time(), 3),
            channel=sender.split(":", 1)[0],
            user=self.user_hash(sender),
            direction=direction,
            status=status,
            text=_storable(_clip(text)),
        )

    def drop_older_than(self, cutoff: float) -> int:
        """Delete the records written before `cutoff` (seconds since the epoch); how many went."""
        return self._db.run("DELETE FROM message_log WHERE ts < :cutoff", cutoff=cutoff)

    def forget(self, sender: str) -> int:
        """Delete every record of `sender` (a deletion request); how many went."""
        return self._db.run("DELETE FROM message_log WHERE user_hash = :user", user=self.user_hash(sender))


class MessageLog:
    """Appends message records to `<data_dir>/messages.jsonl`, keeping `backups` full files beside it."""

    def __init__(self, data_dir: Path, max_bytes: int = MAX_LOG_BYTES, backups: int = LOG_BACKUPS) -> None:
        make_private(data_dir)
        self.path = data_dir / "messages.jsonl"
        self.max_bytes = max_bytes
        self.backups = backups
        self._key = _load_or_create_key(data_dir / "message_log.key")
        self._lock = threading.Lock()

    def user_hash(self, sender: str) -> str:
        """Stable pseudonym of a namespaced sender id ("zalo:123" -> 16 hex digits)."""
        return _hash(self._key, sender)

    def record(self, sender: str, direction: str, text: str, status: str = "ok") -> None:
        """Append one message: `direction` is "in" or "out"; `status` says what happened to it."""
        channel = sender.split(":", 1)[0]
        text = _clip(text)
        line = json.dumps(
            {
                "ts": round(time.time(), 3),
                "channel": channel,
                "user": self.user_hash(sender),
                "direction": direction,
                "status": status,
                "text": text,
            },
            ensure_ascii=False,
        )
        try:
            with self._lock:
                self._rotate_if_full()
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8", errors="replace") as handle:
                    handle.write(line + "\n")
        except OSError as error:  # a full disk or a removed directory loses the record, never the reply
            logger.warning("Message log record lost: %s", type(error).__name__)

    def drop_older_than(self, cutoff: float) -> int:
        """Delete the records written before `cutoff` (seconds since the epoch); how many went.

        Rotated files last written before it go whole; the others are rewritten without the old lines.
        """
        dropped = 0
        with self._lock:
            for path in self.files():
                with path.open(encoding="utf-8", errors="replace") as handle:
                    lines = handle.readlines()
                if path != self.path and path.stat().st_mtime < cutoff:
                    path.unlink()
                    dropped += len(lines)
                    continue
                kept = [line for line in lines if _written_at(line) >= cutoff]
                if len(kept) < len(lines):
                    dropped += len(lines) - len(kept)
                    _replace_private(path, "".join(kept))
        return dropped

    def files(self) -> list[Path]:
        """The log's files that exist, the current one first, then the rotated ones newest first."""
        candidates = [self.path] + [self._rotated(n) for n in range(1, self.backups + 1)]
        return [path for path in candidates if path.exists()]

    def _rotated(self, number: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{number}") if number else self.path

    def _rotate_if_full(self) -> None:
        try:
            if self.path.stat().st_size < self.max_bytes:
                return
        except FileNotFoundError:
            return
        rotate_numbered(self.path, self.backups)

    def forget(self, sender: str) -> int:
        """Rewrite the log's files without `sender`'s records (a deletion request); how many went."""
        user = self.user_hash(sender)
        dropped = 0
        with self._lock:
            for path in self.files():
                with path.open(encoding="utf-8", errors="replace") as handle:
                    lines = handle.readlines()
                kept = [line for line in lines if _user_of(line) != user]
                if len(kept) < len(lines):
                    dropped += len(lines) - len(kept)
                    _replace_private(path, "".join(kept))
        return dropped


def _written_at(line: str) -> float:
    """A JSON-lines record's time; infinity when it cannot be read (such a line is kept)."""
    try:
        return float(json.loads(line)["ts"])
    except (ValueError, KeyError, TypeError):
        return math.inf


def _user_of(line: str) -> str | None:
    """A JSON-lines record's hashed user id; None when it cannot be read."""
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record.get("user") if isinstance(record, dict) else None


def _replace_private(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def _load_or_create_key(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())
        return key
