"""Retention on the shared PostgreSQL database: old message-log rows and idle Rasa conversations go."""

from __future__ import annotations

import time

from gateway.database import open_database
from gateway.message_log import DatabaseMessageLog
from gateway.retention import DAY, prune_message_log, prune_tracker_table

NOW = time.time()
# Rasa 3.6's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), as Rasa creates it.
RASA_EVENTS = (
    "CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) NOT NULL, "
    "timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
)


def test_idle_conversations_and_old_message_rows_are_deleted(database_url, tmp_path):
    database = open_database(database_url, tmp_path)
    try:
        assert prune_tracker_table(database, 30) == 0  # before Rasa has created its table
        database.run(RASA_EVENTS)
        for sender, ages in {"web:idle": [90, 45], "web:back": [90, 2], "zalo:new": [0.5]}.items():
            for age in ages:
                database.run(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')",
                    s=sender,
                    t=NOW - age * DAY,
                )
        assert prune_tracker_table(database, 30) == 2
        remaining = database.rows("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id ORDER BY sender_id")
        assert [tuple(row) for row in remaining] == [("web:back", 2), ("zalo:new", 1)]

        log = DatabaseMessageLog(database)
        log.record("web:keep-0001", "in", "mới")
        database.run("UPDATE message_log SET ts = :old", old=NOW - 400 * DAY)
        log.record("web:keep-0001", "out", "vừa trả lời")
        assert prune_message_log(log, 365) == 1
        assert [row[0] for row in database.rows("SELECT text FROM message_log")] == ["vừa trả lời"]
    finally:
        database.close()


def test_a_failing_message_log_table_loses_the_record_without_raising(database_url, tmp_path):
    database = open_database(database_url, tmp_path)
    try:
        log = DatabaseMessageLog(database)
        database.run("ALTER TABLE message_log RENAME TO message_log_gone")
        try:
            log.record("web:keep-0002", "in", "câu hỏi")  # the turn that logs it goes on
        finally:
            database.run("ALTER TABLE message_log_gone RENAME TO message_log")
        counted = database.rows(
            "SELECT COUNT(*) FROM message_log WHERE user_hash = :u", u=log.user_hash("web:keep-0002")
        )
        assert counted[0][0] == 0
    finally:
        database.close()
