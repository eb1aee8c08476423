"""Zalo Official Account channel: `POST /zalo/webhook`, answered through the OA message API.

The webhook verifies `X-ZEvent-Signature` (`mac=` + SHA-256 hex of app id + raw body + the event's
timestamp + OA secret key, compared in constant time), rejects events outside the timestamp window,
stores the event in the durable inbox (`gateway.inbox`, which drops repeated deliveries) and only then
returns 200; the turn runs when a gateway instance claims the event, with the inbox key (`zalo:msg:<msg_id>`)
as its message id, so a replay after a crash does not run the Rasa turn twice. Rasa's buttons become a
numbered list the user answers by number (see `gateway.channels.zalo.numbered_choices`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.capacity import Busy
from gateway.channels.zalo.api import ZaloOA
from gateway.channels.zalo.numbered_choices import NumberedChoices, numbered_list
from gateway.channels.zalo.tokens import ZaloTokens, token_store
from gateway.conversation import NON_TEXT_REPLY, BotMessage, Button, Conversation
from gateway.database import Database
from gateway.formatting import ZALO_TEXT_LIMIT, split_text
from gateway.http_guards import json_body
from gateway.inbox import Inbox, Item
from gateway.settings import Settings

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/zalo/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
NON_TEXT_EVENTS = {
    "user_send_image",
    "user_send_gif",
    "user_send_sticker",
    "user_send_audio",
    "user_send_video",
    "user_send_file",
    "user_send_location",
    "user_send_link",
    "user_send_business_card",
}
FOLLOW_PAYLOAD = "/greet"
_TIMESTAMP = re.compile(r"[0-9]{1,16}")
HTTP_TIMEOUT = 10.0
CHANNEL = "zalo"


class ZaloChannel:
    def __init__(self, settings: Settings, conversation: Conversation, database: Database, inbox: Inbox) -> None:
        self.settings = settings
        self.conversation = conversation
        self.http = httpx.AsyncClient(timeout=HTTP_TIMEOUT)
        self.tokens = ZaloTokens(
            token_store(database, settings.zalo_token_path),
            self.http,
            settings.zalo_oauth_url,
            settings.zalo_app_id,
            settings.zalo_app_secret_key,
            settings.zalo_access_token,
            settings.zalo_refresh_token,
        )
        self.oa = ZaloOA(self.http, settings.zalo_openapi_url, self.tokens)
        self.inbox = inbox
        self.choices = NumberedChoices(database)
        self.router = APIRouter()
        self.router.add_api_route(WEBHOOK_PATH, self.webhook, methods=["POST"], include_in_schema=False)

    async def start(self) -> None:
        """Nothing to connect: events reach the webhook, tokens are refreshed when needed."""

    async def stop(self) -> None:
        await self.http.aclose()

    async def webhook(self, request: Request) -> JSONResponse:
        raw = await request.body()
        given = request.headers.get(SIGNATURE_HEADER)
        if not given:
            return JSONResponse({"error": f"missing {SIGNATURE_HEADER} header"}, 401)
        try:
            event = await json_body(request)  # decoded once, by the JSON guard
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
        user_id = _user_id(event.get("sender") or event.get("follower"))
        sender = f"zalo:{user_id}" if user_id else f"zalo-event:{key}"
        try:
            added = await self.inbox.put(CHANNEL, key, sender, raw.decode("utf-8", "replace"))
        except Exception as error:  # noqa: BLE001 (database unreachable: Zalo delivers the event again)
            logger.error("Zalo event not stored: %s", type(error).__name__)
            return JSONResponse({"error": "temporarily unable to store the event"}, 503)
        return JSONResponse({"status": "accepted" if added else "duplicate"})

    def _signature(self, raw: bytes, timestamp: str) -> bytes:
        settings = self.settings
        digest = hashlib.sha256(
            settings.zalo_app_id.encode() + raw + timestamp.encode() + settings.zalo_oa_secret_key.encode()
        ).hexdigest()
        return f"mac={digest}".encode()

    async def process(self, item: Item) -> None:
        """Run the turn of one stored event (called by the inbox worker)."""
        await self._handle(json.loads(item.body), item)

    async def _handle(self, event: dict, item: Item) -> None:
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
                text = await self._chosen(sender, text) or text
            elif name in NON_TEXT_EVENTS:
                await self._send(user_id, sender, self.conversation.notice(sender, name, NON_TEXT_REPLY))
                return
            elif name == "follow":
                text = FOLLOW_PAYLOAD
            else:
                return
            try:
                replies = await self.conversation.reply(sender, text, item.key, item.replay, item.received_at)
            except Busy:
                replies = self.conversation.busy(sender)
            await self._send(user_id, sender, replies)

    async def _send(self, user_id: str, sender: str, replies: list[BotMessage]) -> None:
        with_buttons = [reply for reply in replies if reply.buttons]
        offered = with_buttons[-1] if with_buttons else None
        await self._offer(sender, offered.buttons if offered else ())
        for reply in replies:
            text = reply.text
            if reply is offered:
                text = f"{text}\n\n{numbered_list(reply.buttons)}".strip()
            for piece in split_text(text, ZALO_TEXT_LIMIT):
                if not await self.oa.send_text(user_id, piece):
                    return

    # The open choices live in the database: read and written off the event loop, and a failure there
    # (a busy or unreachable database) costs the numbered answer, never the reply itself.

    async def _chosen(self, sender: str, text: str) -> str | None:
        try:
            return await asyncio.to_thread(self.choices.resolve, sender, text)
        except Exception as error:  # noqa: BLE001 (the text then goes to Rasa as typed)
            logger.warning("Zalo numbered choices not read: %s", type(error).__name__)
            return None

    async def _offer(self, sender: str, buttons: tuple[Button, ...]) -> None:
        try:
            await asyncio.to_thread(self.choices.offer, sender, buttons)
        except Exception as error:  # noqa: BLE001 (the reply is still sent)
            logger.warning("Zalo numbered choices not stored: %s", type(error).__name__)


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
