"""Buttons as a numbered list, for channels without free quick replies (Zalo OA).

Rasa's buttons are appended to the reply as "1. …", "2. …"; the user answers with the number (or
the option's text, with or without diacritics) and the gateway sends the button's payload to Rasa.
The open choices of each sender are kept in the gateway's database so they survive a restart and
are seen by every gateway instance; a new reply replaces
them, and a reply without buttons clears them.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence

from gateway.conversation import Button
from gateway.database import Database
from knowledge_base.textnorm import fold

_NUMBER = re.compile(r"(?:số|so|chọn|chon)?\s*(\d{1,2})\s*[.)]?", re.IGNORECASE)


def numbered_list(buttons: Sequence[Button]) -> str:
    lines = ["Bạn trả lời bằng số để chọn:"]
    lines += [f"{index}. {button.title}" for index, button in enumerate(buttons, start=1)]
    return "\n".join(lines)


class NumberedChoices:
    def __init__(self, database: Database) -> None:
        self._db = database

    def offer(self, sender: str, buttons: Sequence[Button]) -> None:
        """Remember the buttons just shown to `sender` (an empty list clears them)."""
        if not buttons:
            self._db.run("DELETE FROM open_choices WHERE sender = :sender", sender=sender)
            return
        encoded = json.dumps([[b.title, b.payload] for b in buttons], ensure_ascii=False)
        self._db.run(
            "INSERT INTO open_choices (sender, buttons, at) VALUES (:sender, :buttons, :at) "
            "ON CONFLICT (sender) DO UPDATE SET buttons = excluded.buttons, at = excluded.at",
            sender=sender,
            buttons=encoded,
            at=time.time(),
        )

    def resolve(self, sender: str, text: str) -> str | None:
        """The payload chosen by `text` ("2", "số 2", or an option's title), or None."""
        rows = self._db.rows("SELECT buttons FROM open_choices WHERE sender = :sender", sender=sender)
        if not rows:
            return None
        buttons = [Button(title, payload) for title, payload in json.loads(rows[0][0])]
        match = _NUMBER.fullmatch(text.strip())
        if match:
            index = int(match.group(1))
            return buttons[index - 1].payload if 1 <= index <= len(buttons) else None
        wanted = fold(text).strip(" .!?")
        for button in buttons:
            if fold(button.title).strip(" .!?") == wanted:
                return button.payload
        return None
