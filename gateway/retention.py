"""Retention: delete what is older than the configured number of days, one function per store.

* `prune_message_log(log, days)`: the message log, the JSON-lines files (records by their time,
  rotated files by their last write) or the shared database's `message_log` table;
* `prune_sqlite_tracker(path, days)`: Rasa's SQLite tracker store (`OCOP_TRACKER_DB`, default `var/tracker.db`);
* `prune_tracker_table(database, days)`: Rasa's `events` table in the shared PostgreSQL database;
* `gateway.staff.retention.prune_staff(database, days)`: feedback, answer log, self-assessment results,
  audit log (`OCOP_STAFF_RETENTION_DAYS`), ended staff sessions and old login failures.

A conversation is deleted whole once its latest event is older than the limit, so a producer who
comes back keeps the conversation going. `prune_all` applies the settings (`OCOP_MESSAGE_LOG_RETENTION_DAYS`,
`OCOP_TRACKER_RETENTION_DAYS`; 0 keeps everything); the gateway runs it at start and daily
(`retention_task`), and `python -m gateway.retention` runs it once and prints what went.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import time
from pathlib import Path

from sqlalchemy import inspect

from gateway.database import Database, open_database
from gateway.message_log import DatabaseMessageLog, MessageLog, open_message_log
from gateway.settings import Settings
from gateway.staff.retention import prune_staff

logger = logging.getLogger(__name__)

TRACKER_TABLE = "events"
DAY = 86_400.0
# Conversations whose latest event is older than :cutoff (Rasa's SQLTrackerStore keeps one row per event).
_STALE_CONVERSATIONS = (
    f"DELETE FROM {TRACKER_TABLE} WHERE sender_id IN "
    f"(SELECT sender_id FROM {TRACKER_TABLE} GROUP BY sender_id HAVING MAX(timestamp) < :cutoff)"
)


def _cutoff(days: float) -> float:
    return time.time() - days * DAY


def prune_message_log(log: MessageLog | DatabaseMessageLog, days: float) -> int:
    """Delete message records older than `days`; how many went."""
    if days <= 0:
        return 0
    return log.drop_older_than(_cutoff(days))


def prune_sqlite_tracker(path: Path, days: float) -> int:
    """Delete the conversations of Rasa's SQLite tracker store last active more than `days` ago."""
    if days <= 0 or not path.is_file():
        return 0
    connection = sqlite3.connect(path, timeout=10)
    try:
        with connection:
            if not connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TRACKER_TABLE,)
            ).fetchone():
                return 0
            return connection.execute(_STALE_CONVERSATIONS.replace(":cutoff", "?"), (_cutoff(days),)).rowcount
    finally:
        connection.close()


def prune_tracker_table(database: Database, days: float) -> int:
    """Delete the conversations of Rasa's tracker table in the shared database last active more than `days` ago."""
    if days <= 0 or TRACKER_TABLE not in inspect(database.engine).get_table_names():
        return 0
    return database.run(_STALE_CONVERSATIONS, cutoff=_cutoff(days))


def prune_all(settings: Settings, database: Database, log: MessageLog | DatabaseMessageLog) -> dict[str, int]:
    """Apply the retention settings to the message log and the tracker; rows or records deleted per store."""
    tracker = (
        prune_tracker_table(database, settings.tracker_retention_days)
        if database.shared
        else prune_sqlite_tracker(settings.tracker_path, settings.tracker_retention_days)
    )
    return {
        "messages": prune_message_log(log, settings.message_log_retention_days),
        "tracker_events": tracker,
        "staff_records": prune_staff(database, settings.staff_retention_days),
    }


async def retention_task(settings: Settings, database: Database, log: MessageLog | DatabaseMessageLog) -> None:
    """Prune now and then once a day, until cancelled; a failure is logged and retried the next day."""
    while True:
        try:
            counts = await asyncio.to_thread(prune_all, settings, database, log)
            if any(counts.values()):
                logger.info("Retention: deleted %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
        except Exception as error:  # noqa: BLE001 (a store unreachable today: the gateway serves on)
            logger.warning("Retention run failed: %s", type(error).__name__)
        await asyncio.sleep(DAY)


def main() -> int:
    """`python -m gateway.retention`: prune once with the settings of `.env` and the environment."""
    settings = Settings.from_env()
    database = open_database(settings.database_url, settings.data_dir)
    try:
        log = open_message_log(database, settings.data_dir, settings.message_log_max_bytes)
        counts = prune_all(settings, database, log)
    finally:
        database.close()
    print(
        f"Deleted {counts['messages']} message-log records older than {settings.message_log_retention_days:g} days "
        f"and {counts['tracker_events']} tracker events of conversations idle over "
        f"{settings.tracker_retention_days:g} days."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
