"""What the chat records for the staff pages: answers and refusals, feedback, self-assessment results.

The action server writes these rows (it imports only this module and `gateway.database`) into the
gateway's store: `OCOP_DATABASE_URL` (PostgreSQL) or the SQLite file under `OCOP_DATA_DIR`, the same
place the gateway reads them from. Producers are stored under the message log's hashed id
(`user_hash`), so the staff pages never see a platform id and a deletion request finds the rows.
Recording never breaks a chat turn: a store failure is logged (without personal data) and skipped. The
actions record through `later()`: one writer thread does the writes in order, off rasa-sdk's event loop.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from gateway.database import Database, open_database

log = logging.getLogger(__name__)

MAX_TEXT = 2000
VERDICTS = ("helpful", "unhelpful")
_VARIANT = re.compile(r"~\d+$")


def entry_id(chunk_id: str) -> str:
    """The question-bank entry or section a retrieved chunk belongs to ("qa:x~2" -> "qa:x")."""
    return _VARIANT.sub("", chunk_id)


def channel_of(sender: str) -> str:
    return sender.split(":", 1)[0] if ":" in sender else "web"


@dataclass
class Records:
    """Writes and reads the chat's records on one database, with the message log's sender hash."""

    db: Database
    data_dir: Path

    def __post_init__(self) -> None:
        from gateway.message_log import open_message_log

        self._hasher = open_message_log(self.db, self.data_dir)

    def user_hash(self, sender: str) -> str:
        return self._hasher.user_hash(sender)

    def answer(
        self, sender: str, question: str, answered: bool, answer_id: str, citation: str, topic: str, intent: str
    ) -> None:
        """One question the knowledge base answered (`answered`) or refused."""
        self.db.run(
            "INSERT INTO answer_log (at, channel, user_hash, question, outcome, answer_id, citation, topic, intent) "
            "VALUES (:at, :channel, :user, :question, :outcome, :answer_id, :citation, :topic, :intent)",
            at=time.time(),
            channel=channel_of(sender),
            user=self.user_hash(sender),
            question=question[:MAX_TEXT],
            outcome="answered" if answered else "refused",
            answer_id=answer_id[:200],
            citation=citation[:500],
            topic=topic[:64],
            intent=intent[:64],
        )

    def last_answer(self, sender: str, answer_id: str) -> tuple[str, str] | None:
        """(question, citation) of this sender's latest answer with `answer_id`."""
        rows = self.db.rows(
            "SELECT question, citation FROM answer_log WHERE user_hash = :user AND answer_id = :answer_id "
            "ORDER BY id DESC LIMIT 1",
            user=self.user_hash(sender),
            answer_id=answer_id,
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def feedback(self, sender: str, verdict: str, question: str, answer_id: str, citation: str) -> None:
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}")
        self.db.run(
            "INSERT INTO feedback (at, channel, user_hash, verdict, question, answer_id, citation) "
            "VALUES (:at, :channel, :user, :verdict, :question, :answer_id, :citation)",
            at=time.time(),
            channel=channel_of(sender),
            user=self.user_hash(sender),
            verdict=verdict,
            question=question[:MAX_TEXT],
            answer_id=answer_id[:200],
            citation=citation[:500],
        )

    def selfassessment(self, sender: str, product_set: str, stars: int, total: float) -> None:
        """A quick self-assessment result: `stars` 0 when the product would be disqualified."""
        self.db.run(
            "INSERT INTO selfassess_results (at, channel, user_hash, product_set, stars, total) "
            "VALUES (:at, :channel, :user, :product_set, :stars, :total)",
            at=time.time(),
            channel=channel_of(sender),
            user=self.user_hash(sender),
            product_set=product_set[:200],
            stars=int(stars),
            total=float(total),
        )


_opened: Records | None = None
_lock = threading.Lock()


def records() -> Records:
    """The process's `Records`, opened on first use from the store settings (as the gateway opens its store)."""
    global _opened
    with _lock:
        if _opened is None:
            from gateway.settings import StoreSettings

            # Only the store's settings: the gateway's channel settings do not concern the actions.
            settings = StoreSettings()
            _opened = Records(open_database(settings.database_url, settings.data_dir), settings.data_dir)
        return _opened


def safely(what: str, write, opened: Records | None = None) -> None:
    """Run `write(records())`; a failure is logged by its type only and never reaches the chat."""
    try:
        write(opened or records())
    except Exception as error:  # noqa: BLE001 (any store or driver error)
        log.warning("staff records: could not record %s (%s)", what, type(error).__name__)


_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="staff-records")


def later(what: str, write) -> Future:
    """`safely(what, write)` on the writer thread, after every write asked for before it (a read queued this way
    sees them); the store is the one open now. The caller does not wait unless it awaits the future."""
    try:
        opened = records()
    except Exception as error:  # noqa: BLE001 (the store cannot be opened: as in `safely`)
        log.warning("staff records: could not record %s (%s)", what, type(error).__name__)
        done: Future = Future()
        done.set_result(None)
        return done
    return _writer.submit(safely, what, write, opened)


def settle() -> None:
    """Wait for the writes asked for so far (tests, and a process about to read what it wrote)."""
    _writer.submit(int).result()
