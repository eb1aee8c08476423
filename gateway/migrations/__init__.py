"""Versioned schema migrations of the gateway's database (plain SQL, one folder per dialect).

`<dialect>/NNNN_name.sql` files are applied in order, each once, inside one transaction that also
records them in `schema_migrations`; on PostgreSQL the transaction first takes an advisory lock, so
gateway instances starting together migrate once. `python -m gateway.migrations` applies them by hand
(what a deployment runs before starting new gateway versions) and lists what is applied.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from gateway.database import Database, advisory_key

MIGRATIONS_DIR = Path(__file__).resolve().parent
_FILE = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")
LOCK_NAME = "ocop:gateway-migrations"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def statements(self) -> list[str]:
        """The file's statements: split at `;` ending a line, `--` comment lines dropped."""
        lines = [
            line for line in self.path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("--")
        ]
        return [part.strip() for part in re.split(r";\s*$", "\n".join(lines), flags=re.M) if part.strip()]


def available(dialect: str) -> list[Migration]:
    """The migrations shipped for `dialect`, in version order."""
    found = []
    for path in sorted((MIGRATIONS_DIR / dialect).glob("*.sql")):
        match = _FILE.fullmatch(path.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), path))
    return found


def migrate(database: Database) -> list[int]:
    """Apply the pending migrations; returns the versions applied now."""
    applied_now = []
    with database.transaction() as connection:
        if database.shared:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(LOCK_NAME)})
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
            )
        )
        done = {row[0] for row in connection.execute(text("SELECT version FROM schema_migrations"))}
        for migration in available(database.dialect):
            if migration.version in done:
                continue
            for statement in migration.statements():
                connection.exec_driver_sql(statement)
            connection.execute(
                text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)"),
                {"v": migration.version, "n": migration.name, "t": time.time()},
            )
            applied_now.append(migration.version)
    return applied_now


def applied(database: Database) -> list[tuple[int, str]]:
    return [(row[0], row[1]) for row in database.rows("SELECT version, name FROM schema_migrations ORDER BY version")]
