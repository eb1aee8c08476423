"""Access to the staff pages: the session dependency, CSRF tokens and the audit call.

- `require_role("operator" | "editor" | "admin")` is a FastAPI dependency returning the signed-in
  `StaffUser`. Without a live session a page request is redirected to the login page (303) and an API
  request (path under `/staff/api/`, or one not asking for HTML) gets 401; a role too low gets 403.
  On every state-changing method (POST, PUT, PATCH, DELETE) it also checks the CSRF token.
  `Operator`, `Editor` and `Admin` are the same as route parameter types (`user: Editor`).
- `csrf_token(request)` is the token to put in a form (`<input name="csrf_token">`) or in the
  `X-CSRF-Token` header of a `fetch`; `check_csrf(request)` checks it (403 when wrong or missing).
- `audit(actor, action, target, detail)` records who replied, exported or changed what; `actor` is the
  `StaffUser` from `require_role` (or a name such as "system" with `request=` given).

The session cookie is HttpOnly, SameSite=Lax, and Secure when `OCOP_PUBLIC_BASE_URL` is https. The
login form, shown before any session exists, uses a double-submit token in a short-lived cookie.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response

from gateway.staff.accounts import ROLES, SESSION_MAX, StaffStore, StaffUser

SESSION_COOKIE = "ocop_staff"
LOGIN_CSRF_COOKIE = "ocop_staff_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
LOGIN_PATH = "/staff/login"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def store_of(request: Request) -> StaffStore:
    return request.app.state.staff


def secure_cookies(request: Request) -> bool:
    return bool(getattr(request.app.state, "staff_secure_cookies", False))


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/staff/api/") or "text/html" not in request.headers.get("accept", "")


def current_user(request: Request) -> StaffUser | None:
    """The signed-in account of this request, or None (also sets the request's CSRF token)."""
    if hasattr(request.state, "staff_user"):
        return request.state.staff_user
    found = store_of(request).session(request.cookies.get(SESSION_COOKIE, ""))
    request.state.staff_user, request.state.staff_csrf = found if found else (None, None)
    return request.state.staff_user


def csrf_token(request: Request) -> str:
    """The CSRF token of this request's session (or of the login form before a session exists)."""
    if current_user(request) is not None:
        return request.state.staff_csrf
    if not getattr(request.state, "login_csrf", None):
        request.state.login_csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    return request.state.login_csrf


def set_login_csrf_cookie(request: Request, response: Response) -> None:
    """Keep the login form's token in its cookie (call on the response that shows the form)."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        csrf_token(request),
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path=LOGIN_PATH,
    )


async def _submitted_token(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def check_csrf(request: Request) -> None:
    """403 unless the request carries this session's (or the login form's) CSRF token."""
    expected = csrf_token(request) if current_user(request) is not None else request.cookies.get(LOGIN_CSRF_COOKIE)
    given = await _submitted_token(request)
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, detail="Phiên làm việc không hợp lệ (mã CSRF). Hãy tải lại trang rồi thử lại.")


def require_role(role: str) -> Callable[[Request], Coroutine[Any, Any, StaffUser]]:
    """A dependency: the signed-in account holding `role` (see the module docstring)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(request: Request) -> StaffUser:
        user = current_user(request)
        if user is None:
            if _wants_json(request):
                raise HTTPException(401, detail="Cần đăng nhập tài khoản cán bộ.")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise HTTPException(303, headers={"Location": f"{LOGIN_PATH}?next={quote(target, safe='')}"})
        if not user.can(role):
            raise HTTPException(403, detail="Tài khoản của bạn không có quyền mở trang này.")
        if request.method in UNSAFE_METHODS:
            await check_csrf(request)
        return user

    return dependency


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_MAX),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def audit(
    actor: StaffUser | str, action: str, target: str, detail: str = "", *, request: Request | None = None
) -> None:
    """Record that `actor` did `action` on `target` (e.g. "reply", "zalo:…hash", "first words…")."""
    if isinstance(actor, StaffUser):
        store, name = actor.store, actor.username
    else:
        if request is None:
            raise ValueError("audit() with a name as actor needs request=")
        store, name = store_of(request), actor
    store.audit(name, action, target, detail)


# Parameter types for routes: `user: Operator` is the signed-in account with at least that role.
Operator = Annotated[StaffUser, Depends(require_role("operator"))]
Editor = Annotated[StaffUser, Depends(require_role("editor"))]
Admin = Annotated[StaffUser, Depends(require_role("admin"))]
