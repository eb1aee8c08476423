"""A fake Zalo API: the OA customer-service message endpoint and the OAuth v4 token refresh.

Access tokens can be expired by the test (-216 on the next send); refresh tokens are single-use like
Zalo's, so a second refresh with the same token is rejected (-14014). Users listed in
`window_errors` get that error code (-213, -230, -201) instead of the message (recorded in `rejected`).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import threading
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

APP_ID = "4318123456789012345"
OA_SECRET_KEY = "oa-secret-KEY-123"
APP_SECRET_KEY = "app-secret-KEY-456"


def sign(body: bytes, timestamp: str, app_id: str = APP_ID, oa_secret_key: str = OA_SECRET_KEY) -> str:
    """The `X-ZEvent-Signature` Zalo sends with `body`."""
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()).hexdigest()


def text_event(user_id: str, text: str, msg_id: str, timestamp_ms: int | None = None) -> dict:
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    return {
        "app_id": APP_ID,
        "user_id_by_app": "55" + user_id,
        "event_name": "user_send_text",
        "timestamp": timestamp,
        "sender": {"id": user_id},
        "recipient": {"id": "579745863508352884"},
        "message": {"text": text, "msg_id": msg_id},
    }


def encode(event: dict) -> tuple[bytes, dict[str, str]]:
    """Body and headers of a signed webhook delivery."""
    body = json.dumps(event, ensure_ascii=False).encode()
    return body, {"X-ZEvent-Signature": sign(body, event["timestamp"]), "Content-Type": "application/json"}


class FakeZalo:
    def __init__(self, access_token: str = "access-1", refresh_token: str = "refresh-1") -> None:
        self.valid_access = {access_token}
        self.valid_refresh = {refresh_token}
        self.window_errors: dict[str, int] = {}
        self.sent: list[dict] = []
        self.rejected: list[tuple[str, int]] = []  # (user id, error code) of sends refused by `window_errors`
        self.refreshes: list[str] = []
        self.refresh_delay = 0.0
        self._counter = itertools.count(2)
        self._lock = threading.Lock()
        self.app = self._build()

    def expire_access_tokens(self) -> None:
        with self._lock:
            self.valid_access.clear()

    def texts_to(self, user_id: str) -> list[str]:
        with self._lock:
            return [m["text"] for m in self.sent if m["user_id"] == user_id]

    def wait_for_texts(self, user_id: str, count: int = 1, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.texts_to(user_id)
            if len(texts) >= count:
                return texts
            time.sleep(0.02)
        raise AssertionError(f"{len(self.texts_to(user_id))} messages to {user_id}, expected {count}")

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v3.0/oa/message/cs")
        async def send(request: Request) -> JSONResponse:
            token = request.headers.get("access_token", "")
            body = await request.json()
            user_id = body["recipient"]["user_id"]
            text = body["message"]["text"]
            with self._lock:
                if token not in self.valid_access:
                    return JSONResponse({"error": -216, "message": "Access token is invalid"})
                if user_id in self.window_errors:
                    self.rejected.append((user_id, self.window_errors[user_id]))
                    return JSONResponse({"error": self.window_errors[user_id], "message": "User has not interacted"})
                if len(text) > 2000:
                    return JSONResponse({"error": -210, "message": "Text is too long"})
                self.sent.append({"user_id": user_id, "text": text, "token": token})
            return JSONResponse({"error": 0, "message": "Success", "data": {"message_id": "m1", "user_id": user_id}})

        @app.post("/v4/oa/access_token")
        async def refresh(request: Request) -> JSONResponse:
            form = await request.form()
            if self.refresh_delay:
                await asyncio.sleep(self.refresh_delay)
            with self._lock:
                self.refreshes.append(str(form.get("refresh_token")))
                if request.headers.get("secret_key") != APP_SECRET_KEY or form.get("app_id") != APP_ID:
                    return JSONResponse({"error": -14001, "error_name": "Invalid app", "error_description": "bad app"})
                if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self.valid_refresh:
                    return JSONResponse({"error": -14014, "error_name": "Invalid refresh token"})
                self.valid_refresh.discard(form["refresh_token"])
                number = next(self._counter)
                access, refresh_token = f"access-{number}", f"refresh-{number}"
                self.valid_access = {access}
                self.valid_refresh.add(refresh_token)
            return JSONResponse({"access_token": access, "refresh_token": refresh_token, "expires_in": "90000"})

        return app
