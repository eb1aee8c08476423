"""Client of the Rasa server: the REST channel for conversations, the NLU parse endpoint, the tracker.

`send()`, `parse()`, `tracker_events()` and `replies_to()` (the answer of a turn already in the tracker) raise
`RasaUnavailable` for every failure the caller should answer with an apology (connection refused,
timeout, HTTP error, a body that is not the expected JSON), so the channels have one error to handle.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

CONNECT_TIMEOUT = 3.0


class RasaUnavailable(Exception):
    """The Rasa server could not give an answer."""


class RasaClient:
    """Async client of one Rasa server (`rasa run --enable-api`)."""

    def __init__(self, base_url: str, timeout: float = 30.0, token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self._params = {"token": token} if token else {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout)),
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    async def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict]:
        """Send one user message through the REST channel; return the bot's messages."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        messages = await self._post("/webhooks/rest/webhook", body)
        if not isinstance(messages, list):
            raise RasaUnavailable("the REST channel did not return a list")
        return [m for m in messages if isinstance(m, dict)]

    async def replies_to(self, sender: str, message_id: str) -> list[dict] | None:
        """The bot's messages of the turn that handled `message_id`, if it is the tracker's last user turn.

        None when the conversation's last user message carries another id (the turn did not run).
        The messages come from the tracker's `bot` events, in the shape the REST channel returns.
        """
        events = await self.tracker_events(sender)
        users = [i for i, event in enumerate(events) if event.get("event") == "user"]
        if not users:
            return None
        metadata = events[users[-1]].get("metadata")
        if not isinstance(metadata, dict) or metadata.get("message_id") != message_id:
            return None
        bots = [e for e in events[users[-1] + 1 :] if e.get("event") == "bot"]
        return [{**(e.get("data") if isinstance(e.get("data"), dict) else {}), "text": e.get("text")} for e in bots]

    async def tracker_events(self, sender: str) -> list[dict]:
        """The events of `sender`'s conversation (user and bot messages, actions, pauses)."""
        try:
            response = await self._http.get(f"/conversations/{quote(sender, safe=':')}/tracker", params=self._params)
            response.raise_for_status()
            events = response.json().get("events")
        except (httpx.HTTPError, ValueError, AttributeError) as error:
            raise RasaUnavailable(_describe(error)) from error
        if not isinstance(events, list):
            raise RasaUnavailable("the tracker has no event list")
        return [e for e in events if isinstance(e, dict)]

    async def add_events(self, sender: str, events: list[dict]) -> None:
        """Append events to `sender`'s conversation, e.g. `{"event": "pause"}` or `{"event": "resume"}`."""
        await self._post(f"/conversations/{quote(sender, safe=':')}/tracker/events", events)

    async def parse(self, text: str) -> dict:
        """NLU result for `text` (intent, entities, intent_ranking)."""
        result = await self._post("/model/parse", {"text": text})
        if not isinstance(result, dict):
            raise RasaUnavailable("/model/parse did not return an object")
        return result

    async def status(self) -> dict:
        """The server's `/status` (model file and id); fails when no model is loaded."""
        try:
            response = await self._http.get("/status", params=self._params)
            response.raise_for_status()
            status = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(_describe(error)) from error
        if not isinstance(status, dict) or not status.get("model_file"):
            raise RasaUnavailable("no model loaded")
        return status

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        try:
            response = await self._http.post(path, json=body, params=self._params)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(_describe(error)) from error


def _describe(error: Exception) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code} from {error.request.url.path}"
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    if isinstance(error, httpx.HTTPError):
        return f"{type(error).__name__}: cannot reach the Rasa server"
    return "invalid JSON from the Rasa server"
