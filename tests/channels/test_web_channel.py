"""Web chat API, health endpoints and the page, over loopback HTTP with a fake Rasa."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes.fake_rasa import CITATION
from tests.fakes.fixtures import run_gateway


@pytest.fixture
def gateway(gateway_settings):
    with run_gateway(gateway_settings) as server:
        yield server


def chat(gateway, body) -> httpx.Response:
    return httpx.post(f"{gateway.url}/api/chat", json=body, timeout=5)


def test_chat_turn_with_buttons(gateway, fake_rasa):
    response = chat(gateway, {"sender": "browser-0001", "message": "xin chào"})
    assert response.status_code == 200
    body = response.json()
    assert body["sender"] == "browser-0001"
    (message,) = body["messages"]
    assert message["buttons"][0] == {"title": "Hồ sơ đăng ký", "payload": "/ask_dossier"}
    assert fake_rasa.requests[0]["sender"] == "web:browser-0001"
    assert fake_rasa.requests[0]["metadata"] == {"channel": "web"}


def test_sender_is_issued_when_absent(gateway, fake_rasa):
    body = chat(gateway, {"message": "hồ sơ gồm gì"}).json()
    assert len(body["sender"]) == 32
    assert body["messages"][0]["text"].endswith(CITATION)
    assert fake_rasa.requests[0]["sender"] == f"web:{body['sender']}"


@pytest.mark.parametrize("sender", ["short", "has space in it", "x" * 65, "web:abc12345", "<script>"])
def test_invalid_sender_is_refused_with_a_reason(gateway, sender):
    response = chat(gateway, {"sender": sender, "message": "xin chào"})
    assert response.status_code == 422
    assert response.json()["error"] and response.json()["detail"][0]["loc"] == ["body", "sender"]


def test_health_and_readiness(gateway, fake_rasa):
    assert httpx.get(f"{gateway.url}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{gateway.url}/readyz")
    assert ready.status_code == 200 and ready.json()["model"] == "models/fake.tar.gz"
    assert ready.json()["channels"] == {"web": "on", "telegram": "off", "zalo": "off"}
    fake_rasa.mode = "no_model"
    assert httpx.get(f"{gateway.url}/readyz").status_code == 503
    fake_rasa.mode = "down"
    not_ready = httpx.get(f"{gateway.url}/readyz")
    assert not_ready.status_code == 503 and "Rasa" in not_ready.json()["reason"]
    assert httpx.get(f"{gateway.url}/healthz").status_code == 200


def test_readiness_when_rasa_is_not_running(gateway_settings):
    with run_gateway(gateway_settings, rasa_url="http://127.0.0.1:9") as gateway:
        assert httpx.get(f"{gateway.url}/readyz").status_code == 503
        reply = chat(gateway, {"message": "hồ sơ gồm gì"}).json()["messages"][0]["text"]
        assert "gián đoạn" in reply and "liên hệ" in reply


@pytest.mark.parametrize("path", ["/", "/chat"])
def test_chat_page_is_served_in_vietnamese(gateway, path):
    page = httpx.get(f"{gateway.url}{path}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'lang="vi"' in page.text and "/static/chat.js" in page.text and 'name="viewport"' in page.text
    script = httpx.get(f"{gateway.url}/static/chat.js")
    assert script.status_code == 200 and "textContent" in script.text and "innerHTML" not in script.text


def test_long_replies_stay_whole_on_the_web(gateway):
    (message,) = chat(gateway, {"message": "trả lời dài"}).json()["messages"]
    assert len(message["text"]) > 4096 and message["text"].endswith(CITATION)


def test_a_message_log_that_cannot_be_written_costs_the_record_not_the_reply(gateway, gateway_settings, fake_rasa):
    log = gateway_settings.data_dir / "messages.jsonl"
    log.unlink(missing_ok=True)
    log.mkdir()  # the log file cannot be opened for writing any more (like a full or broken disk)
    response = chat(gateway, {"sender": "browser-0002", "message": "hồ sơ gồm gì"})
    assert response.status_code == 200 and response.json()["messages"][0]["text"].endswith(CITATION)
