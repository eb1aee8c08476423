"""stack/tracker_cache.py inside the Rasa environment: a turn starts from what the database holds, as in Rasa.

What a user would notice if it did not: a reply that forgets what was just said, or remembers what another Rasa
instance never saw, a conversation erased on request that comes back, or the same message stored twice.
Real SQLTrackerStore on a SQLite file, two store objects standing for two Rasa instances on one database.
"""

import pytest

from tests.rasa.rasa_cli import rasa_probe

PROBE = """
import asyncio, json, sqlite3, sys, tempfile
from pathlib import Path
from stack import rasa_speedups
rasa_speedups.apply()
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

db = str(Path(tempfile.mkdtemp()) / "tracker.db")
store = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=db)
other = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=db)  # a second Rasa instance
saved = []  # every event handed to a save, in order: what the database must hold, once each

def turn(text):
    return [UserUttered(text, {"name": "ask_question", "confidence": 0.9}), ActionExecuted("action_answer_question"),
            BotUttered("Trả lời: " + text), ActionExecuted("action_listen")]

def session_start():
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]

def add(tracker, events):
    for event in events:
        tracker.update(event)
        saved.append(event)

def texts(tracker):
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]

def dicts(tracker):
    return [e.as_dict() for e in tracker.events]

async def reload(sender):
    return await SQLTrackerStore._retrieve(store, sender, fetch_events_from_all_sessions=False)

async def main():
    out = {}
    first = DialogueStateTracker("web:a", [])
    add(first, session_start() + turn("câu 1"))
    await store.save(first)
    # Rasa reloads a session from its session_started on: the first turn's tracker holds one event more
    out["kept_after_first_turn"] = len(store._ocop_tracker_cache)
    second = await store.retrieve("web:a")
    add(second, turn("câu 2"))
    await store.save(second)
    out["kept_after_second_turn"] = len(store._ocop_tracker_cache)
    third = await store.retrieve("web:a")
    out["hit_is_saved_object"] = third is second
    out["hit_equals_database"] = dicts(third) == dicts(await reload("web:a"))
    again = await store.retrieve("web:a")  # handed out once: a second caller gets its own copy
    out["second_caller_own_object"] = again is not third and dicts(again) == dicts(third)
    add(third, turn("câu 3"))
    await store.save(third)

    # another instance answers the next turn: this one must see it
    elsewhere = await other.retrieve("web:a")
    add(elsewhere, turn("câu 4 (máy khác)"))
    await other.save(elsewhere)
    seen = await store.retrieve("web:a")
    out["sees_other_instance"] = texts(seen)
    add(seen, turn("câu 5"))
    await store.save(seen)

    # changed after its save (a failed turn): not handed out
    add(seen, [UserUttered("chưa lưu", {"name": "ask_question"})])
    saved.pop()
    out["unsaved_not_served"] = texts(await store.retrieve("web:a"))

    # a new session inside a turn: Rasa reloads only the new session, so nothing is kept
    current = await store.retrieve("web:a")
    await store.save(current)
    add(current, session_start() + turn("phiên mới"))
    await store.save(current)
    out["kept_after_new_session"] = "web:a" in store._ocop_tracker_cache._kept
    fresh = await store.retrieve("web:a")
    out["new_session_texts"] = texts(fresh)
    add(fresh, turn("phiên mới 2"))
    await store.save(fresh)

    rows = sqlite3.connect(db).execute(
        "SELECT data FROM events WHERE sender_id = 'web:a' ORDER BY id").fetchall()
    from stack.tracker_cache import _rows
    with store.session_scope() as session:
        out["latest_session_rows"] = [_rows(session, "web:a")[1],
                                      store._event_query(session, "web:a", fetch_events_from_all_sessions=False).count()]
    out["rows_as_saved"] = [json.loads(r[0]) for r in rows] == [json.loads(json.dumps(e.as_dict())) for e in saved]

    # erased on request (the gateway deletes the rows): the conversation does not come back
    cached = await store.retrieve("web:a")
    await store.save(cached)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM events WHERE sender_id = 'web:a'")
    out["erased"] = await store.retrieve("web:a")
    out["journal_mode"] = sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0]
    out["hits"] = store._ocop_tracker_cache.hits
    return out

print(json.dumps(asyncio.run(main()), ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def probe():
    return rasa_probe(PROBE)


def test_a_turn_starts_from_the_conversation_the_previous_turn_saved(probe):
    assert probe["kept_after_first_turn"] == 0
    assert probe["kept_after_second_turn"] == 1
    assert probe["hit_is_saved_object"] is True
    assert probe["hit_equals_database"] is True
    assert probe["second_caller_own_object"] is True
    assert probe["hits"] >= 2


def test_a_turn_answered_by_another_instance_is_seen(probe):
    assert probe["sees_other_instance"] == ["câu 1", "câu 2", "câu 3", "câu 4 (máy khác)"]


def test_events_not_saved_are_not_remembered(probe):
    assert probe["unsaved_not_served"] == ["câu 1", "câu 2", "câu 3", "câu 4 (máy khác)", "câu 5"]


def test_a_new_session_is_read_back_as_rasa_reads_it(probe):
    assert probe["kept_after_new_session"] is False
    assert probe["new_session_texts"] == ["phiên mới"]


def test_every_event_is_stored_once_in_order(probe):
    assert probe["rows_as_saved"] is True
    ours, rasas = probe["latest_session_rows"]
    assert ours == rasas == 10  # the latest session's rows, counted as Rasa counts them


def test_an_erased_conversation_does_not_come_back(probe):
    assert probe["erased"] is None


def test_the_sqlite_tracker_writes_ahead(probe):
    assert probe["journal_mode"] == "wal"
