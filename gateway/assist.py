"""Hotline assistant for staff: top passages with citations, the detected intent and a draft answer.

- ``GET /assist`` serves the page (gateway/static/assist.html, with assist.css and assist.js under /static).
- ``POST /api/assist`` ``{"question": "..."}`` returns the passages, intent and draft answer as JSON.

Access: when ``OCOP_ASSIST_API_KEY`` is set, the API requires it in the ``X-API-Key`` header (401
otherwise); when it is not set, the API answers loopback clients only (403 for others; both carry a
Vietnamese `error` beside the English `detail`, like every refusal of the gateway), so the
assistant works without login on the machine itself and is never exposed by accident. A request
carrying a forwarding header (``X-Forwarded-For``, ``X-Real-IP``, ``Forwarded``) came through a proxy,
so it is not local whatever its address: without a key it gets 403. The gateway refuses to start with
a public ``OCOP_PUBLIC_BASE_URL`` (not loopback) and no key (`require_key_when_public`).

The intent comes from Rasa's ``/model/parse`` through ``request.app.state.rasa_client`` when the app
has one; if Rasa is missing or unreachable the intent is reported as unknown and retrieval runs alone.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from gateway import rate_limit
from gateway.settings import SettingsError
from knowledge_base.answer import answer_question, plain_text
from knowledge_base.settings import assist_api_key
from knowledge_base.topics import INTENT_TOPICS

log = logging.getLogger(__name__)

PAGE = Path(__file__).parent / "static" / "assist.html"
MAX_QUESTION_CHARS = 2000
PASSAGE_CHARS = 1200
FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")

router = APIRouter(tags=["hotline assistant"])


class AssistRequest(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)


def _is_loopback(host: str | None) -> bool:
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return host == "localhost"


def require_key_when_public(public_base_url: str) -> None:
    """Refuse to run the assistant without a key on a gateway the public can reach."""
    host = urlsplit(public_base_url).hostname if public_base_url else None
    if host and not _is_loopback(host) and not assist_api_key():
        raise SettingsError(
            "OCOP_ASSIST_API_KEY is required when OCOP_PUBLIC_BASE_URL is a public address "
            "(the hotline assistant would otherwise trust whatever the proxy in front says)"
        )


def _refusal(status: int, vietnamese: str, english: str) -> JSONResponse:
    return JSONResponse({"error": vietnamese, "detail": english}, status_code=status)


def _authorize(request: Request) -> JSONResponse | None:
    """The 401 or 403 for a request the assistant may not answer, or None when it may."""
    key = assist_api_key()
    if key:
        given = request.headers.get("x-api-key", "")
        if not hmac.compare_digest(given.encode(), key.encode()):
            return _refusal(401, "Thiếu hoặc sai khóa truy cập (X-API-Key).", "missing or wrong X-API-Key")
    elif any(name in request.headers for name in FORWARDING_HEADERS) or not _is_loopback(
        request.client.host if request.client else None
    ):
        return _refusal(
            403,
            "Trợ lý chỉ mở trên máy chủ nội bộ; hãy đặt OCOP_ASSIST_API_KEY để truy cập từ xa.",
            "loopback clients only without OCOP_ASSIST_API_KEY",
        )
    return None


async def _detect_intent(request: Request, question: str) -> dict:
    """Rasa's intent and entities for ``question``; ``name`` None when Rasa is unavailable."""
    client = getattr(request.app.state, "rasa_client", None)
    if client is None:
        return {"name": None, "confidence": None, "entities": [], "available": False}
    try:
        parsed = await client.parse(question)
    except Exception as error:  # any failure of the NLU service degrades to "intent unknown"
        log.warning("assist: Rasa parse failed (%s)", type(error).__name__)
        return {"name": None, "confidence": None, "entities": [], "available": False}
    intent = parsed.get("intent") or {}
    entities = [e for e in parsed.get("entities") or [] if isinstance(e, dict)]
    return {
        "name": intent.get("name"),
        "confidence": intent.get("confidence"),
        "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in entities],
        "available": True,
    }


@router.api_route("/assist", methods=["GET", "HEAD"], include_in_schema=False)
async def assist_page() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")


@router.post("/api/assist")
async def assist(body: AssistRequest, request: Request) -> dict:
    if refused := _authorize(request) or rate_limit.refuse(request, "assist"):
        return refused
    return await assist_answer(request, body.question.strip())


async def assist_answer(request: Request, question: str) -> dict:
    """Passages, intent and draft for `question` (also the staff inbox's draft, behind its own login)."""
    intent = await _detect_intent(request, question)
    content_intent = intent["name"] if intent["name"] in INTENT_TOPICS else None
    answer = await run_in_threadpool(answer_question, question, content_intent, intent["entities"])
    return {
        "question": question,
        "intent": intent,
        "draft": {
            "text": answer.text,
            "citation": answer.citation,
            "confident": answer.confident,
            "buttons": answer.buttons,
        },
        "passages": [
            {
                "id": hit.chunk.id,
                "score": hit.score,
                "heading": hit.chunk.heading,
                "document": hit.chunk.title,
                "citation": hit.chunk.citation(),
                "validity": hit.chunk.validity,
                "superseded_by": hit.chunk.superseded_by,
                "text": plain_text(hit.chunk.text)[:PASSAGE_CHARS],
            }
            for hit in answer.hits
        ],
    }
