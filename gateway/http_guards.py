"""Request guards shared by every endpoint: body limits, strict JSON, bounded errors, security headers.

`install(app)` puts them on an app (the gateway, and the small apps of the router tests). Bodies over the
limit get 413. Every other request body is JSON on this gateway, so before any route sees one it must be
UTF-8 and strict JSON: no NaN or Infinity, at most `MAX_JSON_DEPTH` levels of nesting, integers of at most
`MAX_INT_DIGITS` digits; anything else gets 400 (`parse_json` is the same check for a route that parses
its body itself; `json_body` hands a route the value the guard decoded, so a body is parsed once). Other
validation failures get 422; each has a Vietnamese `error` (for a person) beside
FastAPI's usual `detail` (for a program), and echoes no more than `ECHO_CHARS` characters of any input.
Every response carries `SECURITY_HEADERS` (the pages load only their own scripts and styles).
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
MAX_INT_DIGITS = 40
ECHO_CHARS = 60
MAX_ERRORS_SHOWN = 10
# Form bodies are not JSON; no route takes one today, but one that does must not be refused here.
_FORM_TYPES = (b"multipart/form-data", b"application/x-www-form-urlencoded")
_NOT_JSON = "Dữ liệu gửi lên không phải JSON hợp lệ."
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# Where the guard leaves the decoded body for the route (`json_body`), in the request's scope state.
_DECODED = "ocop_json_body"
# FastAPI's API docs pages load their script from a CDN; they get every header but the CSP.
_NO_CSP_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")


class JsonBodyError(ValueError):
    """A request body that is not strict JSON, with the reason for a person and for a program."""

    def __init__(self, vietnamese: str, english: str) -> None:
        super().__init__(english)
        self.vietnamese = vietnamese
        self.english = english

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.vietnamese, "detail": self.english}, status_code=400)


def _refuse_constant(name: str) -> None:
    raise JsonBodyError(
        "Dữ liệu gửi lên có giá trị số không hợp lệ (NaN hoặc Infinity).", f"{name} is not a JSON number"
    )


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonBodyError(
            f"Dữ liệu gửi lên có số quá dài (tối đa {MAX_INT_DIGITS} chữ số).",
            f"integer longer than {MAX_INT_DIGITS} digits",
        )
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _refuse_constant(text[:ECHO_CHARS])
    return value


def _depth(value: Any) -> int:
    """Levels of nesting of a decoded JSON value (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_json(raw: bytes | str) -> Any:
    """Decode a request body as strict JSON, or raise `JsonBodyError`."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise JsonBodyError("Dữ liệu gửi lên không phải JSON hợp lệ (cần mã hoá UTF-8).", "body is not UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_integer, parse_float=_float)
    except RecursionError:
        value = None
        too_deep = True
    except JsonBodyError:
        raise
    except ValueError:
        raise JsonBodyError(_NOT_JSON, "body is not valid JSON") from None
    else:
        too_deep = _depth(value) > MAX_JSON_DEPTH
    if too_deep:
        raise JsonBodyError(
            f"Dữ liệu gửi lên lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp).",
            f"JSON nested deeper than {MAX_JSON_DEPTH} levels",
        )
    return value


async def json_body(request: Request) -> Any:
    """The request's body as strict JSON: the value the guard decoded, else decoded now (`JsonBodyError`)."""
    state = request.scope.get("state") or {}
    if _DECODED in state:
        return state[_DECODED]
    return parse_json(await request.body())


def install(app: FastAPI) -> None:
    """Put the shared guards and the 422 handler on `app`."""
    app.add_middleware(BodySizeLimit)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(RequestValidationError, validation_error)


class SecurityHeaders:
    """Add `SECURITY_HEADERS` to every HTTP response (the CSP to all but the API docs pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [
            (name.lower().encode(), value.encode())
            for name, value in SECURITY_HEADERS.items()
            if name != "Content-Security-Policy" or scope["path"] not in _NO_CSP_PATHS
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *(h for h in extra if h[0] not in present)],
                }
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """Answer 413 to request bodies over `limit` bytes, declared or streamed, and 400 to any that is not JSON."""

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
        if body and not _is_form(scope):
            try:
                decoded = parse_json(body)
            except JsonBodyError as error:
                await error.response()(scope, receive, send)
                return
            scope = {**scope, "state": {**(scope.get("state") or {}), _DECODED: decoded}}
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _is_form(scope: Scope) -> bool:
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    return content_type.split(b";")[0].strip().lower() in _FORM_TYPES


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    response = JSONResponse(
        {"error": f"Nội dung gửi lên quá lớn (tối đa {limit // 1024} KB).", "detail": "request body too large"},
        status_code=413,
    )
    await response(scope, receive, send)


def clip(text: str, chars: int = ECHO_CHARS) -> str:
    """`text` cut to `chars` characters (with "…" when cut), for echoing input in an error."""
    return text if len(text) <= chars else text[:chars] + "…"


def _bounded(value: Any) -> Any:
    """An input value as an error may echo it: short, and always JSON."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if len(str(abs(value))) <= MAX_INT_DIGITS else clip(str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, bytes):
        return clip(value[: ECHO_CHARS * 4].decode("utf-8", "replace"))
    if isinstance(value, str):
        return clip(value)
    return f"<{type(value).__name__}>"


def _error_json(error: dict) -> dict:
    out = {
        "type": str(error.get("type", "")),
        "loc": [item if isinstance(item, int) else clip(str(item)) for item in error.get("loc", ())],
        "msg": clip(str(error.get("msg", "")), 200),
        "input": _bounded(error.get("input")),
    }
    if isinstance(error.get("ctx"), dict):
        out["ctx"] = {clip(str(k)): _bounded(v) for k, v in error["ctx"].items()}
    return out


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = [_error_json(e) for e in error.errors()[:MAX_ERRORS_SHOWN]]
    if any(e["type"] == "json_invalid" for e in errors):
        return JSONResponse({"error": _NOT_JSON, "detail": errors}, status_code=400)
    return JSONResponse(
        {"error": "Yêu cầu thiếu trường bắt buộc hoặc có giá trị không hợp lệ.", "detail": errors},
        status_code=422,
    )
