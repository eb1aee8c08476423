"""Bad input to every endpoint: clear Vietnamese replies or 4xx with a reason, never a 5xx.

One gateway with all channels on (fake Telegram, fake Zalo, fake Rasa on loopback) serves the module;
hypothesis drives arbitrary bodies, texts and events at it.
"""

from __future__ import annotations

import json
import time

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.channels.telegram.channel import SECRET_HEADER
from gateway.conversation import EMPTY_REPLY, NO_WORDS_REPLY
from gateway.settings import Settings
from tests.channels.telegram_updates import text_update
from tests.fakes.fake_rasa import FakeRasa
from tests.fakes.fake_telegram import FakeTelegram
from tests.fakes.fake_zalo import FakeZalo, sign, text_event
from tests.fakes.fixtures import run_gateway, with_channels
from tests.fakes.server import ServerThread
from tests.hostile_json import HOSTILE_BODIES, hostile_json, nested

TOKEN = "987654:FUZZ-token"
SECRET = "fuzz_secret"
POST_ENDPOINTS = ["/api/chat", "/telegram/webhook", "/zalo/webhook"]
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
any_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=300)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    rasa, telegram, zalo = FakeRasa(), FakeTelegram(TOKEN), FakeZalo()
    with (
        ServerThread(rasa.app) as rasa_server,
        ServerThread(telegram.app) as tg_server,
        ServerThread(zalo.app) as zalo_server,
    ):
        settings_ = with_channels(
            Settings(
                rasa_url=rasa_server.url,
                rasa_timeout=5,
                data_dir=tmp_path_factory.mktemp("var"),
                rate_limit_per_minute=0,  # the fuzzing sends hundreds of turns from a few senders
            ),
            tg_server.url,
            zalo_server.url,
            bot_token=TOKEN,
            webhook_secret=SECRET,
            access_token="access-1",
            refresh_token="refresh-1",
        )
        with run_gateway(settings_) as gateway:
            with httpx.Client(base_url=gateway.url, timeout=10) as client:
                yield client, rasa, telegram, zalo


@pytest.fixture
def client(servers):
    return servers[0]


def chat_text(client, message: str) -> list[str]:
    response = client.post("/api/chat", json={"sender": "fuzzer-001", "message": message})
    assert response.status_code == 200, response.text
    return [m["text"] for m in response.json()["messages"]]


@pytest.mark.parametrize("message", ["", "   ", "\n\t \u3000"])
def test_empty_messages_get_a_clear_reply(client, message):
    assert chat_text(client, message) == [EMPTY_REPLY]


@pytest.mark.parametrize("message", ["😀👍🎉", "!!! ???", "👨‍🌾"])
def test_emoji_only_messages_get_a_clear_reply(client, message):
    assert chat_text(client, message) == [NO_WORDS_REPLY]


def test_ten_thousand_characters_get_a_please_shorten_reply(client):
    message = ("hỏi " * 2500)[:-1] + "?"
    assert len(message) == 10_000
    (reply,) = chat_text(client, message)
    assert reply == "Tin nhắn của bạn dài quá (10.000 ký tự). Vui lòng gõ câu hỏi ngắn gọn hơn, dưới 2.000 ký tự."


def test_mixed_script_goes_to_rasa(client, servers):
    text = "OCOP là gì? What is OCOP? 一村一品 とは 😀 Ελληνικά"
    (reply,) = chat_text(client, text)
    assert text in reply
    assert servers[1].messages_from("web:fuzzer-001")[-1] == text


@pytest.mark.parametrize("path", POST_ENDPOINTS)
@pytest.mark.parametrize("body", [b"", b"{", b"{'single': 'quotes'}", b"\xff\xfe\x00", b"null", b"[1, 2]"])
def test_malformed_bodies_get_4xx_with_a_reason(client, path, body):
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET, "X-ZEvent-Signature": "mac=0"}
    response = client.post(path, content=body, headers=headers)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]


def test_malformed_json_to_the_chat_api_is_400_in_vietnamese(client):
    response = client.post("/api/chat", content=b'{"message": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"] == "Dữ liệu gửi lên không phải JSON hợp lệ."


@pytest.mark.parametrize("path", POST_ENDPOINTS)
def test_oversized_bodies_get_413(client, path):
    response = client.post(path, content=b"x" * 300_000, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "quá lớn" in response.json()["error"]


def test_chunked_oversized_body_gets_413(client):
    response = client.post("/api/chat", content=iter([b"x" * 200_000, b"y" * 200_000]))
    assert response.status_code == 413


@FUZZ
@given(body=st.binary(max_size=400), path=st.sampled_from(POST_ENDPOINTS))
def test_arbitrary_bytes_never_cause_5xx(client, body, path):
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET, "X-ZEvent-Signature": "mac=0"}
    assert client.post(path, content=body, headers=headers).status_code < 500


@pytest.fixture(scope="module")
def every_post_path(servers):
    """Every POST endpoint of the gateway, including those other parts of the project add."""
    client = servers[0]
    documented = [path for path, ops in client.get("/openapi.json").json()["paths"].items() if "post" in ops]
    return sorted(set(documented) | set(POST_ENDPOINTS))


def test_non_utf8_json_gets_400_in_vietnamese_everywhere(client, every_post_path):
    for path in every_post_path:
        response = client.post(path, content=b'{"message": "\xff"}', headers={"Content-Type": "application/json"})
        assert response.status_code == 400, path
        assert "UTF-8" in response.json()["error"]


@pytest.mark.parametrize("case", sorted(HOSTILE_BODIES))
def test_nan_deep_nesting_and_huge_integers_get_400_in_vietnamese_everywhere(client, every_post_path, case):
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET, "X-ZEvent-Signature": "mac=0"}
    for path in every_post_path:
        response = client.post(path, content=HOSTILE_BODIES[case], headers=headers)
        assert response.status_code == 400, (path, response.text[:300])
        assert response.json()["error"].startswith("Dữ liệu gửi lên"), path


