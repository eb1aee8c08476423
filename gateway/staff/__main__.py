"""Staff accounts from the command line: `python -m gateway.staff create-admin <username>`.

The password is read from a prompt (twice) or, when standard input is not a terminal, from its
first line; there is never a default password. The database is the gateway's (OCOP_DATABASE_URL,
else SQLite under OCOP_DATA_DIR), read from the environment and `.env` like the gateway.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from gateway.database import open_database
from gateway.settings import Settings
from gateway.staff.accounts import AccountError, StaffStore


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise AccountError("Hai lần nhập mật khẩu không khớp.")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.staff", description="Staff accounts of the gateway")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-admin", help="create an admin account (password from a prompt or stdin)")
    create.add_argument("username")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    database = open_database(settings.database_url, settings.data_dir)
    try:
        store = StaffStore(database)
        user = store.create_user(args.username, _read_password(), "admin")
        store.audit("cli", "account-create", user.username, "role=admin")
    except AccountError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    finally:
        database.close()
    print(f"Đã tạo tài khoản quản trị {user.username}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
