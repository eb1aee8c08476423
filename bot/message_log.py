"""JSON-lines log of every message the gateway receives and sends.

One line per message under the data directory (`messages.jsonl`). User ids are replaced by a keyed
hash (HMAC-SHA256 with a random key kept beside the log), so the log can be read for quality work
without exposing who wrote what; tokens and secrets never reach it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from pathlib import Path

MAX_LOGGED_CHARS = 10_000


class MessageLog:
    """Appends message records to `<data_dir>/messages.jsonl`."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "messages.jsonl"
        self._key = _load_or_create_key(data_dir / "message_log.key")
        self._lock = threading.Lock()

    def user_hash(self, sender: str) -> str:
        """Stable pseudonym of a namespaced sender id ("zalo:123" -> 16 hex digits)."""
        return hmac.new(self._key, sender.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:16]

    def record(self, sender: str, direction: str, text: str, status: str = "ok") -> None:
        """Append one message: `direction` is "in" or "out"; `status` says what happened to it."""
        channel = sender.split(":", 1)[0]
        if len(text) > MAX_LOGGED_CHARS:
            text = text[:MAX_LOGGED_CHARS] + "…"
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
        with self._lock, self.path.open("a", encoding="utf-8", errors="replace") as handle:
            handle.write(line + "\n")


def _load_or_create_key(path: Path) -> bytes:
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())
        return key
