"""Buttons as a numbered list, for channels without free quick replies (Zalo OA).

Rasa's buttons are appended to the reply as "1. …", "2. …"; the user answers with the number (or
the option's text, with or without diacritics) and the gateway sends the button's payload to Rasa.
The open choices of each sender are kept in SQLite so they survive a restart; a new reply replaces
them, and a reply without buttons clears them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from typing import Sequence

from bot.conversation import Button
from knowledge_base.textnorm import fold

_NUMBER = re.compile(r"(?:số|so|chọn|chon)?\s*(\d{1,2})\s*[.)]?", re.IGNORECASE)


def numbered_list(buttons: Sequence[Button]) -> str:
    lines = ["Bạn trả lời bằng số để chọn:"]
    lines += [f"{index}. {button.title}" for index, button in enumerate(buttons, start=1)]
    return "\n".join(lines)


class NumberedChoices:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS open_choices (sender TEXT PRIMARY KEY, buttons TEXT NOT NULL, at REAL NOT NULL)"
        )

    def offer(self, sender: str, buttons: Sequence[Button]) -> None:
        """Remember the buttons just shown to `sender` (an empty list clears them)."""
        if not buttons:
            self._db.execute("DELETE FROM open_choices WHERE sender = ?", (sender,))
            return
        encoded = json.dumps([[b.title, b.payload] for b in buttons], ensure_ascii=False)
        self._db.execute(
            "INSERT OR REPLACE INTO open_choices (sender, buttons, at) VALUES (?, ?, ?)", (sender, encoded, time.time())
        )

    def resolve(self, sender: str, text: str) -> str | None:
        """The payload chosen by `text` ("2", "số 2", or an option's title), or None."""
        row = self._db.execute("SELECT buttons FROM open_choices WHERE sender = ?", (sender,)).fetchone()
        if not row:
            return None
        buttons = [Button(title, payload) for title, payload in json.loads(row[0])]
        match = _NUMBER.fullmatch(text.strip())
        if match:
            index = int(match.group(1))
            return buttons[index - 1].payload if 1 <= index <= len(buttons) else None
        wanted = fold(text).strip(" .!?")
        for button in buttons:
            if fold(button.title).strip(" .!?") == wanted:
                return button.payload
        return None
