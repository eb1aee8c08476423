"""Fixtures of the multi-instance tests: real PostgreSQL and Redis for the session, a fresh database per test.

The tests skip, naming what is missing, only when the Debian packages (postgresql, redis-server, nginx)
are not installed; `.ci/run` installs them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.fakes.fixtures import *  # noqa: F401,F403
from tests.scale import servers

MISSING = servers.missing()


def require_servers() -> None:
    """Skip the calling test when PostgreSQL, Redis or nginx is not installed."""
    if MISSING:
        pytest.skip(
            f"not installed: {', '.join(MISSING)} (the Debian packages postgresql, redis-server and "
            "nginx-light, which .ci/run installs)"
        )


@pytest.fixture(scope="session")
def postgres() -> Iterator[servers.Server]:
    require_servers()
    server = servers.start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis(tmp_path_factory) -> Iterator[servers.Server]:
    require_servers()
    server = servers.start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def database_url(postgres) -> str:
    """A new, empty database on the session's PostgreSQL server."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return postgres.url.rsplit("/", 1)[0] + f"/{name}"
