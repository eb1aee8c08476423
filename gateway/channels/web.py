"""Web chat: the page (`GET /`, `GET /chat`), its JSON endpoint (`POST /api/chat`) and its push stream.

The browser keeps its sender id and the conversation in localStorage; the server keeps nothing
but the Rasa tracker. Button presses send the button's payload as the message. While hotline staff
hold the conversation (`live` in the chat response), `GET /api/chat/events?sender=<id>&after=<id>`
streams their replies as Server-Sent Events, read from the shared store (so any gateway instance can
serve it), and ends with an `end` event once the conversation is back with the assistant.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from gateway import rate_limit
from gateway.capacity import Busy
from gateway.conversation import BotMessage, Conversation
from gateway.formatting import WEB_TEXT_LIMIT, split_text

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
SENDER_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"

# Retry-After of the 429 a turn gets when the gateway is at capacity (`gateway.capacity`).
BUSY_RETRY_SECONDS = 3
PUSH_POLL_SECONDS = 1.0
PUSH_STREAM_SECONDS = 300.0  # then the browser reconnects (EventSource does it by itself)

router = APIRouter()


class ChatRequest(BaseModel):
    sender: str | None = Field(
        default=None,
        pattern=SENDER_PATTERN,
        description="the browser's id (8-64 letters, digits, _ or -); a new one is issued when absent",
    )
    message: str = Field(description="the user's text, or a button's payload")


class ChatMessage(BaseModel):
    text: str
    buttons: list[dict[str, str]]


class ChatResponse(BaseModel):
    sender: str
    messages: list[ChatMessage]
    live: bool = Field(default=False, description="hotline staff hold the conversation: open the push stream")


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/chat", methods=["GET", "HEAD"], include_in_schema=False)
async def chat_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "chat.html", media_type="text/html; charset=utf-8")


@router.post("/api/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, request: Request) -> ChatResponse:
    """One turn of the web chat (429 past the sender's or the address's rate limit, or at capacity)."""
    if refused := rate_limit.refuse(request, "chat", body.sender):
        return refused
    conversation: Conversation = request.app.state.conversation
    sender_id = body.sender or uuid.uuid4().hex
    sender = f"web:{sender_id}"
    async with conversation.lock(sender):
        try:
            replies, live = await conversation.respond(sender, body.message)
        except Busy:
            return _busy(conversation.busy(sender))
    if live is None:  # a reply of the gateway's own (empty or over-long text): the turn did not look
        live = await request.app.state.handovers.holding(sender) is not None
    return ChatResponse(sender=sender_id, messages=[ChatMessage(**m.as_dict()) for m in _split(replies)], live=live)


@router.get("/api/chat/events")
async def chat_events(
    request: Request,
    sender: str = Query(pattern=SENDER_PATTERN),
    after: int = Query(default=0, ge=0, description="the last pushed message id the browser has"),
) -> StreamingResponse:
    """Staff replies and hand-over notices for this browser, as they come (Server-Sent Events)."""
    handovers = request.app.state.handovers
    given = request.headers.get("last-event-id", "")
    cursor = int(given) if given.isdigit() else after
    full_sender = f"web:{sender}"

    async def stream() -> AsyncIterator[str]:
        nonlocal cursor
        started = time.monotonic()
        yield "retry: 2000\n\n"
        ending = False
        while time.monotonic() - started < PUSH_STREAM_SECONDS and not await request.is_disconnected():
            held = await handovers.holding(full_sender)
            for message in await asyncio.to_thread(handovers.store.pushed_to, full_sender, cursor):
                cursor = message.id
                yield f"id: {cursor}\nevent: message\ndata: {json.dumps({'id': cursor, 'text': message.text}, ensure_ascii=False)}\n\n"
            if held is None and ending:  # one more round after the close, for its notice
                yield "event: end\ndata: {}\n\n"
                return
            ending = held is None
            await asyncio.sleep(PUSH_POLL_SECONDS)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


def _busy(replies: list[BotMessage]) -> JSONResponse:
    """The 429 of a turn refused at capacity: the polite reply (with the hotline) as the error to show."""
    return JSONResponse(
        {"error": replies[0].text, "detail": "the gateway is at capacity: too many turns in flight to Rasa"},
        status_code=429,
        headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
    )


def _split(messages: list[BotMessage]) -> list[BotMessage]:
    pieces = []
    for message in messages:
        texts = split_text(message.text, WEB_TEXT_LIMIT) or [""]
        pieces += [BotMessage(text) for text in texts[:-1]] + [BotMessage(texts[-1], message.buttons)]
    return pieces
