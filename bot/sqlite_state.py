"""The gateway's small persistent state lives in one SQLite file under the data directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

STATE_FILE = "gateway_state.sqlite3"


def connect(data_dir: Path) -> sqlite3.Connection:
    """A connection in autocommit mode with write-ahead logging (fast, crash-safe commits)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(data_dir / STATE_FILE, check_same_thread=False, isolation_level=None, timeout=10)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection
