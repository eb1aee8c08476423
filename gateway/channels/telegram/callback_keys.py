"""Telegram `callback_data` is limited to 64 bytes: longer button payloads travel as a short key.

The key is derived from the payload (so the table does not grow with repeated buttons) and kept in
the gateway's database, so buttons sent before a restart, or by another gateway instance, still work.
"""

from __future__ import annotations

import base64
import hashlib

from gateway.database import Database

CALLBACK_DATA_LIMIT = 64
KEY_PREFIX = "k:"


class CallbackKeys:
    def __init__(self, database: Database) -> None:
        self._db = database

    def encode(self, payload: str) -> str:
        """`callback_data` for a button payload."""
        if len(payload.encode("utf-8")) <= CALLBACK_DATA_LIMIT and not payload.startswith(KEY_PREFIX):
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()
        key = KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")[:24]
        self._db.run(
            "INSERT INTO callback_keys (key, payload) VALUES (:key, :payload) ON CONFLICT DO NOTHING",
            key=key,
            payload=payload,
        )
        return key

    def decode(self, data: str) -> str | None:
        """The payload behind `callback_data`; None for an unknown key."""
        if not data.startswith(KEY_PREFIX):
            return data
        rows = self._db.rows("SELECT payload FROM callback_keys WHERE key = :key", key=data)
        return rows[0][0] if rows else None
