"""Zalo events accepted by the webhook, in SQLite: duplicate deliveries and restarts are safe.

`accept()` records an event under its dedup key (the message id, or event + user + timestamp for
events without one) and says whether it is new; a repeated delivery, even after a restart, is
dropped. Events acknowledged but not yet processed when the gateway stopped are handed back by
`unfinished()` at the next start. Processed events keep only their key, for a week.
"""

from __future__ import annotations

import sqlite3
import time

KEEP_SECONDS = 7 * 24 * 3600


class ZaloInbox:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS zalo_events "
            "(key TEXT PRIMARY KEY, received_at REAL NOT NULL, body TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)"
        )

    def accept(self, key: str, body: str) -> bool:
        """Record a new event; False when `key` was seen before."""
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO zalo_events (key, received_at, body) VALUES (?, ?, ?)", (key, time.time(), body)
        )
        return cursor.rowcount == 1

    def finish(self, key: str) -> None:
        self._db.execute("UPDATE zalo_events SET done = 1, body = '' WHERE key = ?", (key,))

    def unfinished(self, max_age: float) -> list[tuple[str, str]]:
        """(key, body) of accepted events not processed yet, oldest first, received within `max_age` s."""
        rows = self._db.execute(
            "SELECT key, body FROM zalo_events WHERE done = 0 AND received_at >= ? ORDER BY received_at",
            (time.time() - max_age,),
        )
        return list(rows)

    def prune(self) -> None:
        self._db.execute("DELETE FROM zalo_events WHERE received_at < ?", (time.time() - KEEP_SECONDS,))
