"""The staff inbox: `GET /staff/inbox` (operator role) and its JSON API under `/staff/api/inbox`.

- `GET /staff/api/inbox`: the waiting and open conversations (channel, waiting time, assignee, note) and
  the canned replies; `GET /staff/api/inbox/{id}`: one conversation with its whole transcript;
  `GET /staff/api/inbox/{id}/draft`: the hotline assistant's cited draft for its last question.
- `GET /staff/api/inbox/events`: Server-Sent Events. Each gateway polls the shared store, so a message
  that reached another gateway instance shows up too; the event id is the last message id (a reconnecting
  EventSource resumes from `Last-Event-ID`).
- `POST .../{id}/reply | assign | return | close | note`: each checks the CSRF token (`X-CSRF-Token`)
  and goes to the audit log.
"""

from __future__ import annotations

import asyncio
import html
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from pydantic import BaseModel, Field

from gateway import assist
from gateway.handover.service import HandoverError, Handovers
from gateway.handover.store import Handover
from gateway.staff.auth import Operator, audit, csrf_token

PAGE = Path(__file__).resolve().parents[1] / "static" / "inbox.html"
POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 300.0  # then the browser reconnects (EventSource does it by itself)
MAX_REPLY_CHARS = 2000
MAX_NOTE_CHARS = 4000
RECENTLY_CLOSED = 6 * 3600

router = APIRouter(include_in_schema=False)


class ReplyBody(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_REPLY_CHARS)


class NoteBody(BaseModel):
    note: str = Field(max_length=MAX_NOTE_CHARS)


def service(request: Request) -> Handovers:
    return request.app.state.handovers


def _summary(handover: Handover, now: float) -> dict:
    return {
        **handover.as_dict(),
        "waiting_seconds": round(now - handover.created_at)
        if handover.first_reply_at is None
        else round(handover.first_reply_at - handover.created_at),
    }


async def _conversation(request: Request, handover_id: int) -> Handover:
    handover = await asyncio.to_thread(service(request).store.get, handover_id)
    if handover is None:
        raise HTTPException(404, detail="Không tìm thấy cuộc trò chuyện này.")
    return handover


@router.get("/staff/inbox")
async def inbox_page(request: Request, user: Operator) -> HTMLResponse:
    page = PAGE.read_text(encoding="utf-8")
    page = page.replace("__CSRF__", html.escape(csrf_token(request))).replace("__USER__", html.escape(user.username))
    return HTMLResponse(page, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


@router.get("/staff/api/inbox")
async def inbox(request: Request, user: Operator) -> dict:
    store = service(request).store
    now = time.time()
    listing = await asyncio.to_thread(store.listing, now - RECENTLY_CLOSED)
    canned = await asyncio.to_thread(store.canned_replies)
    return {"me": user.username, "conversations": [_summary(h, now) for h in listing], "canned": canned}


@router.get("/staff/api/inbox/events")
async def events(request: Request, user: Operator, after: int | None = None) -> StreamingResponse:
    store = service(request).store
    given = request.headers.get("last-event-id", "")
    cursor = int(given) if given.isdigit() else after
    if cursor is None:
        cursor = await asyncio.to_thread(store.last_message_id)

    async def stream() -> AsyncIterator[str]:
        nonlocal cursor
        seen = None
        started = last_sent = time.monotonic()
        yield "retry: 2000\n\n"
        while time.monotonic() - started < STREAM_SECONDS and not await request.is_disconnected():
            version = await asyncio.to_thread(store.version)
            if version != seen:
                if seen is not None:
                    for message in await asyncio.to_thread(store.new_messages, cursor):
                        cursor = message.id
                        yield f"id: {cursor}\nevent: message\ndata: {json.dumps(message.as_dict())}\n\n"
                    yield f"event: queue\ndata: {json.dumps({'version': list(version)})}\n\n"
                    last_sent = time.monotonic()
                seen = version
            elif time.monotonic() - last_sent > HEARTBEAT_SECONDS:
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


@router.get("/staff/api/inbox/{handover_id}")
async def conversation(request: Request, handover_id: int, user: Operator) -> dict:
    handover = await _conversation(request, handover_id)
    messages = await asyncio.to_thread(service(request).store.messages, handover.id)
    return {"conversation": _summary(handover, time.time()), "messages": [m.as_dict() for m in messages]}


@router.get("/staff/api/inbox/{handover_id}/draft")
async def draft(request: Request, handover_id: int, user: Operator) -> dict:
    """The hotline assistant's answer (draft, citation, passages) to the conversation's last question."""
    handover = await _conversation(request, handover_id)
    messages = await asyncio.to_thread(service(request).store.messages, handover.id)
    # The producer's latest message since the hand-over, else the question asked before it.
    asked = [m.text for m in messages if m.direction == "in" and m.at > handover.created_at]
    question = (asked[-1] if asked else handover.question).strip()[: assist.MAX_QUESTION_CHARS]
    if not question:
        return {"question": "", "draft": None, "passages": []}
    return await assist.assist_answer(request, question)


async def _handled(coroutine):
    """The service's result; 409 with its Vietnamese message when the action cannot be done."""
    try:
        return await coroutine
    except HandoverError as error:
        raise HTTPException(409, detail=str(error)) from error


@router.post("/staff/api/inbox/{handover_id}/reply")
async def reply(request: Request, handover_id: int, body: ReplyBody, user: Operator) -> dict:
    text = body.text.strip()
    if not text:
        raise HTTPException(422, detail="Nội dung trả lời đang trống.")
    message = await _handled(service(request).reply(handover_id, user.username, text))
    await asyncio.to_thread(audit, user, "handover.reply", f"handover:{handover_id}", message.delivery)
    return {"message": message.as_dict()}


@router.post("/staff/api/inbox/{handover_id}/assign")
async def assign(request: Request, handover_id: int, user: Operator) -> dict:
    handover = await _handled(service(request).assign(handover_id, user.username))
    await asyncio.to_thread(audit, user, "handover.assign", f"handover:{handover_id}", user.username)
    return {"conversation": _summary(handover, time.time())}


@router.post("/staff/api/inbox/{handover_id}/return")
async def hand_back(request: Request, handover_id: int, user: Operator) -> dict:
    handover = await _handled(service(request).finish(handover_id, "returned"))
    await asyncio.to_thread(audit, user, "handover.return", f"handover:{handover_id}")
    return {"conversation": _summary(handover, time.time())}


@router.post("/staff/api/inbox/{handover_id}/close")
async def close(request: Request, handover_id: int, user: Operator) -> dict:
    handover = await _handled(service(request).finish(handover_id, "closed"))
    await asyncio.to_thread(audit, user, "handover.close", f"handover:{handover_id}")
    return {"conversation": _summary(handover, time.time())}


@router.post("/staff/api/inbox/{handover_id}/note")
async def note(request: Request, handover_id: int, body: NoteBody, user: Operator) -> dict:
    await _handled(service(request).set_note(handover_id, body.note.strip()))
    await asyncio.to_thread(audit, user, "handover.note", f"handover:{handover_id}", f"{len(body.note)} ký tự")
    return {"ok": True}
