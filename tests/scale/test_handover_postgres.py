"""The hand-over queue on a real PostgreSQL server, shared by two gateway instances (tests/scale fixtures)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from gateway.database import open_database
from gateway.handover.store import HandoverStore
from gateway.message_log import open_message_log
from gateway.privacy import Eraser


def test_two_instances_share_one_queue_and_never_open_two_hand_overs_for_a_producer(database_url, tmp_path):
    first = HandoverStore(open_database(database_url, tmp_path))
    second = HandoverStore(open_database(database_url, tmp_path))
    barrier = threading.Barrier(2)

    def queue(store):
        barrier.wait()
        return store.start("zalo:77", "asked", "thuế khoán", [("in", "thuế khoán")])

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(queue, (first, second)))
    assert sorted(created for _, created in results) == [False, True]
    assert results[0][0].id == results[1][0].id
    (handover,) = second.listing()
    reply = first.add_message(handover.id, "staff", "Chào anh", "lan", "sent")
    assert [m.id for m in second.new_messages(reply - 1)] == [reply], "the other instance's live stream sees it"
    assert second.get(handover.id).state == "open"
    assert first.version() == second.version()
    assert second.close(handover.id, "returned") and not first.close(handover.id, "returned"), "closed once"
    assert first.refused("web:abc") == 1 and second.refused("web:abc") == 2
    assert first.turn_state("web:abc") == (None, 2)


def test_erasure_deletes_the_rasa_events_in_the_shared_database(database_url, tmp_path):
    database = open_database(database_url, tmp_path)
    database.run("CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id TEXT NOT NULL, data TEXT)")
    database.run("INSERT INTO events (sender_id, data) VALUES ('zalo:1', '{}'), ('zalo:1', '{}'), ('zalo:2', '{}')")
    store = HandoverStore(database)
    store.start("zalo:1", "asked", "", [("in", "xin chào")])
    log = open_message_log(database, tmp_path)
    log.record("zalo:1", "in", "xin chào")
    log.record("zalo:2", "in", "xin chào")
    counts = Eraser(database, store, log, tmp_path / "tracker.db").erase("zalo:1")
    assert (counts["tracker_events"], counts["handovers"], counts["messages"]) == (2, 1, 1)
    assert database.rows("SELECT sender_id FROM events") == [("zalo:2",)]
    assert database.rows("SELECT COUNT(*) FROM message_log")[0][0] == 1
