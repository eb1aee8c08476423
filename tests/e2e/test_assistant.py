"""End to end: Vietnamese messages over HTTP to the real Rasa server backed by the real action server."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from stack.services import Service
from tests.e2e.chat import say, text_of

pytestmark = pytest.mark.e2e


def payloads_of(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons", [])]


def new_sender() -> str:
    return f"test:{uuid.uuid4().hex[:8]}"


def test_greeting_offers_the_main_topics_as_buttons(stack):
    replies = say(stack, new_sender(), "xin chào")
    assert "OCOP" in text_of(replies)
    assert {"/ask_dossier", "/start_self_assessment", "/human_handoff"} <= set(payloads_of(replies))


@pytest.mark.parametrize(
    "question",
    [
        "Hồ sơ đăng ký đánh giá sản phẩm OCOP gồm những gì?",
        "ho so dang ky ocop gom nhung gi",
        "hs dky ocop can nhung j",
    ],
)
def test_dossier_question_gets_a_cited_answer_with_or_without_diacritics(stack, question):
    answer = text_of(say(stack, new_sender(), question))
    assert "Mẫu số 01" in answer or "Phiếu đăng ký" in answer, answer
    assert "QĐ 26/2026/QĐ-TTg" in answer, answer
    # Both the first-time and the upgrade dossier name Mẫu 01/02: a question naming no case gets the first.
    assert "nâng hạng" not in answer.lower(), answer


def test_star_question_answers_with_the_point_bands(stack):
    answer = text_of(say(stack, new_sender(), "san pham dat 4 sao thi can bao nhieu diem"))
    assert "70" in answer and "QĐ" in answer, answer


def test_topic_button_payload_is_answered(stack):
    answer = text_of(say(stack, new_sender(), "/ask_evaluation_process"))
    assert "UBND cấp xã" in answer or "cấp xã" in answer, answer


def test_out_of_scope_question_says_what_the_bot_can_do(stack):
    replies = say(stack, new_sender(), "thời tiết Hà Nội ngày mai thế nào")
    assert "ngoài phạm vi" in text_of(replies) or "chưa chắc" in text_of(replies)
    assert payloads_of(replies), "the reply should offer topic buttons"


def test_asking_for_a_person_queues_the_conversation_for_staff(stack):
    # Through the gateway: Rasa only pauses the conversation; the gateway queues it and tells the producer.
    response = httpx.post(
        f"{stack.config.gateway_url}/api/chat",
        json={"sender": uuid.uuid4().hex, "message": "cho em gặp cán bộ tư vấn trực tiếp"},
        timeout=60,
    )
    response.raise_for_status()
    answer = text_of(response.json()["messages"])
    assert "chuyển cuộc trò chuyện cho cán bộ tư vấn" in answer, answer
    assert "cán bộ sẽ trả lời bạn ngay tại đây" in answer.lower(), "the producer is told where and when"
    assert "thời gian chờ dự kiến" in answer or "ngoài giờ làm việc" in answer, answer


def test_eligibility_check_for_an_unregistered_household(stack):
    sender = new_sender()
    first = say(stack, sender, "kiem tra giup em xem co du dieu kien tham gia ocop khong")
    assert any("legal_form" in payload for payload in payloads_of(first)), text_of(first)
    say(stack, sender, '/inform{"legal_form": "ho_kinh_doanh"}')
    say(stack, sender, "chưa có")
    say(stack, sender, "mật ong rừng")
    say(stack, sender, "co")
    verdict = text_of(say(stack, sender, "co"))
    assert "chưa đủ điều kiện" in verdict and "đăng ký kinh doanh" in verdict, verdict
    assert "Điều 2 khoản 3" in verdict


def test_conversations_survive_a_rasa_restart(stack):
    sender = new_sender()
    say(stack, sender, "xin chao")
    assert (stack.config.data_dir / "tracker.db").stat().st_size > 0
    rasa: Service = stack.services[1]
    rasa.stop()
    rasa.start()
    rasa.wait_ready(300)
    tracker = httpx.get(
        f"{stack.config.rasa_url}/conversations/{sender}/tracker", params={"token": stack.config.rasa_token}, timeout=30
    ).json()
    user_texts = [event.get("text") for event in tracker["events"] if event.get("event") == "user"]
    assert "xin chao" in user_texts, json.dumps(tracker)[:2000]


def test_self_assessment_in_chat_with_going_back_a_side_question_pausing_and_resuming(stack):
    sender = new_sender()
    assert "sản phẩm của bạn là gì" in text_of(say(stack, sender, "cham thu sp cua em dc may sao"))
    first = text_of(say(stack, sender, "mat ong rung"))
    assert "phiếu số 4" in first and "Câu 1/" in first
    total = int(first.split("Câu 1/")[1].split(" ")[0])
    assert "Câu 2/" in text_of(say(stack, sender, "4"))
    assert "Câu 3/" in text_of(say(stack, sender, "3"))
    back = text_of(say(stack, sender, "quay lại câu trước"))
    assert "Câu 2/" in back
    assert "Câu 3/" in text_of(say(stack, sender, "4"))
    side = text_of(say(stack, sender, "giấy chứng nhận ocop có giá trị bao lâu"))
    assert "36 tháng" in side and "Câu 3/" in side
    paused = say(stack, sender, "dừng lại")
    assert "tạm dừng" in text_of(paused) and "/start_self_assessment" in payloads_of(paused)
    assert "Câu 3/" in text_of(say(stack, sender, "/start_self_assessment"))
    reply = []
    for _ in range(total - 2):
        reply = say(stack, sender, "2")
    result = text_of(reply)
    assert "Điểm dự kiến: từ" in result and "Hạng sao dự kiến" in result, result
    assert "Phụ lục II, QĐ 26/2026/QĐ-TTg" in result and "Hội đồng" in result
