"""Zalo Official Account channel: `POST /zalo/webhook`, answered through the OA message API.

The webhook verifies `X-ZEvent-Signature` (`mac=` + SHA-256 hex of app id + raw body + the event's
timestamp + OA secret key, compared in constant time), rejects events outside the timestamp window,
drops repeated deliveries, and returns 200 at once; the turn runs in the background. Rasa's buttons
become a numbered list the user answers by number (see `bot.numbered_choices`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import sqlite3
import time

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.conversation import NON_TEXT_REPLY, BotMessage, Conversation
from bot.formatting import ZALO_TEXT_LIMIT, split_text
from bot.numbered_choices import NumberedChoices, numbered_list
from bot.settings import Settings
from bot.zalo_api import ZaloOA
from bot.zalo_inbox import ZaloInbox
from bot.zalo_tokens import ZaloTokens

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
NON_TEXT_EVENTS = {
    "user_send_image", "user_send_gif", "user_send_sticker", "user_send_audio", "user_send_video",
    "user_send_file", "user_send_location", "user_send_link", "user_send_business_card",
}
FOLLOW_PAYLOAD = "/greet"
_TIMESTAMP = re.compile(r"[0-9]{1,16}")
HTTP_TIMEOUT = 10.0
STOP_GRACE = 5.0
# Turns processed at once; the rest wait their turn, so a burst of events does not crowd out the
# webhook acknowledgements on the event loop.
CONCURRENT_TURNS = 16


class ZaloChannel:
    def __init__(self, settings: Settings, conversation: Conversation, connection: sqlite3.Connection) -> None:
        self.settings = settings
        self.conversation = conversation
        self.http = httpx.AsyncClient(timeout=HTTP_TIMEOUT)
        self.tokens = ZaloTokens(
            settings.zalo_token_path,
            self.http,
            settings.zalo_oauth_url,
            settings.zalo_app_id,
            settings.zalo_app_secret_key,
            settings.zalo_access_token,
            settings.zalo_refresh_token,
        )
        self.oa = ZaloOA(self.http, settings.zalo_openapi_url, self.tokens)
        self.inbox = ZaloInbox(connection)
        self.choices = NumberedChoices(connection)
        self._tasks: set[asyncio.Task] = set()
        self._turns = asyncio.Semaphore(CONCURRENT_TURNS)
        self.router = APIRouter()
        self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    async def start(self) -> None:
        """Resume events acknowledged but not processed before the last stop."""
        self.inbox.prune()
        for key, body in self.inbox.unfinished(self.settings.zalo_timestamp_window):
            self._spawn(key, json.loads(body))

    async def stop(self) -> None:
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.http.aclose()

    async def webhook(self, request: Request) -> JSONResponse:
        raw = await request.body()
        given = request.headers.get(SIGNATURE_HEADER)
        if not given:
            return JSONResponse({"error": f"missing {SIGNATURE_HEADER} header"}, 401)
        try:
            event = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return JSONResponse({"error": "body is not valid JSON"}, 400)
        if not isinstance(event, dict) or not _TIMESTAMP.fullmatch(str(event.get("timestamp", ""))):
            return JSONResponse({"error": "not a Zalo event (timestamp in milliseconds missing)"}, 400)
        timestamp = str(event["timestamp"])
        if not hmac.compare_digest(given.strip().encode("latin-1", "replace"), self._signature(raw, timestamp)):
            return JSONResponse({"error": "invalid signature"}, 403)
        if str(event.get("app_id", self.settings.zalo_app_id)) != self.settings.zalo_app_id:
            return JSONResponse({"error": "event for another app"}, 403)
        if abs(time.time() * 1000 - int(timestamp)) > self.settings.zalo_timestamp_window * 1000:
            return JSONResponse({"error": "stale event (timestamp outside the accepted window)"}, 403)
        if not isinstance(event.get("event_name"), str):
            return JSONResponse({"error": "event_name missing"}, 400)
        key = _dedup_key(event, timestamp)
        if not self.inbox.accept(key, raw.decode("utf-8", "replace")):
            return JSONResponse({"status": "duplicate"})
        self._spawn(key, event)
        return JSONResponse({"status": "accepted"})

    def _signature(self, raw: bytes, timestamp: str) -> bytes:
        settings = self.settings
        digest = hashlib.sha256(
            settings.zalo_app_id.encode() + raw + timestamp.encode() + settings.zalo_oa_secret_key.encode()
        ).hexdigest()
        return f"mac={digest}".encode()

    def _spawn(self, key: str, event: dict) -> None:
        task = asyncio.create_task(self._process(key, event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, key: str, event: dict) -> None:
        try:
            async with self._turns:
                await self._handle(event)
        except Exception:
            logger.exception("Zalo event %s failed", event.get("event_name"))
        self.inbox.finish(key)

    async def _handle(self, event: dict) -> None:
        name = event["event_name"]
        user = event.get("follower") if name == "follow" else event.get("sender")
        user_id = _user_id(user)
        if not user_id:
            return
        sender = f"zalo:{user_id}"
        async with self.conversation.lock(sender):
            if name == "user_send_text":
                message = event.get("message")
                text = message.get("text") if isinstance(message, dict) else None
                text = text if isinstance(text, str) else ""
                replies = await self.conversation.reply(sender, self.choices.resolve(sender, text) or text)
            elif name in NON_TEXT_EVENTS:
                replies = self.conversation.notice(sender, name, NON_TEXT_REPLY)
            elif name == "follow":
                replies = await self.conversation.reply(sender, FOLLOW_PAYLOAD)
            else:
                return
            await self._send(user_id, sender, replies)

    async def _send(self, user_id: str, sender: str, replies: list[BotMessage]) -> None:
        with_buttons = [reply for reply in replies if reply.buttons]
        offered = with_buttons[-1] if with_buttons else None
        self.choices.offer(sender, offered.buttons if offered else ())
        for reply in replies:
            text = reply.text
            if reply is offered:
                text = f"{text}\n\n{numbered_list(reply.buttons)}".strip()
            for piece in split_text(text, ZALO_TEXT_LIMIT):
                if not await self.oa.send_text(user_id, piece):
                    return


def _user_id(user: object) -> str:
    """A user id as a string (Zalo's ids are large numbers, sometimes sent unquoted)."""
    user_id = user.get("id") if isinstance(user, dict) else None
    return str(user_id) if isinstance(user_id, (str, int)) and not isinstance(user_id, bool) else ""


def _dedup_key(event: dict, timestamp: str) -> str:
    message = event.get("message")
    if isinstance(message, dict) and message.get("msg_id"):
        return f"msg:{message['msg_id']}"
    user_id = _user_id(event.get("sender") or event.get("follower"))
    return f"event:{event['event_name']}:{user_id}:{timestamp}"
