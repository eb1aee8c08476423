"""Pytest fixtures shared by the gateway tests: fake servers and a gateway running on loopback.

Import them into a conftest.py (`from tests.fakes.fixtures import *`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from bot.settings import Settings
from tests.fakes.fake_rasa import FakeRasa
from tests.fakes.fake_zalo import FakeZalo
from tests.fakes.server import ServerThread

__all__ = ["fake_rasa", "gateway_settings", "run_gateway", "zalo"]


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    with ServerThread(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    """A fake Zalo API (OA messages and OAuth token refresh) on loopback."""
    fake = FakeZalo()
    with ServerThread(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def gateway_settings(tmp_path: Path, fake_rasa: FakeRasa) -> Settings:
    """Settings of a gateway talking to the fake Rasa, with its data in a temporary directory."""
    return Settings(rasa_url=fake_rasa.url, rasa_timeout=5.0, data_dir=tmp_path / "var")


def run_gateway(settings: Settings, **overrides) -> ServerThread:
    """A started gateway built from `settings` with `overrides`; stop it (or use `with`)."""
    from bot.app import create_app

    return ServerThread(create_app(replace(settings, **overrides))).start()
