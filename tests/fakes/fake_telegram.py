"""A fake Telegram Bot API server: `/bot<token>/<method>` with the real request and response shapes.

It accepts what python-telegram-bot sends (form-encoded parameters, JSON-encoded when not plain
strings), records every call, and serves queued updates to `getUpdates` long polling.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

BOT_USER = {"id": 777000111, "is_bot": True, "first_name": "OCOP", "username": "ocop_advisor_bot"}


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.webhook: dict[str, Any] = {}
        self.flood_next_sends = 0  # answer that many sendMessage calls with 429 "retry after 1"
        self._updates: list[dict] = []
        self._lock = threading.Lock()
        self._message_id = 0
        self._update_id = 1000
        self.app = self._build()

    # What tests use ---------------------------------------------------------------------------

    def queue_update(self, update: dict) -> None:
        """Make `update` available to getUpdates (polling mode)."""
        with self._lock:
            self._updates.append(update)

    def unconfirmed_updates(self) -> int:
        """Queued updates no getUpdates offset has confirmed yet (Telegram would send them again)."""
        with self._lock:
            return len(self._updates)

    def next_update_id(self) -> int:
        with self._lock:
            self._update_id += 1
            return self._update_id

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until `method` was called at least `count` times; return those calls."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_of(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{method} called {len(self.calls_of(method))} times, expected {count}: {self.calls}")

    # The server -------------------------------------------------------------------------------

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def call(token: str, method: str, request: Request) -> JSONResponse:
            if token != self.token:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            params = await _parameters(request)
            handler = getattr(self, f"_{method}", None)
            if handler is None:
                return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
            if method != "getUpdates":
                with self._lock:
                    self.calls.append((method, params))
            if method == "sendMessage" and self.flood_next_sends > 0:
                self.flood_next_sends -= 1
                return JSONResponse(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    },
                    429,
                )
            result = await handler(params)
            return JSONResponse({"ok": True, "result": result})

        return app

    async def _getMe(self, params: dict) -> dict:
        return BOT_USER

    async def _setWebhook(self, params: dict) -> bool:
        self.webhook = params
        return True

    async def _deleteWebhook(self, params: dict) -> bool:
        self.webhook = {}
        return True

    async def _getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        # Answer within half a second at most (Telegram may return early too), so stopping is quick.
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    async def _sendMessage(self, params: dict) -> dict:
        with self._lock:
            self._message_id += 1
            message_id = self._message_id
        chat_id = int(params["chat_id"])
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private"},
            "text": params["text"],
        }

    async def _sendChatAction(self, params: dict) -> bool:
        return True

    async def _answerCallbackQuery(self, params: dict) -> bool:
        return True


async def _parameters(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        return await request.json()
    form = await request.form()
    params: dict[str, Any] = {}
    for key, value in form.items():
        params[key] = json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
    if str(params.get("chat_id", "")).lstrip("-").isdigit():
        params["chat_id"] = int(params["chat_id"])
    return params
