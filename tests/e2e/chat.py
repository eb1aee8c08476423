"""Talking to the real Rasa server of the e2e stack over its REST channel, and reading its replies."""

from __future__ import annotations

import httpx


def say(stack, sender: str, text: str) -> list[dict]:
    """Send `text` as `sender` to the stack's Rasa REST webhook; its replies."""
    response = httpx.post(
        f"{stack.config.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    response.raise_for_status()
    return response.json()


def text_of(replies: list[dict]) -> str:
    """The replies' texts, one a line."""
    return "\n".join(reply.get("text", "") for reply in replies)
