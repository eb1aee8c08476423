"""Persistent gateway state: Telegram callback keys, Zalo numbered choices, the Zalo inbox."""

from __future__ import annotations

from bot import sqlite_state
from bot.callback_keys import CALLBACK_DATA_LIMIT, CallbackKeys
from bot.conversation import Button
from bot.numbered_choices import NumberedChoices, numbered_list
from bot.zalo_inbox import ZaloInbox


def test_callback_keys_keep_short_payloads_and_map_long_ones(tmp_path):
    keys = CallbackKeys(sqlite_state.connect(tmp_path))
    assert keys.encode("/ask_dossier") == "/ask_dossier"
    long_payload = '/inform{"product": "' + "mật ong rừng " * 10 + '"}'
    key = keys.encode(long_payload)
    assert len(key.encode()) <= CALLBACK_DATA_LIMIT and key == keys.encode(long_payload)
    assert keys.decode(key) == long_payload and keys.decode("/ask_dossier") == "/ask_dossier"
    assert keys.decode("k:missing") is None
    tricky = "k:looks-like-a-key"
    assert keys.decode(keys.encode(tricky)) == tricky
    assert CallbackKeys(sqlite_state.connect(tmp_path)).decode(key) == long_payload, "survives a restart"


def test_numbered_choices(tmp_path):
    choices = NumberedChoices(sqlite_state.connect(tmp_path))
    buttons = (Button("Hồ sơ đăng ký", "/ask_dossier"), Button("Hạng sao", "/ask_star_levels"))
    assert numbered_list(buttons).splitlines()[1:] == ["1. Hồ sơ đăng ký", "2. Hạng sao"]
    assert choices.resolve("zalo:1", "1") is None
    choices.offer("zalo:1", buttons)
    assert choices.resolve("zalo:1", "2") == "/ask_star_levels"
    assert choices.resolve("zalo:1", " số 1. ") == "/ask_dossier"
    assert choices.resolve("zalo:1", "ho so dang ky") == "/ask_dossier"
    assert choices.resolve("zalo:1", "3") is None
    assert choices.resolve("zalo:1", "hồ sơ gồm gì") is None
    assert choices.resolve("zalo:2", "1") is None
    assert NumberedChoices(sqlite_state.connect(tmp_path)).resolve("zalo:1", "2") == "/ask_star_levels"
    choices.offer("zalo:1", ())
    assert choices.resolve("zalo:1", "1") is None


def test_inbox_accepts_once_and_hands_back_unfinished_events(tmp_path):
    inbox = ZaloInbox(sqlite_state.connect(tmp_path))
    assert inbox.accept("msg:1", '{"a": 1}') and not inbox.accept("msg:1", '{"a": 1}')
    assert inbox.accept("msg:2", '{"b": 2}')
    inbox.finish("msg:1")
    reopened = ZaloInbox(sqlite_state.connect(tmp_path))
    assert reopened.unfinished(60) == [("msg:2", '{"b": 2}')]
    assert not reopened.accept("msg:1", "{}")
    reopened.prune()
    assert not reopened.accept("msg:2", "{}")
