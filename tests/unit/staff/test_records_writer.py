"""The actions' records are written on one writer thread: a turn does not wait for the store, order is kept."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from actions.feedback import record_answer
from gateway.staff import records as records_module

SENDER = "telegram:5150"
STORE_SECONDS = 0.6


@pytest.fixture
def slow_store(tmp_path, monkeypatch):
    monkeypatch.setenv("OCOP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("OCOP_DATABASE_URL", "")
    monkeypatch.setattr(records_module, "_opened", None)
    answer = records_module.Records.answer

    def slow_answer(self, *args):
        time.sleep(STORE_SECONDS)  # a store that is slow, or locked by another writer
        answer(self, *args)

    monkeypatch.setattr(records_module.Records, "answer", slow_answer)
    yield records_module.records()
    records_module.settle()
    records_module.records().db.close()


def refusal() -> SimpleNamespace:
    return SimpleNamespace(confident=False, hits=[], citation="")


def test_an_answer_is_logged_without_the_turn_waiting_for_the_store(slow_store):
    started = time.monotonic()
    for number in range(3):
        record_answer(SENDER, f"câu hỏi {number}", "nlu_fallback", refusal())
    assert time.monotonic() - started < STORE_SECONDS  # writing in the turn would take three times that
    records_module.settle()
    assert [q for (q,) in slow_store.db.rows("SELECT question FROM answer_log ORDER BY id")] == [
        "câu hỏi 0",
        "câu hỏi 1",
        "câu hỏi 2",
    ]


def test_a_lookup_queued_after_an_answer_finds_it(slow_store):
    record_answer(SENDER, "hồ sơ gồm gì", "nlu_fallback", refusal())
    found = []
    records_module.later("a lookup", lambda r: found.append(r.last_answer(SENDER, ""))).result()
    assert found == [("hồ sơ gồm gì", "")]
