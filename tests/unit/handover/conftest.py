"""A gateway with the Zalo channel on a fake Zalo API and a fake Rasa that pauses, plus a signed-in operator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.fakes.fake_rasa_handover import PausingFakeRasa
from tests.fakes.fake_zalo import encode
from tests.fakes.fixtures import *  # noqa: F401,F403
from tests.fakes.fixtures import run_gateway, serve, with_zalo
from tests.unit.staff.conftest import PASSWORD, login

# Staff are always in during these tests, so the expected wait is announced (office hours have their own tests).
ALWAYS_OPEN = {"handover_hours": "00:00-23:59", "handover_days": "1-7"}


@pytest.fixture
def fake_rasa() -> Iterator[PausingFakeRasa]:
    yield from serve(PausingFakeRasa())


@pytest.fixture
def gateway(gateway_settings, zalo):
    settings = with_zalo(gateway_settings, zalo.url, **ALWAYS_OPEN)
    with run_gateway(settings) as server:
        yield server


@contextmanager
def signed_in(gateway, username: str) -> Iterator[httpx.Client]:
    """A JSON client signed in as the staff member `username`; `.csrf` is its session's CSRF token."""
    with httpx.Client(base_url=gateway.url, headers={"accept": "text/html"}, timeout=10) as client:
        assert login(client, username).status_code == 303
        page = client.get("/staff/inbox")
        assert page.status_code == 200
        client.csrf = page.text.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        client.headers["accept"] = "application/json"
        yield client


@pytest.fixture
def operator(gateway) -> Iterator[httpx.Client]:
    """A client signed in as an operator; `operator.csrf` is its session's CSRF token."""
    gateway.app.state.staff.create_user("can-bo-lan", PASSWORD, "operator")
    with signed_in(gateway, "can-bo-lan") as client:
        yield client


def zalo_says(gateway, user: str, text: str, msg_id: str) -> None:
    from tests.fakes.fake_zalo import text_event

    body, headers = encode(text_event(user, text, msg_id))
    response = httpx.post(f"{gateway.url}/zalo/webhook", content=body, headers=headers, timeout=5)
    assert response.status_code == 200, response.text


@pytest.fixture
def fake_rasa_pausing(fake_rasa) -> PausingFakeRasa:
    return fake_rasa
