"""Retention of the staff workspace's records: `prune_staff(database, days)`.

Chat feedback, the answer log, self-assessment results and the audit log older than `days` are deleted
(`OCOP_STAFF_RETENTION_DAYS`; 0 keeps them); ended sessions and login failures past the lock-out window
go in any case. `gateway.retention.prune_all` calls it with the other stores. Question-bank drafts are
the editors' work and are kept.
"""

from __future__ import annotations

import time

from gateway.database import Database
from gateway.staff.accounts import FAILURE_WINDOW, SESSION_IDLE, SESSION_MAX

DAY = 86_400.0
AGED_TABLES = ("feedback", "answer_log", "selfassess_results", "audit_log")


def prune_staff(database: Database, days: float, now: float | None = None) -> int:
    """Delete the staff records older than `days` and every ended session; how many rows went."""
    now = now or time.time()
    deleted = database.run(
        "DELETE FROM staff_sessions WHERE last_seen < :idle OR created_at < :oldest",
        idle=now - SESSION_IDLE,
        oldest=now - SESSION_MAX,
    )
    deleted += database.run("DELETE FROM staff_login_failures WHERE at < :t", t=now - FAILURE_WINDOW)
    if days > 0:
        for table in AGED_TABLES:
            deleted += database.run(f"DELETE FROM {table} WHERE at < :t", t=now - days * DAY)
    return deleted
