"""The hand-over queue in the gateway's database (tables of migration `*_handover.sql`).

A hand-over is `waiting` (nobody has taken or answered it), `open` (a staff member took or answered it)
or `closed` (handed back to the assistant, closed, or timed out). A sender has at most one that is not
closed (a unique partial index, so two gateway instances cannot open two). Its transcript is the
`handover_messages` rows: the conversation before the hand-over copied from Rasa's tracker, then every
message of the producer (`in`), the staff (`staff`), the bot (`bot`) and the gateway's notices (`system`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from gateway.database import Database

ACTIVE = ("waiting", "open")
# What the producer's channel shows: staff replies and the gateway's notices sent after the hand-over began.
PUSHED = ("staff", "system")
_COLUMNS = (
    "id, sender, channel, state, reason, question, assignee, note, created_at, first_reply_at, "
    "last_in_at, last_activity, closed_at, closed_how"
)


@dataclass(frozen=True)
class Handover:
    id: int
    sender: str
    channel: str
    state: str
    reason: str
    question: str
    assignee: str | None
    note: str
    created_at: float
    first_reply_at: float | None
    last_in_at: float
    last_activity: float
    closed_at: float | None
    closed_how: str | None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in _COLUMNS.split(", ")}


@dataclass(frozen=True)
class Message:
    id: int
    handover_id: int
    at: float
    direction: str
    author: str
    text: str
    delivery: str

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "handover_id": self.handover_id,
            "at": self.at,
            "direction": self.direction,
            "author": self.author,
            "text": self.text,
            "delivery": self.delivery,
        }


class HandoverStore:
    """Reads and writes the queue; every method is one short transaction (call from a thread)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def _one(self, where: str, **params) -> Handover | None:
        rows = self.db.rows(f"SELECT {_COLUMNS} FROM handovers WHERE {where}", **params)
        return Handover(*rows[0]) if rows else None

    def get(self, handover_id: int) -> Handover | None:
        return self._one("id = :id", id=handover_id)

    def active(self, sender: str) -> Handover | None:
        return self._one("sender = :sender AND state <> 'closed'", sender=sender)

    def turn_state(self, sender: str) -> tuple[Handover | None, int]:
        """The active hand-over of `sender` (or None) and its run of refusals, in one statement (once a turn)."""
        columns = ", ".join(f"h.{name}" for name in _COLUMNS.split(", "))
        rows = self.db.rows(
            f"SELECT {columns}, s.count FROM (SELECT CAST(:sender AS TEXT) AS sender) q "
            "LEFT JOIN handovers h ON h.sender = q.sender AND h.state <> 'closed' "
            "LEFT JOIN refusal_streaks s ON s.sender = q.sender",
            sender=sender,
        )
        *handover, streak = rows[0]
        return (Handover(*handover) if handover[0] is not None else None), int(streak or 0)

    def start(
        self, sender: str, reason: str, question: str, context: list[tuple[str, str]], now: float | None = None
    ) -> tuple[Handover, bool]:
        """Queue `sender` (True) or return the hand-over it already has (False)."""
        now = time.time() if now is None else now
        existing = self.active(sender)
        if existing:
            return existing, False
        try:
            with self.db.transaction() as connection:
                connection.execute(
                    text(
                        "INSERT INTO handovers (sender, channel, state, reason, question, created_at, last_in_at, "
                        "last_activity, updated_at) VALUES (:sender, :channel, 'waiting', :reason, :question, "
                        ":now, :now, :now, :now)"
                    ),
                    {
                        "sender": sender,
                        "channel": sender.split(":", 1)[0],
                        "reason": reason,
                        "question": question,
                        "now": now,
                    },
                )
                row = connection.execute(
                    text("SELECT id FROM handovers WHERE sender = :sender AND state <> 'closed'"), {"sender": sender}
                ).one()
                for index, (direction, message) in enumerate(context):
                    connection.execute(
                        text(
                            "INSERT INTO handover_messages (handover_id, at, direction, text) "
                            "VALUES (:id, :at, :direction, :text)"
                        ),
                        {
                            "id": row[0],
                            "at": now - (len(context) - index) * 1e-3,
                            "direction": direction,
                            "text": message,
                        },
                    )
        except IntegrityError:  # another gateway queued this sender at the same moment
            existing = self.active(sender)
            if existing:
                return existing, False
            raise
        return self.get(row[0]), True

    def add_message(
        self,
        handover_id: int,
        direction: str,
        message: str,
        author: str = "",
        delivery: str = "",
        now: float | None = None,
    ) -> int:
        """Append one message to the transcript; staff replies and producer messages count as activity."""
        now = time.time() if now is None else now
        with self.db.transaction() as connection:
            connection.execute(
                text(
                    "INSERT INTO handover_messages (handover_id, at, direction, author, text, delivery) "
                    "VALUES (:id, :at, :direction, :author, :text, :delivery)"
                ),
                {
                    "id": handover_id,
                    "at": now,
                    "direction": direction,
                    "author": author,
                    "text": message,
                    "delivery": delivery,
                },
            )
            changes = "updated_at = :now"
            if direction == "in":
                changes += ", last_in_at = :now, last_activity = :now"
            elif direction == "staff" and delivery in ("sent", "stored"):
                changes += (
                    ", last_activity = :now, first_reply_at = COALESCE(first_reply_at, :now), "
                    "state = CASE WHEN state = 'waiting' THEN 'open' ELSE state END"
                )
            connection.execute(text(f"UPDATE handovers SET {changes} WHERE id = :id"), {"id": handover_id, "now": now})
            rows = connection.execute(
                text("SELECT MAX(id) FROM handover_messages WHERE handover_id = :id"), {"id": handover_id}
            ).one()
        return rows[0]

    def assign(self, handover_id: int, username: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return bool(
            self.db.run(
                "UPDATE handovers SET assignee = :user, state = 'open', last_activity = :now, updated_at = :now "
                "WHERE id = :id AND state <> 'closed'",
                user=username,
                now=now,
                id=handover_id,
            )
        )

    def set_note(self, handover_id: int, note: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        return bool(
            self.db.run(
                "UPDATE handovers SET note = :note, updated_at = :now WHERE id = :id",
                note=note,
                now=now,
                id=handover_id,
            )
        )

    def close(self, handover_id: int, how: str, now: float | None = None) -> bool:
        """Close an active hand-over (`how`: returned, closed, timeout); False when it was already closed."""
        now = time.time() if now is None else now
        return bool(
            self.db.run(
                "UPDATE handovers SET state = 'closed', closed_how = :how, closed_at = :now, updated_at = :now "
                "WHERE id = :id AND state <> 'closed'",
                how=how,
                now=now,
                id=handover_id,
            )
        )

    def listing(self, include_closed_since: float | None = None) -> list[Handover]:
        """Active hand-overs, oldest first (and those closed since the given time, newest first after them)."""
        rows = self.db.rows(f"SELECT {_COLUMNS} FROM handovers WHERE state <> 'closed' ORDER BY created_at, id")
        found = [Handover(*row) for row in rows]
        if include_closed_since is not None:
            rows = self.db.rows(
                f"SELECT {_COLUMNS} FROM handovers WHERE state = 'closed' AND closed_at >= :since "
                "ORDER BY closed_at DESC LIMIT 50",
                since=include_closed_since,
            )
            found += [Handover(*row) for row in rows]
        return found

    def messages(self, handover_id: int, after: int = 0) -> list[Message]:
        rows = self.db.rows(
            "SELECT id, handover_id, at, direction, author, text, delivery FROM handover_messages "
            "WHERE handover_id = :id AND id > :after ORDER BY id",
            id=handover_id,
            after=after,
        )
        return [Message(*row) for row in rows]

    def new_messages(self, after: int) -> list[Message]:
        """Messages of every hand-over added after message id `after` (what the inbox's live stream sends)."""
        rows = self.db.rows(
            "SELECT id, handover_id, at, direction, author, text, delivery FROM handover_messages "
            "WHERE id > :after ORDER BY id LIMIT 500",
            after=after,
        )
        return [Message(*row) for row in rows]

    def version(self) -> tuple[int, float]:
        """Changes as seen by every gateway: (last message id, last queue change)."""
        message = self.db.rows("SELECT COALESCE(MAX(id), 0) FROM handover_messages")[0][0]
        changed = self.db.rows("SELECT COALESCE(MAX(updated_at), 0) FROM handovers")[0][0]
        return int(message), float(changed)

    def pushed_to(self, sender: str, after: int) -> list[Message]:
        """Staff replies and notices for `sender` with ids after `after` (the web chat's push)."""
        rows = self.db.rows(
            "SELECT m.id, m.handover_id, m.at, m.direction, m.author, m.text, m.delivery FROM handover_messages m "
            "JOIN handovers h ON h.id = m.handover_id WHERE h.sender = :sender AND m.id > :after "
            "AND m.direction IN ('staff', 'system') ORDER BY m.id",
            sender=sender,
            after=after,
        )
        return [Message(*row) for row in rows]

    def last_message_id(self) -> int:
        return int(self.db.rows("SELECT COALESCE(MAX(id), 0) FROM handover_messages")[0][0])

    def waiting_ahead(self, handover: Handover) -> int:
        rows = self.db.rows(
            "SELECT COUNT(*) FROM handovers WHERE state = 'waiting' AND created_at < :at", at=handover.created_at
        )
        return int(rows[0][0])

    def recent_first_replies(self, limit: int = 20) -> list[tuple[float, float]]:
        """(queued at, first staff reply at) of the latest answered hand-overs."""
        rows = self.db.rows(
            "SELECT created_at, first_reply_at FROM handovers WHERE first_reply_at IS NOT NULL "
            "ORDER BY first_reply_at DESC LIMIT :limit",
            limit=limit,
        )
        return [(row[0], row[1]) for row in rows]

    def canned_replies(self) -> list[dict]:
        rows = self.db.rows("SELECT id, title, text FROM canned_replies ORDER BY id")
        return [{"id": row[0], "title": row[1], "text": row[2]} for row in rows]

    def refused(self, sender: str, now: float | None = None) -> int:
        """Count one more refusal in a row for `sender`; the run's length."""
        now = time.time() if now is None else now
        with self.db.transaction() as connection:
            connection.execute(
                text(
                    "INSERT INTO refusal_streaks (sender, count, at) VALUES (:sender, 1, :now) "
                    "ON CONFLICT (sender) DO UPDATE SET count = refusal_streaks.count + 1, at = :now"
                ),
                {"sender": sender, "now": now},
            )
            return int(
                connection.execute(
                    text("SELECT count FROM refusal_streaks WHERE sender = :sender"), {"sender": sender}
                ).one()[0]
            )

    def answered(self, sender: str) -> None:
        """The run of refusals ends (an answer, or a hand-over)."""
        self.db.run("DELETE FROM refusal_streaks WHERE sender = :sender", sender=sender)

    def delete_sender(self, sender: str) -> int:
        """Delete every hand-over of `sender` with its transcript; the number of hand-overs deleted."""
        with self.db.transaction() as connection:
            ids = [
                row[0] for row in connection.execute(text("SELECT id FROM handovers WHERE sender = :s"), {"s": sender})
            ]
            for handover_id in ids:
                connection.execute(text("DELETE FROM handover_messages WHERE handover_id = :id"), {"id": handover_id})
            connection.execute(text("DELETE FROM handovers WHERE sender = :s"), {"s": sender})
            connection.execute(text("DELETE FROM refusal_streaks WHERE sender = :s"), {"s": sender})
        return len(ids)
