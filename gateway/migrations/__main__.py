"""`python -m gateway.migrations`: bring the gateway's database (OCOP_DATABASE_URL or SQLite) up to date."""

from __future__ import annotations

import sys

from gateway.database import open_database
from gateway.migrations import applied
from gateway.settings import Settings


def main() -> int:
    settings = Settings.from_env()
    database = open_database(settings.database_url, settings.data_dir)
    try:
        for version, name in applied(database):
            print(f"{version:04d} {name}")
    finally:
        database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
