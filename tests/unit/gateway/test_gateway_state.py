"""Persistent gateway state on the embedded SQLite default: callback keys, numbered choices, the inbox."""

from __future__ import annotations

import sqlite3
import time

from gateway.channels.telegram.callback_keys import CALLBACK_DATA_LIMIT, CallbackKeys
from gateway.channels.zalo.numbered_choices import NumberedChoices, numbered_list
from gateway.conversation import Button
from gateway.database import STATE_FILE, open_database
from gateway.inbox import MAX_ATTEMPTS, Inbox
from gateway.migrations import applied, available


def test_callback_keys_keep_short_payloads_and_map_long_ones(tmp_path):
    keys = CallbackKeys(open_database("", tmp_path))
    assert keys.encode("/ask_dossier") == "/ask_dossier"
    long_payload = '/inform{"product": "' + "mật ong rừng " * 10 + '"}'
    key = keys.encode(long_payload)
    assert len(key.encode()) <= CALLBACK_DATA_LIMIT and key == keys.encode(long_payload)
    assert keys.decode(key) == long_payload and keys.decode("/ask_dossier") == "/ask_dossier"
    assert keys.decode("k:missing") is None
    tricky = "k:looks-like-a-key"
    assert keys.decode(keys.encode(tricky)) == tricky
    assert CallbackKeys(open_database("", tmp_path)).decode(key) == long_payload, "survives a restart"


def test_numbered_choices(tmp_path):
    choices = NumberedChoices(open_database("", tmp_path))
    buttons = (Button("Hồ sơ đăng ký", "/ask_dossier"), Button("Hạng sao", "/ask_star_levels"))
    assert numbered_list(buttons).splitlines()[1:] == ["1. Hồ sơ đăng ký", "2. Hạng sao"]
    assert choices.resolve("zalo:1", "1") is None
    choices.offer("zalo:1", buttons)
    assert choices.resolve("zalo:1", "2") == "/ask_star_levels"
    assert choices.resolve("zalo:1", " số 1. ") == "/ask_dossier"
    assert choices.resolve("zalo:1", "ho so dang ky") == "/ask_dossier"
    assert choices.resolve("zalo:1", "3") is None
    assert choices.resolve("zalo:1", "hồ sơ gồm gì") is None
    assert choices.resolve("zalo:2", "1") is None
    assert NumberedChoices(open_database("", tmp_path)).resolve("zalo:1", "2") == "/ask_star_levels"
    choices.offer("zalo:1", ())
    assert choices.resolve("zalo:1", "1") is None


def test_inbox_accepts_once_and_keeps_each_senders_updates_in_order(tmp_path):
    inbox = Inbox(open_database("", tmp_path), lease_seconds=60, max_age=3600)
    assert inbox.accept("zalo", "msg:1", "zalo:a", "first of a")
    assert not inbox.accept("zalo", "msg:1", "zalo:a", "first of a"), "a repeated delivery is dropped"
    assert inbox.accept("zalo", "msg:2", "zalo:a", "second of a")
    assert inbox.accept("zalo", "msg:3", "zalo:b", "first of b")
    assert inbox.accept("telegram", "msg:1", "telegram:a", "same key, other channel")
    first = inbox.claim(10, ["zalo"])
    assert [item.body for item in first] == ["first of a", "first of b"], "only the head of each sender"
    assert inbox.claim(10, ["zalo"]) == [], "leased updates are not handed out twice"
    inbox.finish(first[0].id)
    assert [item.body for item in inbox.claim(10, ["zalo"])] == ["second of a"]
    assert [item.channel for item in inbox.claim(10, ["zalo", "telegram"])] == ["telegram"]


def test_a_dead_instances_updates_go_to_another_after_the_lease(tmp_path):
    dead = Inbox(open_database("", tmp_path), lease_seconds=0.2, max_age=3600)
    dead.accept("zalo", "msg:1", "zalo:a", "body")
    (held,) = dead.claim(10, ["zalo"])
    survivor = Inbox(open_database("", tmp_path), lease_seconds=60, max_age=3600)
    assert survivor.claim(10, ["zalo"]) == []
    time.sleep(0.3)
    (taken,) = survivor.claim(10, ["zalo"])
    assert taken.id == held.id and taken.body == "body"


def test_an_update_that_keeps_failing_is_given_up(tmp_path):
    inbox = Inbox(open_database("", tmp_path), lease_seconds=0, max_age=3600)
    inbox.accept("zalo", "msg:1", "zalo:a", "poison")
    for _ in range(MAX_ATTEMPTS):
        assert inbox.claim(10, ["zalo"])
    assert inbox.claim(10, ["zalo"]) == [] and inbox.pending() == 0


def test_migrations_adopt_the_first_state_file_and_move_its_events(tmp_path):
    legacy = sqlite3.connect(tmp_path / STATE_FILE)
    legacy.execute("CREATE TABLE callback_keys (key TEXT PRIMARY KEY, payload TEXT NOT NULL)")
    legacy.execute("INSERT INTO callback_keys VALUES ('k:abc', '/ask_dossier')")
    legacy.execute(
        "CREATE TABLE zalo_events (key TEXT PRIMARY KEY, received_at REAL NOT NULL, body TEXT NOT NULL, "
        "done INTEGER NOT NULL DEFAULT 0)"
    )
    legacy.execute("INSERT INTO zalo_events VALUES ('msg:7', strftime('%s','now'), '{\"x\": 1}', 0)")
    legacy.commit()
    legacy.close()
    database = open_database("", tmp_path)
    assert [version for version, _ in applied(database)] == [m.version for m in available("sqlite")]
    assert CallbackKeys(database).decode("k:abc") == "/ask_dossier"
    inbox = Inbox(database, lease_seconds=60, max_age=3600)
    assert not inbox.accept("zalo", "msg:7", "zalo:u", "again"), "the old dedup key still counts"
    assert [item.body for item in inbox.claim(10, ["zalo"])] == ['{"x": 1}']
    assert open_database("", tmp_path).rows("SELECT COUNT(*) FROM schema_migrations")[0][0] == len(available("sqlite"))
