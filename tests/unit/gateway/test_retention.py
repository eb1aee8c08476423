"""Retention: old message-log records and idle Rasa conversations are deleted, recent ones kept."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from gateway.database import STATE_FILE, open_database
from gateway.message_log import MessageLog
from gateway.retention import DAY, prune_message_log, prune_sqlite_tracker, prune_tracker_table
from gateway.settings import REPO_ROOT
from tests.fakes.fixtures import run_gateway

NOW = time.time()


def old_line(days: float, text: str) -> str:
    record = {"ts": NOW - days * DAY, "channel": "web", "user": "0" * 16, "direction": "in", "status": "ok"}
    return json.dumps({**record, "text": text}, ensure_ascii=False) + "\n"


def tracker_db(path: Path, conversations: dict[str, list[float]]) -> None:
    """Rasa's SQLTrackerStore table with events `days` ago per sender."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, type_name VARCHAR(255) "
            "NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)"
        )
        for sender, ages in conversations.items():
            for age in ages:
                connection.execute(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
                    (sender, NOW - age * DAY),
                )
    connection.close()


def senders(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    rows = connection.execute("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id").fetchall()
    connection.close()
    return dict(rows)


def test_old_message_records_go_and_recent_ones_stay(tmp_path):
    log = MessageLog(tmp_path, backups=2)
    (tmp_path / "messages.jsonl").write_text(old_line(400, "cũ") + old_line(2, "mới"), encoding="utf-8")
    log.record("web:keep-0001", "in", "vừa gửi")
    rotated = tmp_path / "messages.jsonl.1"
    rotated.write_text(old_line(500, "rất cũ") * 3, encoding="utf-8")
    os.utime(rotated, (NOW - 500 * DAY, NOW - 500 * DAY))
    assert prune_message_log(log, 365) == 4
    texts = [json.loads(line)["text"] for line in (tmp_path / "messages.jsonl").read_text().splitlines()]
    assert texts == ["mới", "vừa gửi"] and not rotated.exists()
    assert oct((tmp_path / "messages.jsonl").stat().st_mode & 0o777) == "0o600"
    assert prune_message_log(log, 0) == 0  # 0 keeps everything


def test_a_conversation_goes_whole_once_its_last_event_is_older_than_the_limit(tmp_path):
    path = tmp_path / "tracker.db"
    tracker_db(path, {"web:idle": [300, 200, 181], "web:back": [400, 300, 3], "web:new": [1]})
    assert prune_sqlite_tracker(path, 180) == 3
    assert senders(path) == {"web:back": 3, "web:new": 1}
    assert prune_sqlite_tracker(path, 0) == 0
    assert prune_sqlite_tracker(tmp_path / "missing.db", 30) == 0


def test_the_tracker_table_of_a_database_is_pruned_with_the_same_rule(tmp_path):
    database = open_database("", tmp_path)
    try:
        assert prune_tracker_table(database, 30) == 0  # Rasa has not created its table yet
        tracker_db(tmp_path / STATE_FILE, {"zalo:idle": [90, 60], "zalo:busy": [90, 1]})
        assert prune_tracker_table(database, 30) == 2
        assert [row[0] for row in database.rows("SELECT DISTINCT sender_id FROM events")] == ["zalo:busy"]
    finally:
        database.close()


def test_the_gateway_prunes_at_start(gateway_settings):
    data_dir = gateway_settings.data_dir
    data_dir.mkdir(parents=True)
    tracker_db(data_dir / "tracker.db", {"web:idle": [400], "web:new": [1]})
    with run_gateway(gateway_settings.replace(tracker_retention_days=30)) as gateway:
        assert httpx.get(f"{gateway.url}/healthz", timeout=5).status_code == 200
        deadline = time.monotonic() + 5
        while "web:idle" in senders(data_dir / "tracker.db") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert senders(data_dir / "tracker.db") == {"web:new": 1}


def test_the_command_prunes_once_and_says_what_went(tmp_path):
    tracker_db(tmp_path / "tracker.db", {"web:idle": [40, 35], "web:new": [1]})
    env = {**os.environ, "OCOP_DATA_DIR": str(tmp_path), "OCOP_TRACKER_RETENTION_DAYS": "30", "OCOP_DATABASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "gateway.retention"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert "2 tracker events of conversations idle over 30 days" in result.stdout
    assert senders(tmp_path / "tracker.db") == {"web:new": 1}


def test_a_configured_tracker_path_is_the_one_pruned(tmp_path):
    """`OCOP_TRACKER_DB` outside the data directory (Rasa's store on another disk) is still pruned."""
    data_dir, elsewhere = tmp_path / "var", tmp_path / "rasa" / "conversations.db"
    data_dir.mkdir()
    elsewhere.parent.mkdir()
    tracker_db(elsewhere, {"web:idle": [40, 35], "web:new": [1]})
    tracker_db(data_dir / "tracker.db", {"web:stray": [40]})
    env = {
        **os.environ,
        "OCOP_DATA_DIR": str(data_dir),
        "OCOP_TRACKER_DB": str(elsewhere),
        "OCOP_TRACKER_RETENTION_DAYS": "30",
        "OCOP_DATABASE_URL": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gateway.retention"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert "2 tracker events" in result.stdout
    assert senders(elsewhere) == {"web:new": 1}
    assert senders(data_dir / "tracker.db") == {"web:stray": 1}  # not the configured store: untouched
