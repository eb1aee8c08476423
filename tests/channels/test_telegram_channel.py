"""Telegram end to end: real python-telegram-bot code against a fake Bot API and a fake Rasa on loopback."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from gateway.channels.telegram.channel import SECRET_HEADER
from gateway.conversation import NON_TEXT_REPLY
from tests.channels.telegram_updates import PHOTO, STICKER, VOICE, callback_update, message_update, text_update
from tests.fakes.fake_rasa import CITATION, LONG_PAYLOAD
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fixtures import run_gateway, serve

TOKEN = "123456:TEST-token_ABCdef"
SECRET = "hook-secret_42"
CHAT = 424242
SENTINEL = "câu hỏi kiểm tra cuối cùng"


@pytest.fixture
def telegram():
    yield from serve(FakeTelegram(TOKEN))


@pytest.fixture
def webhook_gateway(gateway_settings, telegram, monkeypatch):
    monkeypatch.setenv("OCOP_ASSIST_API_KEY", "assist-key")  # required with a public base URL
    gateway = run_gateway(
        gateway_settings,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=SECRET,
        telegram_api_url=telegram.url,
        public_base_url="https://ocop.example.vn",
    )
    yield gateway
    gateway.stop()


def post_update(gateway, update: dict, secret: str | None = SECRET) -> httpx.Response:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return httpx.post(f"{gateway.url}/telegram/webhook", json=update, headers=headers, timeout=5)


def sentinel(gateway, telegram, update_id: int) -> list[str]:
    """Send a later text from CHAT, wait for its reply and return the texts sent before it.

    The gateway handles one chat's updates in order, so once this reply is out everything CHAT sent before has
    been handled: a check that something was *not* sent can be made then, without sleeping.
    """
    post_update(gateway, text_update(update_id, CHAT, SENTINEL))
    deadline = time.monotonic() + 10
    while not any(SENTINEL in call["text"] for call in telegram.calls_of("sendMessage")):
        assert time.monotonic() < deadline, "the sentinel message was not answered"
        time.sleep(0.02)
    *before, last = [call["text"] for call in telegram.calls_of("sendMessage")]
    assert SENTINEL in last
    return before


def test_startup_registers_the_webhook_with_its_secret(webhook_gateway, telegram):
    (call,) = telegram.wait_for("setWebhook")
    assert call["url"] == "https://ocop.example.vn/telegram/webhook"
    assert call["secret_token"] == SECRET
    assert httpx.get(f"{webhook_gateway.url}/readyz").json()["channels"]["telegram"] == "on"


def test_text_message_is_answered_with_the_rasa_reply(webhook_gateway, telegram, fake_rasa):
    response = post_update(webhook_gateway, text_update(1, CHAT, "hồ sơ đăng ký gồm những gì"))
    assert response.status_code == 200
    (sent,) = telegram.wait_for("sendMessage")
    assert sent["chat_id"] == CHAT
    assert "hồ sơ đăng ký gồm những gì" in sent["text"] and CITATION in sent["text"]
    assert telegram.calls_of("sendChatAction")[0]["action"] == "typing"
    assert fake_rasa.messages_from(f"telegram:{CHAT}") == ["hồ sơ đăng ký gồm những gì"]


@pytest.mark.parametrize("secret, status", [(None, 401), ("wrong", 403), ("", 403), (SECRET + "x", 403)])
def test_webhook_rejects_a_missing_or_wrong_secret(webhook_gateway, telegram, fake_rasa, secret, status):
    response = post_update(webhook_gateway, text_update(2, CHAT, "xin chào"), secret=secret)
    assert response.status_code == status
    assert sentinel(webhook_gateway, telegram, 100) == []
    assert [r["message"] for r in fake_rasa.requests] == [SENTINEL]


def test_start_shows_an_inline_keyboard_and_a_pressed_button_reaches_rasa(webhook_gateway, telegram, fake_rasa):
    post_update(webhook_gateway, text_update(3, CHAT, "/start"))
    (greeting,) = telegram.wait_for("sendMessage")
    assert fake_rasa.messages_from(f"telegram:{CHAT}") == ["/greet"]
    rows = greeting["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in rows] == ["Hồ sơ đăng ký", "Hạng sao OCOP", "Mật ong thuộc nhóm nào?"]
    assert all(len(row[0]["callback_data"].encode()) <= 64 for row in rows)
    long_button = rows[2][0]["callback_data"]
    assert long_button != LONG_PAYLOAD and long_button.startswith("k:")

    post_update(webhook_gateway, callback_update(4, CHAT, long_button, query_id="cq-77"))
    (answered,) = telegram.wait_for("answerCallbackQuery")
    assert answered["callback_query_id"] == "cq-77"
    replies = telegram.wait_for("sendMessage", 2)
    assert fake_rasa.messages_from(f"telegram:{CHAT}")[-1] == LONG_PAYLOAD
    assert replies[-1]["text"].startswith("Mật ong thuộc nhóm Thực phẩm")


def test_short_payload_travels_as_callback_data_itself(webhook_gateway, telegram, fake_rasa):
    post_update(webhook_gateway, callback_update(5, CHAT, "/ask_dossier"))
    telegram.wait_for("answerCallbackQuery")
    telegram.wait_for("sendMessage")
    assert fake_rasa.messages_from(f"telegram:{CHAT}") == ["/ask_dossier"]


def test_unknown_callback_key_gets_a_polite_reply(webhook_gateway, telegram, fake_rasa):
    post_update(webhook_gateway, callback_update(6, CHAT, "k:unknownkey"))
    telegram.wait_for("answerCallbackQuery")
    (sent,) = telegram.wait_for("sendMessage")
    assert "gõ lại câu hỏi" in sent["text"]
    assert fake_rasa.requests == []


@pytest.mark.parametrize(
    "command, payload",
    [("/danhgia", "/start_self_assessment"), ("/help", "/help"), ("/start@ocop_advisor_bot", "/greet")],
)
def test_commands_send_their_intent_payload(webhook_gateway, telegram, fake_rasa, command, payload):
    post_update(webhook_gateway, text_update(7, CHAT, command))
    telegram.wait_for("sendMessage")
    assert fake_rasa.messages_from(f"telegram:{CHAT}") == [payload]


def test_hotline_command_answers_without_rasa(webhook_gateway, telegram, fake_rasa, monkeypatch):
    monkeypatch.setenv("OCOP_HOTLINE_PHONE", "0243 123 4567")
    post_update(webhook_gateway, text_update(8, CHAT, "/hotline"))
    (sent,) = telegram.wait_for("sendMessage")
    assert "0243 123 4567" in sent["text"]
    assert fake_rasa.requests == []


def test_unknown_command_lists_the_commands(webhook_gateway, telegram, fake_rasa):
    post_update(webhook_gateway, text_update(9, CHAT, "/abc"))
    (sent,) = telegram.wait_for("sendMessage")
    assert "/danhgia" in sent["text"] and fake_rasa.requests == []


@pytest.mark.parametrize("content", [{"sticker": STICKER}, {"photo": PHOTO}, {"voice": VOICE}])
def test_non_text_messages_get_a_please_type_reply(webhook_gateway, telegram, fake_rasa, content):
    post_update(webhook_gateway, message_update(10, CHAT, **content))
    (sent,) = telegram.wait_for("sendMessage")
    assert sent["text"] == NON_TEXT_REPLY
    assert fake_rasa.requests == []


def test_long_reply_is_split_within_the_telegram_limit(webhook_gateway, telegram, fake_rasa):
    post_update(webhook_gateway, text_update(11, CHAT, "cho tôi câu trả lời dài"))
    telegram.wait_for("sendMessage", 3)
    pieces = sentinel(webhook_gateway, telegram, 101)
    assert sum(p.count("tối đa là 100 điểm.") for p in pieces) == 100, "every sentence arrived once"
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in pieces)
    assert all(p.endswith(".") for p in pieces), "pieces end at sentence boundaries"
    assert pieces[-1].endswith(CITATION)


@pytest.mark.parametrize("mode", ["down", "empty"])
def test_rasa_failure_gets_an_apology_with_the_hotline_and_the_message_is_logged(
    webhook_gateway, telegram, fake_rasa, gateway_settings, mode
):
    fake_rasa.mode = mode
    post_update(webhook_gateway, text_update(12, CHAT, "sản phẩm 3 sao là gì"))
    (sent,) = telegram.wait_for("sendMessage")
    assert "gián đoạn" in sent["text"] and "liên hệ" in sent["text"]
    records = [json.loads(line) for line in (gateway_settings.data_dir / "messages.jsonl").read_text().splitlines()]
    incoming, outgoing = records[-2:]
    assert incoming["direction"] == "in" and incoming["text"] == "sản phẩm 3 sao là gì"
    assert incoming["status"] == "received", "logged before Rasa was asked"
    assert outgoing["direction"] == "out"
    assert outgoing["status"] == {"down": "rasa_unavailable", "empty": "no_reply"}[mode]
    log_text = (gateway_settings.data_dir / "messages.jsonl").read_text()
    assert str(CHAT) not in log_text and TOKEN not in log_text


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "x"}', '"\u00e9"'.encode()])
def test_malformed_updates_get_400(webhook_gateway, body):
    response = httpx.post(
        f"{webhook_gateway.url}/telegram/webhook", content=body, headers={SECRET_HEADER: SECRET}, timeout=5
    )
    assert response.status_code == 400
    assert response.json()["error"]


def test_polling_mode_answers_without_a_webhook(gateway_settings, telegram, fake_rasa):
    polling = {"telegram_bot_token": TOKEN, "telegram_mode": "polling", "telegram_api_url": telegram.url}
    with run_gateway(gateway_settings, **polling) as gateway:
        telegram.queue_update(text_update(telegram.next_update_id(), CHAT, "xin chào"))
        (sent,) = telegram.wait_for("sendMessage")
        assert sent["text"].startswith("Xin chào!")
        assert "inline_keyboard" in sent["reply_markup"]
        forged = post_update(gateway, text_update(99, CHAT, "x"), secret="")
        assert forged.status_code == 404, "no webhook endpoint in polling mode"
    assert telegram.webhook == {}
    assert fake_rasa.messages_from(f"telegram:{CHAT}") == ["xin chào"]


def test_flood_control_is_waited_out_and_the_message_resent(webhook_gateway, telegram):
    telegram.flood_next_sends = 1
    post_update(webhook_gateway, text_update(14, CHAT, "hạng sao là gì"))
    first, second = telegram.wait_for("sendMessage", 2)
    assert first["text"] == second["text"] and "hạng sao là gì" in second["text"]


def test_unreachable_bot_api_leaves_the_web_chat_running(gateway_settings, fake_rasa):
    with run_gateway(
        gateway_settings,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret=SECRET,
        telegram_api_url="http://127.0.0.1:9",
    ) as gateway:
        ready = httpx.get(f"{gateway.url}/readyz").json()
        assert ready["channels"]["telegram"] == "failed"
        chat = httpx.post(f"{gateway.url}/api/chat", json={"message": "xin chào"}, timeout=5)
        assert chat.status_code == 200
        assert post_update(gateway, text_update(13, CHAT, "xin chào")).status_code == 503


def test_an_update_with_a_lone_surrogate_or_nul_is_stored_and_answered(webhook_gateway, telegram):
    body = json.dumps(text_update(77, CHAT, "hồ sơ gồm gì")).replace("gì", "g\\ud800\\u0000ì").encode()
    response = httpx.post(
        f"{webhook_gateway.url}/telegram/webhook",
        content=body,
        headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 200
    telegram.wait_for("sendMessage")


def test_a_redelivered_update_id_is_answered_once_also_after_a_restart(gateway_settings, telegram, fake_rasa):
    webhook = {
        "telegram_bot_token": TOKEN,
        "telegram_webhook_secret": SECRET,
        "telegram_api_url": telegram.url,
    }
    update = text_update(4711, CHAT, "hồ sơ đăng ký gồm những gì")
    with run_gateway(gateway_settings, **webhook) as gateway:
        assert post_update(gateway, update).json() == {"ok": True, "duplicate": False}
        telegram.wait_for("sendMessage")
        assert post_update(gateway, update).json() == {"ok": True, "duplicate": True}
    with run_gateway(gateway_settings, **webhook) as gateway:
        assert post_update(gateway, update).json() == {"ok": True, "duplicate": True}
        assert len(sentinel(gateway, telegram, 4712)) == 1
    assert fake_rasa.messages_from(f"telegram:{CHAT}") == ["hồ sơ đăng ký gồm những gì", SENTINEL]
    assert fake_rasa.requests[0]["metadata"] == {"channel": "telegram", "message_id": "telegram:update:4711"}