def test_hostile_json_without_a_content_type_is_refused_too(client):
    response = client.post("/api/chat", content=HOSTILE_BODIES["NaN"])
    assert response.status_code == 400


def test_thirty_two_levels_are_still_json(client):
    body = b'{"sender": "fuzzer-004", "message": ' + nested(31) + b"}"
    response = client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "message"]


@FUZZ
@given(body=hostile_json, path=st.sampled_from(POST_ENDPOINTS + ["/api/score", "/api/assist"]))
def test_hostile_json_to_every_endpoint_is_400(client, body, path):
    headers = {"Content-Type": "application/json", SECRET_HEADER: SECRET, "X-ZEvent-Signature": "mac=0"}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 400 and response.json()["error"], (path, body[:80])


@pytest.mark.parametrize("key", ["9" * 5000, "²", "٣", "３", "1" * 30])
def test_odd_digits_and_huge_numbers_are_not_sheet_numbers(client, key):
    response = client.get(f"/api/sheets/{key}")
    assert response.status_code == 404 and "Không có bộ sản phẩm" in response.json()["error"]
    assert len(response.text) < 1000
    scored = client.post("/api/score", json={"sheet": key, "answers": {}})
    assert scored.status_code == 422 and len(scored.text) < 1000
    assert client.get("/api/sheets/3").json()["number"] == 3


@pytest.mark.parametrize(
    "body",
    [
        {"sheet": "x" * 100_000, "answers": {}},
        {"sheet": 4, "answers": {"c1_1": "o" * 100_000}},
        {"sheet": 4, "answers": {"c" * 100_000: "o1"}},
        {"sheet": 4, "answers": {}, "conditions": ["r" * 100_000]},
        {"sheet": 4, "answers": {f"c{i}" * 20: i for i in range(2000)}},
    ],
)
def test_score_errors_do_not_echo_long_input(client, body):
    response = client.post("/api/score", json=body)
    assert response.status_code == 422 and response.json()["error"]
    assert len(response.content) < 2000


@pytest.mark.parametrize("path", ["/api/chat", "/api/assist"])
def test_validation_errors_do_not_echo_long_input(client, path):
    response = client.post(path, json={"sender": "s" * 100_000, "message": ["m" * 100_000], "question": 1})
    assert response.status_code == 422 and response.json()["error"]
    assert len(response.content) < 2000


@FUZZ
@given(data=st.data())
def test_arbitrary_bytes_and_json_to_every_post_endpoint_never_cause_5xx(client, every_post_path, data):
    path = data.draw(st.sampled_from(every_post_path))
    body = data.draw(st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code < 500, (path, body)


@FUZZ
@given(body=json_values)
def test_arbitrary_json_to_the_chat_api_never_causes_5xx(client, body):
    assert client.post("/api/chat", json=body).status_code < 500


@FUZZ
@given(message=any_text)
def test_any_text_gets_a_reply(client, message):
    body = json.dumps({"sender": "fuzzer-002", "message": message}).encode()  # lone surrogates as \ud800 escapes
    response = client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert all(m["text"] for m in response.json()["messages"])


@FUZZ
@given(update=st.dictionaries(st.sampled_from(["message", "callback_query", "edited_message", "x"]), json_values))
def test_arbitrary_telegram_updates_with_the_right_secret_never_cause_5xx(client, update):
    response = client.post("/telegram/webhook", json={"update_id": 1, **update}, headers={SECRET_HEADER: SECRET})
    assert response.status_code < 500


@FUZZ
@given(text=any_text)
def test_any_telegram_text_is_accepted(client, text):
    body = json.dumps(text_update(2, 55, text)).encode()
    headers = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
    assert client.post("/telegram/webhook", content=body, headers=headers).status_code == 200


@FUZZ
@given(extra=st.dictionaries(st.sampled_from(["event_name", "sender", "message", "follower", "x"]), json_values))
def test_arbitrary_signed_zalo_events_never_cause_5xx(client, extra):
    event = {**text_event("777", "xin chào", f"fz-{time.monotonic_ns()}"), **extra}
    body = json.dumps(event).encode()
    headers = {"X-ZEvent-Signature": sign(body, event["timestamp"])}
    response = client.post("/zalo/webhook", content=body, headers=headers)
    assert response.status_code < 500


def test_gateway_is_still_healthy_after_the_fuzzing(client, servers):
    time.sleep(0.5)
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json()["channels"] == {"web": "on", "telegram": "on", "zalo": "on"}
    assert chat_text(client, "xin chào")[0].startswith("Xin chào!")
