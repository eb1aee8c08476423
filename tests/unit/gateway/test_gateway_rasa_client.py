"""RasaClient against the fake Rasa server over loopback HTTP."""

from __future__ import annotations

import pytest

from gateway.conversation import Button, to_bot_messages
from gateway.rasa_client import RasaClient, RasaUnavailable
from tests.fakes.fake_rasa import CITATION


async def test_send_parse_status(fake_rasa):
    client = RasaClient(fake_rasa.url, timeout=5)
    try:
        messages = await client.send("web:abc12345", "xin chào", metadata={"channel": "web"})
        assert messages[0]["buttons"][0] == {"title": "Hồ sơ đăng ký", "payload": "/ask_dossier"}
        expected = {"sender": "web:abc12345", "message": "xin chào", "metadata": {"channel": "web"}}
        assert fake_rasa.requests[0] == expected
        parsed = await client.parse("hồ sơ gồm gì")
        assert parsed["intent"]["name"] == "ask_dossier"
        assert (await client.status())["model_file"]
    finally:
        await client.aclose()


@pytest.mark.parametrize("mode", ["down"])
async def test_server_errors_raise_rasa_unavailable(fake_rasa, mode):
    fake_rasa.mode = mode
    client = RasaClient(fake_rasa.url, timeout=5)
    try:
        with pytest.raises(RasaUnavailable, match="HTTP 500"):
            await client.send("web:abc12345", "xin chào")
        with pytest.raises(RasaUnavailable):
            await client.parse("xin chào")
        with pytest.raises(RasaUnavailable):
            await client.status()
    finally:
        await client.aclose()


async def test_no_model_and_timeouts_and_refused_connections(fake_rasa):
    fake_rasa.mode = "no_model"
    client = RasaClient(fake_rasa.url, timeout=0.3)
    try:
        with pytest.raises(RasaUnavailable, match="409"):
            await client.status()
        fake_rasa.mode, fake_rasa.delay = "ok", 1.0
        with pytest.raises(RasaUnavailable, match="timed out"):
            await client.send("web:abc12345", "xin chào")
    finally:
        await client.aclose()
    refused = RasaClient("http://127.0.0.1:9", timeout=1)
    try:
        with pytest.raises(RasaUnavailable, match="cannot reach"):
            await refused.send("web:abc12345", "xin chào")
    finally:
        await refused.aclose()


def test_rasa_messages_become_bot_messages():
    raw = [
        {"recipient_id": "x", "text": f"Trả lời.\n{CITATION}"},
        {"recipient_id": "x", "text": "Chọn:", "buttons": [{"title": "Có", "payload": "/affirm"}, {"title": "Không"}]},
        {"recipient_id": "x", "image": "https://example.vn/logo.png"},
        {"recipient_id": "x", "custom": {"text": "Tùy chỉnh"}},
        {"recipient_id": "x", "custom": {"kind": "chart"}},
        {"recipient_id": "x", "buttons": [{"payload": "/x"}, "junk", {"title": "  "}]},
    ]
    messages = to_bot_messages(raw)
    assert [m.text for m in messages] == [f"Trả lời.\n{CITATION}", "Chọn:", "https://example.vn/logo.png", "Tùy chỉnh"]
    assert messages[1].buttons == (Button("Có", "/affirm"), Button("Không", "Không"))
