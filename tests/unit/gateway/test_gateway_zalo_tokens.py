"""The Zalo token store: seeds, atomic replacement, refresh errors."""

from __future__ import annotations

import json

import httpx
import pytest

from gateway.channels.zalo.tokens import FileTokenStore, ZaloTokenError, ZaloTokens
from tests.fakes.fake_zalo import APP_ID, APP_SECRET_KEY


def tokens(path, http, url, access="access-1", refresh="refresh-1", secret=APP_SECRET_KEY):
    return ZaloTokens(FileTokenStore(path), http, url, APP_ID, secret, access, refresh)


async def test_refresh_stores_the_new_pair_and_a_fresh_seed_wins_over_the_store(tmp_path, zalo):
    path = tmp_path / "tokens.json"
    async with httpx.AsyncClient() as http:
        store = tokens(path, http, zalo.url)
        assert await store.current() == "access-1"
        assert await store.refresh("access-1") == "access-2"
        assert await store.refresh("access-1") == "access-2", "a stale caller gets the new token, no second refresh"
        assert zalo.refreshes == ["refresh-1"]
        assert json.loads(path.read_text())["refresh_token"] == "refresh-2"
        assert tokens(path, http, zalo.url).access_token == "access-2", "the store wins over the spent seed"
        assert tokens(path, http, zalo.url, "access-9", "refresh-9").access_token == "access-9", "a new seed wins"
        assert tokens(path, http, zalo.url, "", "").access_token == "access-2"


async def test_a_pair_refreshed_by_another_process_is_adopted_without_a_second_refresh(tmp_path, zalo):
    path = tmp_path / "tokens.json"
    async with httpx.AsyncClient() as http:
        first, second = tokens(path, http, zalo.url), tokens(path, http, zalo.url)  # two gateway workers
        assert await first.refresh("access-1") == "access-2"
        assert await second.refresh("access-1") == "access-2"
    assert zalo.refreshes == ["refresh-1"], "the spent refresh token was not used again"


async def test_refresh_failures_raise_token_errors(tmp_path, zalo):
    async with httpx.AsyncClient() as http:
        with pytest.raises(ZaloTokenError, match="-14001"):
            await tokens(tmp_path / "a.json", http, zalo.url, secret="wrong").refresh("access-1")
        with pytest.raises(ZaloTokenError, match="-14014"):
            await tokens(tmp_path / "b.json", http, zalo.url, refresh="spent").refresh("access-1")
        with pytest.raises(ZaloTokenError, match="no refresh token"):
            await tokens(tmp_path / "c.json", http, zalo.url, refresh="").refresh("access-1")
        with pytest.raises(ZaloTokenError, match="ConnectError"):
            await tokens(tmp_path / "d.json", http, "http://127.0.0.1:9").refresh("access-1")
    assert not (tmp_path / "a.json").exists()


def test_unreadable_store_falls_back_to_the_seed(tmp_path):
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    assert tokens(path, None, "http://unused").access_token == "access-1"
