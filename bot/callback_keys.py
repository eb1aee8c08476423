"""Telegram `callback_data` is limited to 64 bytes: longer button payloads travel as a short key.

The key is derived from the payload (so the table does not grow with repeated buttons) and kept in
SQLite, so buttons sent before a restart still work after it.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3

CALLBACK_DATA_LIMIT = 64
KEY_PREFIX = "k:"


class CallbackKeys:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.execute("CREATE TABLE IF NOT EXISTS callback_keys (key TEXT PRIMARY KEY, payload TEXT NOT NULL)")

    def encode(self, payload: str) -> str:
        """`callback_data` for a button payload."""
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not payload.startswith(KEY_PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        key = KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:24]
        self._db.execute("INSERT OR IGNORE INTO callback_keys (key, payload) VALUES (?, ?)", (key, payload))
        return key

    def decode(self, data: str) -> str | None:
        """The payload behind `callback_data`; None for an unknown key."""
        if not data.startswith(KEY_PREFIX):
            return data
        row = self._db.execute("SELECT payload FROM callback_keys WHERE key = ?", (data,)).fetchone()
        return row[0] if row else None
