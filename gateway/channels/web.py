"""Web chat: the page (`GET /`, `GET /chat`) and its JSON endpoint (`POST /api/chat`).

The browser keeps its sender id and the conversation in localStorage; the server keeps nothing
but the Rasa tracker. Button presses send the button's payload as the message.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from gateway import rate_limit
from gateway.conversation import BotMessage, Conversation
from gateway.formatting import WEB_TEXT_LIMIT, split_text

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
SENDER_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"

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


@router.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/chat", methods=["GET", "HEAD"], include_in_schema=False)
async def chat_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "chat.html", media_type="text/html; charset=utf-8")


@router.post("/api/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, request: Request) -> ChatResponse:
    """One turn of the web chat (429 past the sender's or the address's rate limit)."""
    if refused := rate_limit.refuse(request, "chat", body.sender):
        return refused
    conversation: Conversation = request.app.state.conversation
    sender_id = body.sender or uuid.uuid4().hex
    sender = f"web:{sender_id}"
    async with conversation.lock(sender):
        replies = await conversation.reply(sender, body.message)
    return ChatResponse(sender=sender_id, messages=[ChatMessage(**m.as_dict()) for m in _split(replies)])


def _split(messages: list[BotMessage]) -> list[BotMessage]:
    pieces = []
    for message in messages:
        texts = split_text(message.text, WEB_TEXT_LIMIT) or [""]
        pieces += [BotMessage(text) for text in texts[:-1]] + [BotMessage(texts[-1], message.buttons)]
    return pieces
