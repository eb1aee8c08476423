"""Staff accounts, server-side sessions, login failures and the audit log, in the gateway's database.

Roles nest: an admin can do everything an editor can, an editor everything an operator can
(operator: the hand-over inbox; editor: the review page and dashboard; admin: accounts, audit log).
Passwords are hashed with argon2id (argon2-cffi); a session is a random token whose SHA-256 is the
row's key, so the database never holds a usable cookie. Logging out or disabling an account deletes its
session rows, which ends them at once on every gateway instance.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text

from gateway.database import Database

ROLES = ("operator", "editor", "admin")
ROLE_NAMES = {"operator": "Trực tổng đài", "editor": "Biên tập nội dung", "admin": "Quản trị"}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
# Lock-out: this many failures within the window lock an account, or an address, until they age out.
FAILURE_WINDOW = 15 * 60.0
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 10
# A session ends after this long without a request, and after this long in any case.
SESSION_IDLE = 8 * 3600.0
SESSION_MAX = 7 * 24 * 3600.0

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is Vietnamese, for the page."""


@dataclass(frozen=True)
class StaffUser:
    id: int
    username: str
    role: str
    disabled: bool = False
    store: Any = field(default=None, repr=False, compare=False)

    def can(self, role: str) -> bool:
        """True when this account's role includes `role`."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"Mật khẩu dài quá {MAX_PASSWORD_CHARS} ký tự.")


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not (3 <= len(username) <= 64) or not all(c.isalnum() or c in "._-" for c in username):
        raise AccountError("Tên đăng nhập gồm 3–64 ký tự: chữ, số, dấu chấm, gạch dưới hoặc gạch ngang.")
    return username


class StaffStore:
    """Accounts, sessions, failures and audit records on one `Database`."""

    def __init__(self, database: Database) -> None:
        self.db = database

    # --- accounts -------------------------------------------------------------------------------
    def _user(self, row: Any) -> StaffUser:
        return StaffUser(int(row[0]), row[1], row[2], bool(row[3]), self)

    def users(self) -> list[StaffUser]:
        rows = self.db.rows("SELECT id, username, role, disabled FROM staff_users ORDER BY username")
        return [self._user(row) for row in rows]

    def user(self, user_id: int) -> StaffUser | None:
        rows = self.db.rows("SELECT id, username, role, disabled FROM staff_users WHERE id = :id", id=user_id)
        return self._user(rows[0]) if rows else None

    def create_user(self, username: str, password: str, role: str) -> StaffUser:
        username = check_username(username)
        if role not in ROLES:
            raise AccountError("Vai trò không hợp lệ.")
        check_password_rules(password)
        if self.db.rows("SELECT 1 FROM staff_users WHERE username = :u", u=username):
            raise AccountError(f"Tên đăng nhập «{username}» đã có.")
        now = time.time()
        self.db.run(
            "INSERT INTO staff_users (username, password_hash, role, disabled, created_at, updated_at) "
            "VALUES (:u, :h, :r, 0, :t, :t)",
            u=username,
            h=_hasher.hash(password),
            r=role,
            t=now,
        )
        rows = self.db.rows("SELECT id, username, role, disabled FROM staff_users WHERE username = :u", u=username)
        return self._user(rows[0])

    def set_role(self, user_id: int, role: str) -> None:
        if role not in ROLES:
            raise AccountError("Vai trò không hợp lệ.")
        self.db.run(
            "UPDATE staff_users SET role = :r, updated_at = :t WHERE id = :id", r=role, t=time.time(), id=user_id
        )

    def set_disabled(self, user_id: int, disabled: bool) -> None:
        with self.db.transaction() as connection:
            connection.execute(
                text("UPDATE staff_users SET disabled = :d, updated_at = :t WHERE id = :id"),
                {"d": int(disabled), "t": time.time(), "id": user_id},
            )
            if disabled:
                connection.execute(text("DELETE FROM staff_sessions WHERE user_id = :id"), {"id": user_id})

    def set_password(self, user_id: int, password: str) -> None:
        """A new password; every open session of the account ends."""
        check_password_rules(password)
        with self.db.transaction() as connection:
            connection.execute(
                text("UPDATE staff_users SET password_hash = :h, updated_at = :t WHERE id = :id"),
                {"h": _hasher.hash(password), "t": time.time(), "id": user_id},
            )
            connection.execute(text("DELETE FROM staff_sessions WHERE user_id = :id"), {"id": user_id})

    def active_admins(self) -> int:
        return len(self.db.rows("SELECT 1 FROM staff_users WHERE role = 'admin' AND disabled = 0"))

    # --- login and lock-out ---------------------------------------------------------------------
    def locked(self, username: str, address: str, now: float | None = None) -> bool:
        since = (now or time.time()) - FAILURE_WINDOW
        by_account = self.db.rows(
            "SELECT COUNT(*) FROM staff_login_failures WHERE username = :u AND at > :s", u=username, s=since
        )[0][0]
        by_address = self.db.rows(
            "SELECT COUNT(*) FROM staff_login_failures WHERE address = :a AND at > :s", a=address, s=since
        )[0][0]
        return by_account >= ACCOUNT_FAILURES or by_address >= ADDRESS_FAILURES

    def authenticate(self, username: str, password: str, address: str) -> StaffUser | None:
        """The account when the password is right and it is enabled; a failure is recorded otherwise.

        Call `locked()` first: a locked account is refused before its password is checked.
        """
        username = username.strip().lower()[:64]
        rows = self.db.rows(
            "SELECT id, username, role, disabled, password_hash FROM staff_users WHERE username = :u", u=username
        )
        stored = rows[0][4] if rows else _DUMMY_HASH
        try:
            ok = _hasher.verify(stored, password[:MAX_PASSWORD_CHARS]) and bool(rows) and not rows[0][3]
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            self.db.run(
                "INSERT INTO staff_login_failures (username, address, at) VALUES (:u, :a, :t)",
                u=username,
                a=address,
                t=time.time(),
            )
            return None
        if _hasher.check_needs_rehash(stored):
            self.db.run(
                "UPDATE staff_users SET password_hash = :h WHERE id = :id", h=_hasher.hash(password), id=rows[0][0]
            )
        self.db.run("DELETE FROM staff_login_failures WHERE username = :u", u=username)
        return self._user(rows[0])

    # --- sessions -------------------------------------------------------------------------------
    def open_session(self, user: StaffUser) -> tuple[str, str]:
        """A new session for `user`: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = time.time()
        self.db.run(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES (:h, :u, :c, :t, :t)",
            h=_token_hash(token),
            u=user.id,
            c=csrf,
            t=now,
        )
        return token, csrf

    def session(self, token: str) -> tuple[StaffUser, str] | None:
        """The enabled account and CSRF token of a live session, or None; refreshes its idle timer."""
        if not token:
            return None
        now = time.time()
        key = _token_hash(token)
        rows = self.db.rows(
            "SELECT u.id, u.username, u.role, u.disabled, s.csrf, s.created_at, s.last_seen "
            "FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = :h",
            h=key,
        )
        if not rows:
            return None
        row = rows[0]
        if row[3] or now - row[6] > SESSION_IDLE or now - row[5] > SESSION_MAX:
            self.db.run("DELETE FROM staff_sessions WHERE token_hash = :h", h=key)
            return None
        if now - row[6] > 60:
            self.db.run("UPDATE staff_sessions SET last_seen = :t WHERE token_hash = :h", t=now, h=key)
        return self._user(row), row[4]

    def close_session(self, token: str) -> None:
        self.db.run("DELETE FROM staff_sessions WHERE token_hash = :h", h=_token_hash(token))

    # --- audit ----------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, target: str, detail: str = "") -> None:
        self.db.run(
            "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (:t, :a, :x, :g, :d)",
            t=time.time(),
            a=actor[:64],
            x=action[:64],
            g=target[:200],
            d=detail[:2000],
        )

    def audit_entries(self, limit: int = 500) -> list[dict]:
        rows = self.db.rows(
            "SELECT at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT :n", n=limit
        )
        return [dict(zip(("at", "actor", "action", "target", "detail"), row, strict=True)) for row in rows]
