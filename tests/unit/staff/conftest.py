"""A gateway on loopback with a staff store, and helpers to sign in as a given role."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.fakes.server import ServerThread

PASSWORD = "mat-khau-dai-du-10"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/staff/login", headers={"accept": "text/html"})
    return client.post(
        "/staff/login",
        data={"csrf_token": csrf_of(page.text), "username": username, "password": password, "next": "/staff"},
        headers={"accept": "text/html"},
    )


@pytest.fixture
def gateway(tmp_path) -> Iterator[ServerThread]:
    app = create_app(Settings(rasa_url="http://127.0.0.1:9", data_dir=tmp_path / "var"))
    with ServerThread(app) as server:
        server.store = app.state.staff
        yield server


@pytest.fixture
def client(gateway) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, headers={"accept": "text/html"}) as http:
        yield http


@pytest.fixture
def signed_in(gateway, client):
    """`signed_in(role)`: the client signed in as a fresh account with that role."""

    def sign_in(role: str, username: str | None = None) -> httpx.Client:
        gateway.store.create_user(username or f"can-bo-{role}", PASSWORD, role)
        response = login(client, username or f"can-bo-{role}")
        assert response.status_code == 303, response.text
        return client

    return sign_in
