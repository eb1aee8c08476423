"""`python -m gateway.staff create-admin`: the first admin, with a password read from stdin, never a default."""

from __future__ import annotations

import os
import subprocess
import sys

from gateway.database import open_database
from gateway.settings import REPO_ROOT
from gateway.staff.accounts import StaffStore


def _run(data_dir, username: str, stdin: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OCOP_DATA_DIR": str(data_dir), "OCOP_DATABASE_URL": "", "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "gateway.staff", "create-admin", username],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
    )


def test_create_admin_reads_the_password_from_stdin_and_can_log_in(tmp_path):
    done = _run(tmp_path, "quantri", "mot-mat-khau-that-dai\n")
    assert done.returncode == 0, done.stderr
    assert "Đã tạo tài khoản quản trị quantri" in done.stdout
    database = open_database("", tmp_path)
    try:
        store = StaffStore(database)
        user = store.authenticate("quantri", "mot-mat-khau-that-dai", "127.0.0.1")
        assert user is not None and user.role == "admin"
        assert store.authenticate("quantri", "", "127.0.0.1") is None
    finally:
        database.close()


def test_create_admin_refuses_an_empty_or_short_password(tmp_path):
    done = _run(tmp_path, "quantri", "\n")
    assert done.returncode == 2 and "ít nhất 10 ký tự" in done.stderr
    database = open_database("", tmp_path)
    try:
        assert StaffStore(database).users() == []
    finally:
        database.close()
