"""The gateway's state on a real PostgreSQL server, shared by several gateway instances."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import text

from gateway.channels.telegram.callback_keys import CallbackKeys
from gateway.channels.zalo.numbered_choices import NumberedChoices
from gateway.conversation import Button
from gateway.database import advisory_key, open_database, postgres_engine
from gateway.inbox import Inbox
from gateway.message_log import open_message_log
from gateway.migrations import applied, available
from stack.index_build import LOCK_NAME
from stack.services import ROOT


def test_instances_starting_together_migrate_once(database_url, tmp_path):
    barrier = threading.Barrier(4)

    def start(_):
        barrier.wait()
        return open_database(database_url, tmp_path)

    with ThreadPoolExecutor(4) as pool:
        databases = list(pool.map(start, range(4)))
    versions = [version for version, _ in applied(databases[0])]
    assert versions == [m.version for m in available("postgresql")]
    assert all(d.shared and d.dialect == "postgresql" for d in databases)


def test_buttons_shown_by_one_instance_work_on_another(database_url, tmp_path):
    first, second = open_database(database_url, tmp_path / "a"), open_database(database_url, tmp_path / "b")
    long_payload = '/inform{"product": "' + "nước mắm Phú Quốc " * 6 + '"}'
    assert CallbackKeys(second).decode(CallbackKeys(first).encode(long_payload)) == long_payload
    NumberedChoices(first).offer("zalo:1", (Button("Hồ sơ", "/ask_dossier"), Button("Hạng sao", "/ask_star_levels")))
    assert NumberedChoices(second).resolve("zalo:1", "2") == "/ask_star_levels"
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists(), "nothing written to local disk"


def test_message_log_is_one_table_with_hashed_users(database_url, tmp_path):
    first, second = open_database(database_url, tmp_path), open_database(database_url, tmp_path)
    log_a, log_b = open_message_log(first, tmp_path), open_message_log(second, tmp_path)
    assert log_a.user_hash("zalo:2468013579") == log_b.user_hash("zalo:2468013579"), "one key for every instance"
    log_a.record("zalo:2468013579", "in", "hồ sơ gồm những gì")
    log_b.record("telegram:42", "out", "Hồ sơ gồm phiếu đăng ký.")
    rows = first.rows("SELECT channel, user_hash, direction, text FROM message_log ORDER BY id")
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("zalo", "in", "hồ sơ gồm những gì"),
        ("telegram", "out", "Hồ sơ gồm phiếu đăng ký."),
    ]
    assert "2468013579" not in str(rows)


def test_two_instances_claiming_at_once_never_take_the_same_update(database_url, tmp_path):
    inboxes = [Inbox(open_database(database_url, tmp_path), 60, 3600) for _ in range(3)]
    for number in range(300):
        inboxes[0].accept("zalo", f"msg:{number}", f"zalo:user{number % 30}", f"{number}")
    claimed: list[list[int]] = [[] for _ in inboxes]
    in_claim_order: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 60

    def worker(index: int) -> None:
        inbox = inboxes[index]
        while inbox.pending() and time.monotonic() < deadline:
            for item in inbox.claim(8, ["zalo"]):
                with lock:
                    in_claim_order.append(int(item.body))
                claimed[index].append(int(item.body))
                inbox.finish(item.id)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(inboxes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [n for part in claimed for n in part]
    assert sorted(everything) == list(range(300)), "each update once"
    assert all(claimed), "every instance took a share"
    for user in range(30):
        turns = [n for n in in_claim_order if n % 30 == user]
        assert turns == sorted(turns), f"user{user}'s updates were processed out of order across instances"


def test_an_index_build_waits_for_the_cluster_wide_lock(database_url, tmp_path):
    index_dir = tmp_path / "shared-volume" / "kb_index"
    engine = postgres_engine(database_url)
    with engine.connect() as holder:  # another machine is building
        holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": advisory_key(LOCK_NAME)})
        build = subprocess.Popen(
            [sys.executable, "-m", "stack.index_build"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "OCOP_DATABASE_URL": database_url, "OCOP_KB_INDEX_DIR": str(index_dir)},
        )
        # the build is seen queued behind the lock (not merely slow to start) before checking it built nothing
        deadline = time.monotonic() + 120
        while not holder.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        ).scalar():
            assert build.poll() is None and time.monotonic() < deadline, "the build never asked for the lock"
            time.sleep(0.05)
        assert not (index_dir / "manifest.json").exists(), "waited for the lock"
        holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": advisory_key(LOCK_NAME)})
    output, _ = build.communicate(timeout=180)
    engine.dispose()
    assert build.returncode == 0, output.decode(errors="replace")[-2000:]
    assert (index_dir / "manifest.json").exists() and b"Index ready" in output


def test_text_postgresql_cannot_hold_is_logged_cleaned(database_url, tmp_path):
    database = open_database(database_url, tmp_path)
    open_message_log(database, tmp_path).record("telegram:42", "in", "hồ sơ\x00 gồm \ud800gì")
    assert database.rows("SELECT text FROM message_log")[0][0] == "hồ sơ gồm ?gì"
