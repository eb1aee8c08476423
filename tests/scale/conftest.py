"""Fixtures of the multi-instance tests: real PostgreSQL and Redis for the session, a fresh database per test.

The tests skip, naming what is missing, only when the Debian packages (postgresql, redis-server, nginx)
are not installed; `.ci/run` installs them.
"""

from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.fakes.fixtures import *  # noqa: F401,F403
from tests.scale import servers

MISSING = servers.missing()
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"not installed: {', '.join(MISSING)} (see .ci/run)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/scale/" in str(item.fspath) and MISSING:
            item.add_marker(pytest.mark.skip(reason=f"not installed: {', '.join(MISSING)} (install the Debian "
                                                    "packages postgresql, redis-server and nginx, as .ci/run does)"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[servers.Server]:
    server = servers.start_postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis(tmp_path_factory) -> Iterator[servers.Server]:
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
