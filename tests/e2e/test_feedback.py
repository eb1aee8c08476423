"""End to end: the "Hữu ích / Chưa đúng" buttons under a knowledge-base answer, through the real Rasa server
and action server; the verdict lands in the gateway's store with the question, the answer id and the citation."""

from __future__ import annotations

import json
import uuid

import pytest

from gateway.database import open_database
from tests.e2e.chat import say, text_of

pytestmark = pytest.mark.e2e


def buttons_of(replies: list[dict]) -> dict[str, str]:
    return {button["title"]: button["payload"] for reply in replies for button in reply.get("buttons", [])}


def test_wrong_answer_feedback_is_stored_and_offers_the_hotline_or_a_rephrase(stack):
    sender = f"zalo:{uuid.uuid4().hex[:8]}"
    question = "hồ sơ đăng ký OCOP gồm những giấy tờ gì"
    buttons = buttons_of(say(stack, sender, question))
    assert buttons["Hữu ích"].startswith("/feedback_helpful{")
    unhelpful = buttons["Chưa đúng"]
    answer_id = json.loads(unhelpful[len("/feedback_unhelpful") :])["answer_id"]

    replies = say(stack, sender, unhelpful)
    assert "chưa đúng ý bạn" in replies[0]["text"]
    offered = buttons_of(replies)
    assert offered["Gặp cán bộ hỗ trợ"] == "/human_handoff"
    assert "viết lại câu hỏi" in say(stack, sender, offered["Hỏi lại cách khác"])[0]["text"]

    database = open_database("", stack.config.data_dir)
    try:
        rows = database.rows("SELECT channel, verdict, question, answer_id, citation FROM feedback")
        answers = database.rows("SELECT outcome, question FROM answer_log WHERE answer_id = :a", a=answer_id)
    finally:
        database.close()
    [(channel, verdict, stored_question, stored_id, citation)] = rows
    assert (channel, verdict, stored_question, stored_id) == ("zalo", "unhelpful", question, answer_id)
    assert "QĐ" in citation
    assert ("answered", question) in answers


def test_helpful_feedback_is_thanked(stack):
    sender = f"telegram:{uuid.uuid4().hex[:8]}"
    helpful = buttons_of(say(stack, sender, "sản phẩm OCOP có mấy hạng sao"))["Hữu ích"]
    assert "Cảm ơn bạn đã đánh giá" in say(stack, sender, helpful)[0]["text"]


def test_wrong_answer_feedback_during_the_self_assessment_is_stored_and_the_form_continues(stack):
    sender = f"web:{uuid.uuid4().hex[:8]}"
    assert "sản phẩm của bạn là gì" in text_of(say(stack, sender, "cham thu sp cua em dc may sao"))
    assert "Câu 1/" in text_of(say(stack, sender, "mat ong rung"))
    assert "Câu 2/" in text_of(say(stack, sender, "4"))
    question = "hồ sơ đăng ký OCOP gồm những giấy tờ gì"
    side = say(stack, sender, question)
    assert "Câu 2/" in text_of(side)
    unhelpful = buttons_of(side)["Chưa đúng"]
    answer_id = json.loads(unhelpful[len("/feedback_unhelpful") :])["answer_id"]

    replies = say(stack, sender, unhelpful)
    said = text_of(replies)
    assert "chưa đúng ý bạn" in said and "Câu 2/" in said, said
    offered = buttons_of(replies)
    assert offered["Gặp cán bộ hỗ trợ"] == "/human_handoff"
    # The press was not taken as the answer to question 2: answering it now moves on to question 3.
    assert "Câu 3/" in text_of(say(stack, sender, "4"))

    database = open_database("", stack.config.data_dir)
    try:
        rows = database.rows(
            "SELECT verdict, question, answer_id, citation FROM feedback WHERE channel = 'web' AND answer_id = :a",
            a=answer_id,
        )
    finally:
        database.close()
    [(verdict, stored_question, stored_id, citation)] = rows
    assert (verdict, stored_question, stored_id) == ("unhelpful", question, answer_id)
    assert "QĐ" in citation
