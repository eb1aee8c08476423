"""Request guards shared by every endpoint: a body size limit and clear 4xx errors.

Bodies over the limit get 413; a body declared as JSON that is not UTF-8 gets 400 before any route
sees it. Malformed JSON gets 400 and other validation failures 422, each with a Vietnamese `error` (for a
person) beside FastAPI's usual `detail` (for a program).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 256 * 1024


class BodySizeLimit:
    """Answer 413 to request bodies over `limit` bytes, declared or streamed, and 400 to non-UTF-8 JSON."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await _too_large(scope, receive, send, self.limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await _too_large(scope, receive, send, self.limit)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _declares_json(scope) and not _is_utf8(body):
            response = JSONResponse(
                {"error": "Dữ liệu gửi lên không phải JSON hợp lệ (cần mã hoá UTF-8).", "detail": "body is not UTF-8"},
                status_code=400,
            )
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _declares_json(scope: Scope) -> bool:
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    return content_type.split(b";")[0].strip().lower() == b"application/json"


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = JSONResponse(
        {"error": f"Nội dung gửi lên quá lớn (tối đa {limit // 1024} KB).", "detail": "request body too large"},
        status_code=413,
    )
    await response(scope, receive, send)


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = jsonable_encoder(error.errors(), custom_encoder={bytes: lambda b: b.decode("utf-8", "replace")})
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse({"error": "Dữ liệu gửi lên không phải JSON hợp lệ.", "detail": errors}, status_code=400)
    return JSONResponse(
        {"error": "Yêu cầu thiếu trường bắt buộc hoặc có giá trị không hợp lệ.", "detail": errors},
        status_code=422,
    )
