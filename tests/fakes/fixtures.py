"""Pytest fixtures shared by the gateway tests: fake servers and a gateway running on loopback.

Import them into a conftest.py (`from tests.fakes.fixtures import *`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.settings import Settings
from tests.fakes.fake_rasa import FakeRasa
from tests.fakes.fake_zalo import APP_ID, APP_SECRET_KEY, OA_SECRET_KEY, FakeZalo
from tests.fakes.server import ServerThread

__all__ = ["fake_rasa", "gateway_settings", "run_gateway", "serve", "with_channels", "with_zalo", "zalo"]


def serve(fake):
    """Serve a fake's app on loopback while the calling fixture lasts; sets ``fake.url``."""
    with ServerThread(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    yield from serve(FakeRasa())


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    """A fake Zalo API (OA messages and OAuth token refresh) on loopback."""
    yield from serve(FakeZalo())


@pytest.fixture
def gateway_settings(tmp_path: Path, fake_rasa: FakeRasa) -> Settings:
    """Settings of a gateway talking to the fake Rasa, with its data in a temporary directory."""
    return Settings(rasa_url=fake_rasa.url, rasa_timeout=5.0, data_dir=tmp_path / "var")


def with_channels(
    settings: Settings,
    telegram_url: str,
    zalo_url: str,
    *,
    bot_token: str,
    webhook_secret: str,
    access_token: str,
    refresh_token: str,
) -> Settings:
    """`settings` with Telegram (webhook mode) and Zalo turned on against fake APIs at the given URLs."""
    return with_zalo(
        settings,
        zalo_url,
        access_token=access_token,
        refresh_token=refresh_token,
        telegram_bot_token=bot_token,
        telegram_webhook_secret=webhook_secret,
        telegram_api_url=telegram_url,
    )


def with_zalo(
    settings: Settings,
    zalo_url: str,
    *,
    access_token: str = "access-1",
    refresh_token: str = "refresh-1",
    **overrides,
) -> Settings:
    """`settings` with the Zalo channel turned on against a fake Zalo API at `zalo_url`, plus `overrides`."""
    return settings.replace(
        zalo_app_id=APP_ID,
        zalo_oa_secret_key=OA_SECRET_KEY,
        zalo_app_secret_key=APP_SECRET_KEY,
        zalo_access_token=access_token,
        zalo_refresh_token=refresh_token,
        zalo_openapi_url=zalo_url,
        zalo_oauth_url=zalo_url,
        **overrides,
    )


def run_gateway(settings: Settings, **overrides) -> ServerThread:
    """A started gateway built from `settings` with `overrides`; stop it (or use `with`)."""
    from gateway.app import create_app

    return ServerThread(create_app(settings.replace(**overrides))).start()
