"""Hand-over through a real gateway on loopback: Zalo producer (fake Zalo API), a pausing fake Rasa, an operator."""

from __future__ import annotations

import json
import time

import httpx

from gateway.handover.service import FINISHED
from tests.fakes.fake_rasa import CITATION
from tests.unit.handover.conftest import zalo_says

USER = "8800112233445566778"
SENDER = f"zalo:{USER}"


def wait_until(check, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def sse_events(body: str) -> list[tuple[str, dict]]:
    """(event name, JSON data) of each event in a Server-Sent Events body."""
    found = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if "data" in fields:
            found.append((fields.get("event", "message"), json.loads(fields["data"])))
    return found


def queue(operator) -> list[dict]:
    response = operator.get("/staff/api/inbox")
    assert response.status_code == 200, response.text
    return [c for c in response.json()["conversations"] if c["state"] != "closed"]


def post(operator, path: str, **body) -> httpx.Response:
    return operator.post(path, json=body, headers={"X-CSRF-Token": operator.csrf})


def handed_over(gateway, zalo, operator) -> dict:
    zalo_says(gateway, USER, "gặp cán bộ", "m-1")
    (notice,) = zalo.wait_for_texts(USER)
    assert "cán bộ" in notice and "thời gian chờ dự kiến khoảng 10 phút" in notice
    (conversation,) = wait_until(lambda: queue(operator))
    return conversation


def test_producer_asks_for_staff_and_gets_the_staff_reply_in_the_same_zalo_chat(gateway, zalo, fake_rasa, operator):
    conversation = handed_over(gateway, zalo, operator)
    assert conversation["channel"] == "zalo" and conversation["state"] == "waiting"
    assert SENDER in fake_rasa.paused

    zalo_says(gateway, USER, "sản phẩm của tôi là mật ong rừng", "m-2")
    transcript = wait_until(
        lambda: [
            m
            for m in operator.get(f"/staff/api/inbox/{conversation['id']}").json()["messages"]
            if m["text"] == "sản phẩm của tôi là mật ong rừng"
        ]
    )
    assert transcript[0]["direction"] == "in"
    # The transcript gets the message before Rasa does (HandoverService.forward), so wait until Rasa records it.
    wait_until(lambda: fake_rasa.messages_from(SENDER)[-1] == "sản phẩm của tôi là mật ong rừng")
    assert len(zalo.texts_to(USER)) == 1, "the bot stays silent while staff hold the conversation"

    reply = post(
        operator, f"/staff/api/inbox/{conversation['id']}/reply", text="Chào anh, mật ong rừng thuộc nhóm Thực phẩm."
    )
    assert reply.status_code == 200 and reply.json()["message"]["delivery"] == "sent"
    assert zalo.wait_for_texts(USER, 2)[-1] == "Chào anh, mật ong rừng thuộc nhóm Thực phẩm."
    (listed,) = queue(operator)
    assert listed["state"] == "open" and listed["first_reply_at"] is not None

    back = post(operator, f"/staff/api/inbox/{conversation['id']}/return")
    assert back.status_code == 200 and back.json()["conversation"]["state"] == "closed"
    assert zalo.wait_for_texts(USER, 3)[-1] == FINISHED["returned"]
    assert SENDER not in fake_rasa.paused
    zalo_says(gateway, USER, "hồ sơ gồm những gì", "m-3")
    assert zalo.wait_for_texts(USER, 4)[-1].endswith(CITATION), "the bot answers again"

    actions = [(e["actor"], e["action"]) for e in gateway.app.state.staff.audit_entries()]
    assert ("can-bo-lan", "handover.reply") in actions and ("can-bo-lan", "handover.return") in actions


def test_closed_zalo_reply_window_is_reported_to_the_staff_member(gateway, zalo, operator):
    conversation = handed_over(gateway, zalo, operator)
    zalo.window_errors[USER] = -213
    reply = post(operator, f"/staff/api/inbox/{conversation['id']}/reply", text="Anh còn cần hỗ trợ không?")
    assert reply.status_code == 200 and reply.json()["message"]["delivery"] == "window_closed"
    assert zalo.texts_to(USER)[-1] != "Anh còn cần hỗ trợ không?"
    stored = operator.get(f"/staff/api/inbox/{conversation['id']}").json()["messages"][-1]
    assert stored["direction"] == "staff" and stored["delivery"] == "window_closed"


def test_two_refusals_in_a_row_hand_over(gateway, zalo, fake_rasa, operator):
    zalo_says(gateway, USER, "tôi không biết hỏi gì", "r-1")
    zalo.wait_for_texts(USER, 1)
    assert queue(operator) == []
    zalo_says(gateway, USER, "vẫn không biết", "r-2")
    texts = zalo.wait_for_texts(USER, 3)
    assert "hai câu hỏi liên tiếp" in texts[-1]
    (conversation,) = queue(operator)
    assert conversation["reason"] == "refusals" and conversation["question"] == "vẫn không biết"
    assert SENDER in fake_rasa.paused


def test_an_answer_between_refusals_resets_the_count(gateway, zalo, operator):
    for number, text in enumerate(["tôi không biết", "hồ sơ gồm những gì", "không biết nữa"]):
        zalo_says(gateway, USER, text, f"s-{number}")
        zalo.wait_for_texts(USER, number + 1)
    assert queue(operator) == []


def test_staff_actions_need_a_session_and_the_csrf_token(gateway, zalo, operator):
    conversation = handed_over(gateway, zalo, operator)
    path = f"/staff/api/inbox/{conversation['id']}/reply"
    assert operator.post(path, json={"text": "xin chào"}).status_code == 403
    assert httpx.post(f"{gateway.url}{path}", json={"text": "xin chào"}).status_code == 401
    assert httpx.get(f"{gateway.url}/staff/api/inbox").status_code == 401
    assert post(operator, path, text="").status_code == 422
    assert post(operator, "/staff/api/inbox/999/reply", text="xin chào").status_code == 409
    assert len(zalo.texts_to(USER)) == 1


def test_assign_note_and_close(gateway, zalo, fake_rasa, operator):
    conversation = handed_over(gateway, zalo, operator)
    path = f"/staff/api/inbox/{conversation['id']}"
    assert post(operator, f"{path}/assign").json()["conversation"]["assignee"] == "can-bo-lan"
    assert post(operator, f"{path}/note", note="Hộ kinh doanh ở Sơn La, hẹn gọi lại").status_code == 200
    assert operator.get(path).json()["conversation"]["note"] == "Hộ kinh doanh ở Sơn La, hẹn gọi lại"
    assert post(operator, f"{path}/close").status_code == 200
    assert zalo.wait_for_texts(USER, 2)[-1] == FINISHED["closed"]
    assert post(operator, f"{path}/reply", text="còn gì nữa không").status_code == 409
    assert SENDER not in fake_rasa.paused


def test_the_draft_answers_the_last_question_with_citations(gateway, zalo, operator):
    zalo_says(gateway, USER, "hồ sơ đăng ký OCOP gồm những gì", "d-1")
    zalo.wait_for_texts(USER, 1)
    conversation = handed_over_again(gateway, zalo, operator)
    draft = operator.get(f"/staff/api/inbox/{conversation['id']}/draft", timeout=120).json()
    assert draft["question"] == "hồ sơ đăng ký OCOP gồm những gì"
    assert draft["draft"]["text"] and draft["passages"] and all(p["citation"] for p in draft["passages"])


def handed_over_again(gateway, zalo, operator) -> dict:
    zalo_says(gateway, USER, "cho tôi gặp cán bộ", "d-2")
    zalo.wait_for_texts(USER, 2)
    (conversation,) = wait_until(lambda: queue(operator))
    return conversation


def test_web_chat_receives_staff_replies_over_its_push_stream(gateway, operator):
    sender = "webchat-0123456789"
    first = httpx.post(f"{gateway.url}/api/chat", json={"sender": sender, "message": "gặp cán bộ"}, timeout=10).json()
    assert first["live"] is True and "cán bộ" in first["messages"][0]["text"]
    silent = httpx.post(f"{gateway.url}/api/chat", json={"sender": sender, "message": "tôi ở Hà Giang"}, timeout=10)
    assert silent.json()["messages"] == [] and silent.json()["live"] is True
    (conversation,) = queue(operator)
    assert (
        post(operator, f"/staff/api/inbox/{conversation['id']}/reply", text="Chào chị, tôi là cán bộ OCOP.").json()[
            "message"
        ]["delivery"]
        == "stored"
    )
    assert post(operator, f"/staff/api/inbox/{conversation['id']}/return").status_code == 200
    with httpx.stream("GET", f"{gateway.url}/api/chat/events", params={"sender": sender}, timeout=10) as stream:
        events = sse_events("".join(stream.iter_text()))
    assert [(kind, data.get("text")) for kind, data in events] == [
        ("message", "Chào chị, tôi là cán bộ OCOP."),
        ("message", FINISHED["returned"]),
        ("end", None),
    ]
    after = events[0][1]["id"]
    with httpx.stream("GET", f"{gateway.url}/api/chat/events", params={"sender": sender, "after": after}) as stream:
        assert [data.get("text") for _, data in sse_events("".join(stream.iter_text()))] == [FINISHED["returned"], None]
    assert httpx.get(f"{gateway.url}/api/chat/events", params={"sender": "x"}).status_code == 422
