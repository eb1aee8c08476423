"""The chat's records for the staff pages: an answer carries "Hữu ích / Chưa đúng", a press stores the
verdict with the question and citation, refusals and self-assessment results are kept, under hashed ids."""

from __future__ import annotations

import json
import shutil

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from gateway.staff import records as records_module
from knowledge_base.retrieval import clear_cache
from tests.unit.retrieval.conftest import FIXTURE_DOCS

SENDER = "zalo:8841"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("OCOP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("OCOP_DATABASE_URL", "")
    monkeypatch.setattr(records_module, "_opened", None)
    yield records_module.records()
    records_module.settle()
    records_module.records().db.close()


@pytest.fixture
def small_kb(tmp_path, monkeypatch):
    """The fixture decisions with their index in a temporary folder (never the build output var/kb_index)."""
    shutil.copytree(FIXTURE_DOCS, tmp_path / "documents")
    monkeypatch.setenv("OCOP_KB_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("OCOP_KB_INDEX_DIR", str(tmp_path / "kb_index"))
    clear_cache()
    yield
    clear_cache()


def _tracker(text: str, intent: str, entities=(), events=()) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": list(entities)}
    return Tracker(
        SENDER, {}, message, list(events) + [{"event": "user", **message}], False, None, None, "action_listen"
    )


async def _run(action, tracker: Tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, {})
    return dispatcher.messages


async def test_an_answer_carries_feedback_buttons_and_a_press_stores_question_and_citation(store, small_kb):
    from actions.answer_question import ActionAnswerQuestion
    from actions.feedback import ActionRecordFeedback

    question = "Hồ sơ đăng ký OCOP gồm những gì?"
    [reply] = await _run(ActionAnswerQuestion(), _tracker(question, "ask_dossier"))
    titles = [b["title"] for b in reply["buttons"]]
    assert titles[-2:] == ["Hữu ích", "Chưa đúng"]
    payload = reply["buttons"][-1]["payload"]
    assert payload.startswith("/feedback_unhelpful{")
    answer_id = json.loads(payload[len("/feedback_unhelpful") :])["answer_id"]
    assert answer_id and "~" not in answer_id

    press = _tracker(payload, "feedback_unhelpful", [{"entity": "answer_id", "value": answer_id}])
    await _run(ActionRecordFeedback(), press)
    rows = store.db.rows("SELECT channel, user_hash, verdict, question, answer_id, citation FROM feedback")
    assert len(rows) == 1
    channel, user_hash, verdict, stored_question, stored_id, citation = rows[0]
    assert (channel, verdict, stored_question, stored_id) == ("zalo", "unhelpful", question, answer_id)
    assert "QĐ" in citation
    assert user_hash == store.user_hash(SENDER) and "8841" not in user_hash


async def test_a_refusal_is_logged_without_feedback_buttons(store, small_kb):
    from actions.answer_question import ActionAnswerQuestion

    [reply] = await _run(ActionAnswerQuestion(), _tracker("giá vàng hôm nay bao nhiêu", "nlu_fallback"))
    assert all(not b["payload"].startswith("/feedback_") for b in reply.get("buttons") or [])
    records_module.settle()  # the answer is written on the records' writer thread
    rows = store.db.rows("SELECT outcome, question, answer_id FROM answer_log")
    assert rows == [("refused", "giá vàng hôm nay bao nhiêu", "")]


async def test_feedback_typed_by_hand_takes_the_earlier_question(store):
    from actions.feedback import ActionRecordFeedback

    earlier = [{"event": "user", "text": "sản phẩm hết hạn chứng nhận thì sao"}, {"event": "bot", "text": "…"}]
    await _run(ActionRecordFeedback(), _tracker("chưa đúng", "feedback_unhelpful", events=earlier))
    rows = store.db.rows("SELECT verdict, question, answer_id FROM feedback")
    assert rows == [("unhelpful", "sản phẩm hết hạn chứng nhận thì sao", "")]


def test_a_self_assessment_result_is_kept_with_its_product_set(store):
    from actions.self_assessment import record_result
    from knowledge_base.scoring import get_sheet

    sheet = get_sheet(4)
    record_result(SENDER, sheet, {})
    [(product_set, stars, total)] = store.db.rows("SELECT product_set, stars, total FROM selfassess_results")
    assert product_set.startswith(f"Bộ {sheet.number}:") and 0 <= stars <= 5 and total >= 0


def test_a_broken_store_never_breaks_the_chat(monkeypatch, caplog):
    def broken():
        raise OSError("disk gone")

    monkeypatch.setattr(records_module, "records", broken)
    records_module.safely("feedback", lambda r: r.feedback(SENDER, "helpful", "q", "a", "c"))
    assert "could not record feedback (OSError)" in caplog.text and SENDER not in caplog.text
