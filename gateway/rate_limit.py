"""Per-sender and per-client-address rate limits on `/api/chat`, `/api/assist` and `/api/score`.

Token buckets in this process: each key may make `per_minute` requests a minute, in bursts of up to
that many; past it the request gets the polite Vietnamese 429 with `Retry-After` (whole seconds until
one more request is allowed). The web chat is limited per sender id and per client address, the
hotline assistant and the self-assessment score per client address, each endpoint with its own
buckets. Several gateway instances keep their own buckets, so behind a load balancer over N instances
a client may get up to N times the limit; Redis (`OCOP_REDIS_URL`) is Rasa's lock store only.

The client address is the connection's peer, unless the peer is a trusted proxy (`trusted_proxies`,
default loopback: nginx on the same machine): then it is the nearest address in `X-Forwarded-For` that
is not itself a trusted proxy, else `X-Real-IP`. A request from the machine itself (a loopback peer
without a forwarding header: health checks, the operator's tools) has no address limit.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import JSONResponse

# Keys kept per bucket set; past it the least recently seen key is forgotten (it starts full again).
MAX_KEYS = 100_000
DEFAULT_TRUSTED_PROXIES = "127.0.0.1/8,::1"
FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded")
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def refused_reply(retry_after: int) -> str:
    return f"Bạn gửi yêu cầu hơi nhanh. Vui lòng chờ khoảng {retry_after} giây rồi thử lại nhé."


class TokenBuckets:
    """`per_minute` requests a minute per key, bursts of up to `per_minute`; 0 means no limit."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend one request of `key`: 0 if allowed, else the seconds until one is."""
        if self.capacity <= 0:
            return 0.0
        now = self.clock()
        tokens, updated = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - updated) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1 if not wait else tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def parse_networks(text: str) -> tuple[_Network, ...]:
    """Comma-separated addresses or networks ("127.0.0.1, 10.0.0.0/8"); ValueError names a bad one."""
    networks = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"not an address or network: {item[:60]!r}") from None
    return tuple(networks)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


class RateLimiter:
    """The buckets of the three APIs and how a request's client address is found."""

    def __init__(
        self,
        per_sender: int,
        per_address: int,
        trusted_proxies: str = DEFAULT_TRUSTED_PROXIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.trusted = parse_networks(trusted_proxies)
        self.per_sender = per_sender
        self.per_address = per_address
        self.clock = clock
        self._buckets: dict[tuple[str, str], TokenBuckets] = {}

    def _trusted(self, address) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def client_address(self, request: Request) -> str | None:
        """Who sent the request, seen through trusted proxies; None for the machine itself."""
        peer_text = request.client.host if request.client else ""
        peer = _address(peer_text)
        forwarded = any(name in request.headers for name in FORWARDING_HEADERS)
        if peer is not None and peer.is_loopback and not forwarded:
            return None
        if not self._trusted(peer):
            return str(peer) if peer else peer_text[:60] or None
        for hop in reversed(request.headers.get("x-forwarded-for", "").split(",")):
            address = _address(hop)
            if address is not None and not self._trusted(address):
                return str(address)
        real = _address(request.headers.get("x-real-ip"))
        if real is not None and not self._trusted(real):
            return str(real)
        return str(peer)

    def _bucket(self, endpoint: str, kind: str) -> TokenBuckets:
        key = (endpoint, kind)
        if key not in self._buckets:
            limit = self.per_sender if kind == "sender" else self.per_address
            self._buckets[key] = TokenBuckets(limit, self.clock)
        return self._buckets[key]

    def refuse(self, request: Request, endpoint: str, sender: str | None = None) -> JSONResponse | None:
        """The 429 for a request over its limits, or None when it may go on."""
        waits = []
        address = self.client_address(request)
        if address is not None:
            waits.append(self._bucket(endpoint, "address").take(address))
        if sender:
            waits.append(self._bucket(endpoint, "sender").take(sender))
        wait = max(waits, default=0.0)
        if not wait:
            return None
        retry_after = max(1, math.ceil(wait))
        return JSONResponse(
            {"error": refused_reply(retry_after), "detail": f"rate limit of {endpoint} reached"},
            status_code=429,
            headers={"Retry-After": str(retry_after)},
        )


def refuse(request: Request, endpoint: str, sender: str | None = None) -> JSONResponse | None:
    """The app's limiter (`app.state.rate_limiter`) on this request; None when the app has none."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    return limiter.refuse(request, endpoint, sender) if limiter else None
