"""The staff inbox in headless Chromium on a phone-size window, end to end over the fake Zalo API.

A producer on Zalo asks for a person; the operator signs in, sees the conversation and the producer's next
message arrive live (SSE), gets the assistant's cited draft, sends a reply that reaches the fake Zalo API,
and hands the conversation back, which the producer is told. A web chat producer sees the staff reply
appear without a reload.
"""

from __future__ import annotations

import pytest

from gateway.handover.service import FINISHED
from tests.browser.waits import wait_for
from tests.fakes.fake_rasa_handover import PausingFakeRasa
from tests.fakes.fixtures import run_gateway, serve, with_zalo
from tests.unit.handover.conftest import ALWAYS_OPEN, signed_in, zalo_says
from tests.unit.handover.test_handover_gateway import post, queue
from tests.unit.staff.conftest import PASSWORD

pytestmark = pytest.mark.browser

USER = "7700112233445566001"
STAFF_REPLY = "Chào anh, hồ sơ gồm phiếu đăng ký và phương án sản xuất kinh doanh. Anh cần gì thêm không?"


@pytest.fixture
def fake_rasa():
    yield from serve(PausingFakeRasa())


@pytest.fixture
def gateway(gateway_settings, zalo):
    settings = with_zalo(gateway_settings, zalo.url, **ALWAYS_OPEN)
    with run_gateway(settings) as server:
        server.app.state.staff.create_user("can-bo-mai", PASSWORD, "operator")
        yield server


def transcript(driver) -> str:
    return driver.find_element("id", "transcript").text


def test_operator_answers_a_zalo_producer_from_the_inbox_and_hands_back(gateway, zalo, fake_rasa, driver):
    zalo_says(gateway, USER, "hồ sơ đăng ký OCOP gồm những gì", "b-1")
    zalo.wait_for_texts(USER, 1)
    zalo_says(gateway, USER, "cho tôi gặp cán bộ", "b-2")
    assert "Cán bộ sẽ trả lời bạn ngay tại đây" in zalo.wait_for_texts(USER, 2)[-1]

    driver.get(f"{gateway.url}/staff/inbox")
    driver.find_element("name", "username").send_keys("can-bo-mai")
    driver.find_element("name", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "#login-form button").click()
    wait_for(driver, lambda d: d.current_url.endswith("/staff/inbox"), "login did not lead back to the inbox")
    item = wait_for(driver, lambda d: d.find_element("css selector", "#queue .conv"), "the queue is empty")
    assert "Zalo · Đang chờ" in item.text and "hồ sơ đăng ký OCOP gồm những gì" in item.text
    wait_for(driver, lambda d: "Đang cập nhật trực tiếp" in d.find_element("id", "live").text, "no live stream")
    item.click()
    wait_for(driver, lambda d: "cho tôi gặp cán bộ" in transcript(d), "the transcript is not shown")
    assert not driver.find_element("id", "queue-panel").is_displayed(), "a phone shows one panel at a time"

    zalo_says(gateway, USER, "sản phẩm của tôi là miến dong", "b-3")
    wait_for(driver, lambda d: "sản phẩm của tôi là miến dong" in transcript(d), "the new message did not arrive live")

    reply = driver.find_element("id", "reply")
    wait_for(driver, lambda d: reply.get_attribute("value").strip(), "no draft from the assistant", timeout=120)
    assert "Trích dẫn:" in driver.find_element("id", "draft-citation").get_attribute("textContent")
    reply.clear()
    reply.send_keys(STAFF_REPLY)
    driver.find_element("id", "send").click()
    assert zalo.wait_for_texts(USER, 3)[-1] == STAFF_REPLY
    wait_for(driver, lambda d: "Đã gửi." in d.find_element("id", "status").text, "the send was not confirmed")
    assert len(zalo.texts_to(USER)) == 3, "the bot said nothing while the staff member held the conversation"

    driver.find_element("id", "return").click()
    assert zalo.wait_for_texts(USER, 4)[-1] == FINISHED["returned"]
    wait_for(driver, lambda d: "Đã đóng" in d.find_element("id", "conv-title").text, "the page did not show it closed")
    actions = [e["action"] for e in gateway.app.state.staff.audit_entries()]
    assert "handover.reply" in actions and "handover.return" in actions


def test_web_chat_shows_the_staff_reply_without_a_reload(gateway, driver):
    driver.get(f"{gateway.url}/chat")
    wait_for(driver, lambda d: d.find_elements("css selector", "#log .msg.bot"), "no greeting")
    driver.find_element("id", "message").send_keys("cho tôi gặp cán bộ\n")
    wait_for(driver, lambda d: "Cán bộ sẽ trả lời bạn ngay tại đây" in d.find_element("id", "log").text, "no notice")
    with signed_in(gateway, "can-bo-mai") as operator:
        (conversation,) = queue(operator)
        assert post(operator, f"/staff/api/inbox/{conversation['id']}/reply", text=STAFF_REPLY).status_code == 200
        wait_for(driver, lambda d: STAFF_REPLY in d.find_element("id", "log").text, "the staff reply was not pushed")
        assert post(operator, f"/staff/api/inbox/{conversation['id']}/return").status_code == 200
    wait_for(driver, lambda d: FINISHED["returned"] in d.find_element("id", "log").text, "no hand-back notice")
    driver.refresh()
    wait_for(driver, lambda d: STAFF_REPLY in d.find_element("id", "log").text, "the reply is not kept after a reload")
    assert driver.find_element("id", "log").text.count(STAFF_REPLY) == 1
