"""`python -m stack.index_build`: build the knowledge-base index once across every machine of a deployment.

`python -m knowledge_base build` serialises builds on one machine with a file lock beside the index.
When several machines share one index directory (a network volume), that lock is not enough: with
`OCOP_DATABASE_URL` set, this command first takes a PostgreSQL advisory lock, so one machine builds
and the others, once they get the lock, find the index fresh and only load it. Without the setting it
is the plain build. The action servers' systemd unit and container run it before starting.
"""

from __future__ import annotations

import sys

from sqlalchemy import text

from gateway.database import advisory_key, postgres_engine
from gateway.settings import Settings

LOCK_NAME = "ocop:kb-index-build"


def build() -> dict:
    from knowledge_base.retrieval.index import IndexParams, ensure_index
    from knowledge_base.settings import KBSettings

    return ensure_index(KBSettings.from_env(), IndexParams(), progress=False)


def main() -> int:
    database_url = Settings.from_env().database_url
    if not database_url:
        manifest = build()
    else:
        engine = postgres_engine(database_url, pool_size=1)
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": advisory_key(LOCK_NAME)})
                manifest = build()  # the lock goes with the session when the connection closes
        finally:
            engine.dispose()
    print(f"Index ready: {manifest['chunk_count']} chunks, built {manifest['built_at']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
