"""Hand-over on the real stack: Rasa pauses the conversation for staff, the gateway resumes it; data deletion.

The producer uses the web chat; the operator signs in to the stack's gateway and hands the conversation back.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from gateway.database import open_database
from gateway.handover.service import FINISHED
from gateway.message_log import MessageLog
from gateway.privacy import ERASED_REPLY
from gateway.staff.accounts import StaffStore
from tests.unit.staff.conftest import PASSWORD, login

pytestmark = pytest.mark.e2e


def chat(stack, sender: str, text: str) -> dict:
    response = httpx.post(f"{stack.config.gateway_url}/api/chat", json={"sender": sender, "message": text}, timeout=90)
    response.raise_for_status()
    return response.json()


def tracker(stack, sender: str) -> dict:
    response = httpx.get(
        f"{stack.config.rasa_url}/conversations/web:{sender}/tracker",
        params={"token": stack.config.rasa_token} if stack.config.rasa_token else {},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()


def test_staff_hold_the_conversation_while_rasa_keeps_it_paused(stack):
    sender = uuid.uuid4().hex
    asked = chat(stack, sender, "em muốn gặp cán bộ tư vấn trực tiếp")
    assert asked["live"] is True and "cán bộ sẽ trả lời bạn ngay tại đây" in asked["messages"][0]["text"].lower()
    assert tracker(stack, sender)["paused"] is True, "action_handoff paused the Rasa conversation"

    held = chat(stack, sender, "hồ sơ đăng ký OCOP gồm những gì")
    assert held["messages"] == [] and held["live"] is True
    events = tracker(stack, sender)["events"]
    assert events[-1]["event"] == "user" and events[-1]["text"] == "hồ sơ đăng ký OCOP gồm những gì", (
        "Rasa records the message and predicts nothing"
    )

    database = open_database("", stack.config.data_dir)
    StaffStore(database).create_user("can-bo-e2e", PASSWORD, "operator")
    with httpx.Client(base_url=stack.config.gateway_url, headers={"accept": "text/html"}, timeout=30) as staff:
        assert login(staff, "can-bo-e2e").status_code == 303
        page = staff.get("/staff/inbox").text
        csrf = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        staff.headers.update({"accept": "application/json", "X-CSRF-Token": csrf})
        (mine,) = [c for c in staff.get("/staff/api/inbox").json()["conversations"] if c["sender"] == f"web:{sender}"]
        texts = [m["text"] for m in staff.get(f"/staff/api/inbox/{mine['id']}").json()["messages"]]
        assert "em muốn gặp cán bộ tư vấn trực tiếp" in texts and texts[-1] == "hồ sơ đăng ký OCOP gồm những gì"
        assert staff.post(f"/staff/api/inbox/{mine['id']}/return", json={}).status_code == 200
    database.close()

    assert tracker(stack, sender)["paused"] is False, "the gateway resumed the Rasa conversation"
    with httpx.stream(
        "GET", f"{stack.config.gateway_url}/api/chat/events", params={"sender": sender}, timeout=30
    ) as stream:
        body = "".join(stream.iter_text())
    assert json.dumps(FINISHED["returned"], ensure_ascii=False) in body
    answered = chat(stack, sender, "hồ sơ đăng ký OCOP gồm những gì")
    assert answered["live"] is False and "QĐ" in answered["messages"][0]["text"]


def test_deleting_my_data_after_confirmation(stack):
    sender = uuid.uuid4().hex
    chat(stack, sender, "hồ sơ đăng ký OCOP gồm những gì")
    asked = chat(stack, sender, "xóa dữ liệu của tôi")
    (question,) = asked["messages"]
    assert [b["title"] for b in question["buttons"]] == ["Có", "Không"]
    kept = chat(stack, sender, "/deny")
    assert "giữ nguyên" in kept["messages"][0]["text"]
    assert len(tracker(stack, sender)["events"]) > 0

    chat(stack, sender, "xóa dữ liệu của tôi")
    done = chat(stack, sender, "/affirm")
    assert [m["text"] for m in done["messages"]] == [ERASED_REPLY]
    left = [e for e in tracker(stack, sender)["events"] if e["event"] in ("user", "bot")]
    assert left == [], "the Rasa conversation is gone"
    log = MessageLog(stack.config.data_dir)
    mine = [
        json.loads(line)
        for path in log.files()
        for line in path.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["user"] == log.user_hash(f"web:{sender}")
    ]
    assert [record["text"] for record in mine] == [ERASED_REPLY], "only the confirmation stays, under the hashed id"
