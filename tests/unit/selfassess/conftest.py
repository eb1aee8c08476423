"""A small app serving only the self-assessment router and the static files (with the shared guards), for API tests."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from gateway import http_guards
from gateway.channels.web import STATIC_DIR
from gateway.selfassess import router


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    http_guards.install(app)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return TestClient(app)
