"""Rate limits of the web chat, the hotline assistant and the self-assessment score, on a running gateway."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request

from gateway.rate_limit import RateLimiter, TokenBuckets, refused_reply
from gateway.settings import Settings, SettingsError
from tests.fakes.fixtures import run_gateway

SCORE = {"sheet": 4, "answers": {}}


@pytest.fixture
def gateway(gateway_settings):
    settings = gateway_settings.replace(rate_limit_per_minute=3, rate_limit_per_address_per_minute=5)
    with run_gateway(settings) as running:
        yield running


def chat(gateway, sender: str, headers: dict | None = None) -> httpx.Response:
    return httpx.post(
        f"{gateway.url}/api/chat", json={"sender": sender, "message": "xin chào"}, headers=headers, timeout=5
    )


def assert_polite_429(response: httpx.Response) -> None:
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert response.json()["error"] == refused_reply(retry_after)


def test_a_sender_past_its_limit_gets_a_polite_429_and_others_go_on(gateway):
    assert [chat(gateway, "eager-sender-1").status_code for _ in range(3)] == [200, 200, 200]
    refused = chat(gateway, "eager-sender-1")
    assert_polite_429(refused)
    assert int(refused.headers["Retry-After"]) == 20  # one request back every 60/3 seconds
    assert chat(gateway, "calm-sender-01").status_code == 200


def test_a_client_address_behind_the_local_proxy_is_limited_whatever_sender_it_claims(gateway):
    client = {"X-Forwarded-For": "203.0.113.9"}
    statuses = [chat(gateway, f"rotating-{n:04d}", client).status_code for n in range(5)]
    assert statuses == [200] * 5
    assert_polite_429(chat(gateway, "rotating-9999", client))
    assert chat(gateway, "rotating-9999", {"X-Forwarded-For": "198.51.100.4"}).status_code == 200
    assert chat(gateway, "rotating-9998", {"X-Real-IP": "203.0.113.9"}).status_code == 429


def test_a_client_cannot_pick_its_address_by_prepending_to_the_header(gateway):
    # nginx appends the peer it saw: "<whatever the client sent>, <client>"; the last untrusted hop counts.
    for n in range(5):
        chat(gateway, f"spoofer-{n:04d}", {"X-Forwarded-For": f"10.9.9.{n}, 203.0.113.50"})
    assert_polite_429(chat(gateway, "spoofer-9999", {"X-Forwarded-For": "10.9.9.99, 203.0.113.50"}))


def test_score_and_assist_have_their_own_address_limits(gateway):
    client = {"X-Forwarded-For": "203.0.113.77"}
    scores = [httpx.post(f"{gateway.url}/api/score", json=SCORE, headers=client, timeout=5) for _ in range(6)]
    assert [r.status_code for r in scores] == [200] * 5 + [429]
    assert_polite_429(scores[-1])
    assert chat(gateway, "score-then-chat", client).status_code == 200


def request_from(peer: str, headers: dict[str, str] | None = None) -> Request:
    raw = [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": raw, "client": (peer, 40000)})


@pytest.mark.parametrize(
    ("peer", "headers", "address"),
    [
        ("127.0.0.1", {}, None),  # the machine itself
        ("::1", {}, None),
        ("198.51.100.7", {}, "198.51.100.7"),
        ("198.51.100.7", {"X-Forwarded-For": "203.0.113.1"}, "198.51.100.7"),  # not a trusted proxy
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.1"}, "203.0.113.1"),
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.1, 127.0.0.1"}, "203.0.113.1"),
        ("127.0.0.1", {"X-Real-IP": "2001:db8::5"}, "2001:db8::5"),
        ("127.0.0.1", {"X-Forwarded-For": "not-an-address"}, "127.0.0.1"),
        ("127.0.0.1", {"Forwarded": "for=203.0.113.1"}, "127.0.0.1"),
    ],
)
def test_client_address_is_read_through_trusted_proxies_only(peer, headers, address):
    assert RateLimiter(1, 1).client_address(request_from(peer, headers)) == address


def test_a_configured_proxy_network_is_trusted():
    limiter = RateLimiter(1, 1, "10.0.0.0/8")
    assert limiter.client_address(request_from("10.1.2.3", {"X-Forwarded-For": "203.0.113.1"})) == "203.0.113.1"
    assert limiter.client_address(request_from("127.0.0.1", {"X-Forwarded-For": "203.0.113.1"})) == "127.0.0.1"


def test_buckets_refill_at_the_rate_and_forget_the_oldest_keys():
    now = [0.0]
    buckets = TokenBuckets(6, clock=lambda: now[0], max_keys=2)
    assert [buckets.take("a") for _ in range(6)] == [0.0] * 6
    assert buckets.take("a") == pytest.approx(10.0)
    now[0] = 10.0
    assert buckets.take("a") == 0.0 and buckets.take("a") > 0
    buckets.take("b"), buckets.take("c")
    assert "a" not in buckets._buckets and len(buckets._buckets) == 2
    assert TokenBuckets(0).take("x") == 0.0


def test_bad_trusted_proxy_setting_stops_the_start():
    with pytest.raises((SettingsError, ValueError), match="OCOP_TRUSTED_PROXIES|not an address"):
        Settings(trusted_proxies="127.0.0.1, nginx")
