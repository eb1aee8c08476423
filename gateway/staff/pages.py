"""Login, logout, the staff home page and the admin pages (accounts, audit log).

Every form carries the CSRF token; every change an admin makes is written to the audit log.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from gateway.staff.accounts import MIN_PASSWORD_CHARS, ROLE_NAMES, ROLES, AccountError, StaffUser
from gateway.staff.auth import (
    SESSION_COOKIE,
    Admin,
    Operator,
    audit,
    check_csrf,
    csrf_token,
    current_user,
    set_login_csrf_cookie,
    set_session_cookie,
    store_of,
)

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
LOCKED_MESSAGE = "Đăng nhập bị tạm khoá do nhập sai nhiều lần. Hãy thử lại sau 15 phút hoặc nhờ quản trị viên."
WRONG_MESSAGE = "Tên đăng nhập hoặc mật khẩu không đúng."

router = APIRouter(prefix="/staff", include_in_schema=False)


def local_time(at: float) -> str:
    return datetime.datetime.fromtimestamp(at, VIETNAM).strftime("%d/%m/%Y %H:%M")


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """A staff page with the signed-in account and CSRF token in its context."""
    context.setdefault("user", current_user(request))
    context.setdefault("csrf", csrf_token(request))
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str) -> str:
    """Only a path of this site (no scheme, no host) is followed after login."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/staff"
    return target


@router.get("/login")
async def login_page(request: Request, next: str = "/staff") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    response = render(request, "login.html", next=_safe_next(next), username="")
    set_login_csrf_cookie(request, response)
    return response


@router.post("/login")
async def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=1000),
    next: str = Form("/staff", max_length=500),
) -> Response:
    await check_csrf(request)
    store = store_of(request)
    address = _client_address(request)
    name = username.strip().lower()[:64]
    if store.locked(name, address):
        store.audit(name or "?", "login-locked", address)
        response = render(request, "login.html", 429, error=LOCKED_MESSAGE, next=_safe_next(next), username=name)
        set_login_csrf_cookie(request, response)
        return response
    user = store.authenticate(name, password, address)
    if user is None:
        locked = store.locked(name, address)
        error = LOCKED_MESSAGE if locked else WRONG_MESSAGE
        response = render(request, "login.html", 401, error=error, next=_safe_next(next), username=name)
        set_login_csrf_cookie(request, response)
        return response
    token, _csrf = store.open_session(user)
    store.audit(user.username, "login", address)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.post("/logout")
async def logout(request: Request, user: Operator) -> Response:
    store_of(request).close_session(request.cookies.get(SESSION_COOKIE, ""))
    audit(user, "logout", user.username)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("")
async def home(request: Request, user: Operator) -> Response:
    links = [
        {"href": "/staff/inbox", "title": "Hộp thư hỗ trợ trực tiếp"},
        {"href": "/assist", "title": "Trợ lý trả lời"},
    ]
    if user.can("editor"):
        links += [
            {"href": "/staff/review", "title": "Rà soát câu hỏi bot chưa trả lời được"},
            {"href": "/staff/dashboard", "title": "Bảng thống kê"},
        ]
    if user.can("admin"):
        links += [
            {"href": "/staff/admin/accounts", "title": "Quản lý tài khoản"},
            {"href": "/staff/admin/audit", "title": "Nhật ký thao tác"},
        ]
    return render(request, "home.html", links=links, role_name=ROLE_NAMES[user.role])


def _accounts_page(request: Request, status_code: int = 200, **context) -> Response:
    return render(
        request,
        "accounts.html",
        status_code,
        accounts=store_of(request).users(),
        roles=ROLES,
        role_names=ROLE_NAMES,
        min_password=MIN_PASSWORD_CHARS,
        **context,
    )


@router.get("/admin/accounts")
async def accounts_page(request: Request, _: Admin, message: str = "") -> Response:
    return _accounts_page(request, message=message[:200])


def _done(message: str) -> Response:
    return RedirectResponse(f"/staff/admin/accounts?message={quote(message)}", status_code=303)


@router.post("/admin/accounts")
async def create_account(
    request: Request,
    admin: Admin,
    username: str = Form(..., max_length=200),
    password: str = Form(..., max_length=1000),
    role: str = Form(..., max_length=20),
) -> Response:
    try:
        created = store_of(request).create_user(username, password, role)
    except AccountError as error:
        return _accounts_page(request, 400, error=str(error))
    audit(admin, "account-create", created.username, f"role={created.role}")
    return _done(f"Đã tạo tài khoản {created.username}.")


def _target(request: Request, user_id: int) -> StaffUser | None:
    return store_of(request).user(user_id)


def _would_remove_last_admin(request: Request, target: StaffUser) -> bool:
    return target.role == "admin" and not target.disabled and store_of(request).active_admins() <= 1


@router.post("/admin/accounts/{user_id}/role")
async def set_role(
    request: Request,
    admin: Admin,
    user_id: int,
    role: str = Form(..., max_length=20),
) -> Response:
    target = _target(request, user_id)
    if target is None:
        return _accounts_page(request, 404, error="Không có tài khoản này.")
    if role != "admin" and _would_remove_last_admin(request, target):
        return _accounts_page(request, 400, error="Không thể bỏ quyền của quản trị viên cuối cùng.")
    try:
        store_of(request).set_role(user_id, role)
    except AccountError as error:
        return _accounts_page(request, 400, error=str(error))
    audit(admin, "account-role", target.username, f"{target.role} -> {role}")
    return _done(f"Đã đổi vai trò của {target.username}.")


@router.post("/admin/accounts/{user_id}/{change}")
async def change_account(
    request: Request,
    admin: Admin,
    user_id: int,
    change: str,
    password: str = Form("", max_length=1000),
) -> Response:
    target = _target(request, user_id)
    if target is None or change not in ("disable", "enable", "password"):
        return _accounts_page(request, 404, error="Không có tài khoản hoặc thao tác này.")
    store = store_of(request)
    if change == "password":
        try:
            store.set_password(user_id, password)
        except AccountError as error:
            return _accounts_page(request, 400, error=str(error))
        audit(admin, "account-password", target.username)
        return _done(f"Đã đặt lại mật khẩu của {target.username}; các phiên đăng nhập cũ đã kết thúc.")
    if change == "disable" and _would_remove_last_admin(request, target):
        return _accounts_page(request, 400, error="Không thể khoá quản trị viên cuối cùng.")
    store.set_disabled(user_id, change == "disable")
    audit(admin, f"account-{change}", target.username)
    return _done(f"Đã {'khoá' if change == 'disable' else 'mở khoá'} tài khoản {target.username}.")


@router.get("/admin/audit")
async def audit_page(request: Request, _: Admin) -> Response:
    entries = [{**entry, "when": local_time(entry["at"])} for entry in store_of(request).audit_entries()]
    return render(request, "audit.html", entries=entries)
