"""Rasa's HTTP API on the running stack answers only with the launch's token, which no command line shows."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_conversations_and_the_model_are_closed_without_the_token(stack):
    sender = f"test:{uuid.uuid4().hex[:8]}"
    rest = httpx.post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "xin chào"}, timeout=60
    )
    assert rest.status_code == 200 and rest.json(), "the REST channel (gateway, make chat) needs no token"
    tracker = f"{stack.config.rasa_url}/conversations/{sender}/tracker"
    for token in (None, "wrong-token"):
        params = {"token": token} if token else {}
        assert httpx.get(tracker, params=params, timeout=30).status_code == 401
        assert httpx.post(f"{stack.config.rasa_url}/model/parse", params=params, json={"text": "hi"}).status_code == 401
        slots = httpx.post(f"{tracker}/events", params=params, json={"event": "slot", "name": "x", "value": 1})
        assert slots.status_code == 401
    opened = httpx.get(tracker, params={"token": stack.config.rasa_token}, timeout=30)
    assert opened.status_code == 200 and opened.json()["sender_id"] == sender


def test_the_token_is_not_on_any_command_line(stack):
    rasa = stack.services[1]
    cmdline = Path(f"/proc/{rasa.process.pid}/cmdline").read_bytes().decode()
    assert "stack.rasa_run" in cmdline and stack.config.rasa_token not in cmdline
