"""Benchmark the gateway on loopback: webhook acknowledgement latency and the latency it adds to a reply.

Usage (from the repo root):
    .venvs/app/bin/python scripts/bench_gateway.py [--rasa-url URL] [--requests 1000] [--senders 50]
                                                   [--turns 200] [--max-seconds 60]

Three processes: the gateway (`uvicorn gateway.app:app`, one worker) with Telegram (webhook mode) and Zalo
switched on; the fake Telegram Bot API, fake Zalo API and fake Rasa (tests/fakes) in a child process (the
fake Rasa unused when --rasa-url names a real Rasa server); and this process, which only sends the load
(webhook phases through a minimal HTTP/1.1 client, so the load generator's own cost stays out of the figures).
1. Webhook acknowledgement: `--senders` concurrent senders (each sending its next message as soon as the
   previous one is acknowledged) post `--requests` updates in total to /telegram/webhook (secret header)
   and then to /zalo/webhook (signed events); p50/p95/p99 of the time to the HTTP 200. Replies keep
   flowing to the fakes in the background meanwhile, as in production. The same load on GET /healthz
   first gives the floor set by the machine and the HTTP stack.
2. Reply latency added by the gateway: `--turns` interleaved pairs of the same question sent directly to
   Rasa's REST channel and through the web chat API (`POST /api/chat`), one at a time; medians side by side.
Each phase stops early when `--max-seconds` has passed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gateway.channels.telegram.channel import SECRET_HEADER  # noqa: E402
from stack.services import free_port, http_ok  # noqa: E402
from tests.channels.telegram_updates import text_update  # noqa: E402
from tests.fakes.fake_rasa import FakeRasa  # noqa: E402
from tests.fakes.fake_telegram import FakeTelegram  # noqa: E402
from tests.fakes.fake_zalo import APP_ID, APP_SECRET_KEY, OA_SECRET_KEY, FakeZalo, encode, text_event  # noqa: E402
from tests.fakes.server import ServerThread  # noqa: E402

TOKEN = "100200:BENCH-token"
SECRET = "bench_secret"
QUESTION = "hồ sơ đăng ký OCOP gồm những gì"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
    }


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    The load generator must cost far less than the server it measures; a full HTTP client library at 50
    concurrent requests spends more CPU per request than the gateway does, and its queueing shows up as latency.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.writer = None


async def hammer(gateway_url: str, build, total: int, senders: int, deadline: float) -> tuple[list, int]:
    """`senders` concurrent connections sending `build(sender, i)` until `total` requests or the deadline."""
    address = httpx.URL(gateway_url)
    latencies: list[float] = []
    failures = 0
    counter = iter(range(total))

    async def sender_loop(sender: int) -> None:
        nonlocal failures
        connection = RawConnection(address.host, address.port)
        try:
            for i in counter:
                if time.monotonic() > deadline:
                    return
                method, path, body, headers = build(sender, i)
                started = time.perf_counter()
                try:
                    status = await connection.request(method, path, body, headers)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    failures += 1
                    await connection.close()
                    continue
                latencies.append(time.perf_counter() - started)
                failures += status != 200
        finally:
            await connection.close()

    await asyncio.gather(*(sender_loop(s) for s in range(senders)))
    return latencies, failures


def healthz_request(sender: int, i: int):
    return "GET", "/healthz", b"", {}


def telegram_request(sender: int, i: int):
    body = json.dumps(text_update(i + 1, 500_000 + sender, QUESTION)).encode()
    return "POST", "/telegram/webhook", body, {"Content-Type": "application/json", SECRET_HEADER: SECRET}


def zalo_request(sender: int, i: int):
    body, headers = encode(text_event(str(9_000_000_000 + sender), QUESTION, f"bench-{time.time_ns()}-{i}"))
    return "POST", "/zalo/webhook", body, headers


async def side_by_side(gateway_url: str, rasa_url: str, turns: int, deadline: float) -> dict:
    direct, through = [], []
    async with httpx.AsyncClient(timeout=30) as client:
        for i in range(turns):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            response = await client.post(
                f"{rasa_url}/webhooks/rest/webhook", json={"sender": f"bench-direct-{i % 10}", "message": QUESTION}
            )
            response.raise_for_status()
            direct.append(time.perf_counter() - started)
            started = time.perf_counter()
            response = await client.post(
                f"{gateway_url}/api/chat", json={"sender": f"bench-web-{i % 10:04d}", "message": QUESTION}
            )
            response.raise_for_status()
            through.append(time.perf_counter() - started)
    added = [t - d for t, d in zip(through, direct)]
    return {
        "direct_rasa": summary(direct),
        "through_gateway": summary(through),
        "added_p50_ms": round((statistics.median(through) - statistics.median(direct)) * 1000, 2),
        "added_pairwise_p50_ms": round(statistics.median(added) * 1000, 2),
        "added_pairwise_p95_ms": round(percentile(added, 95) * 1000, 2),
    }


def wait_until(condition, timeout: float) -> float:
    started = time.monotonic()
    while not condition() and time.monotonic() - started < timeout:
        time.sleep(0.05)
    return time.monotonic() - started


def serve_fakes() -> None:
    """Child process: serve the fakes, print their URLs as one JSON line, report delivery counts at /counts."""
    from fastapi import FastAPI

    rasa, telegram, zalo = FakeRasa(), FakeTelegram(TOKEN), FakeZalo()
    counts = FastAPI()

    @counts.get("/counts")
    async def delivered() -> dict:
        return {"telegram": len(telegram.calls_of("sendMessage")), "zalo": len(zalo.sent)}

    with (
        ServerThread(rasa.app) as r,
        ServerThread(telegram.app) as t,
        ServerThread(zalo.app) as z,
        ServerThread(counts) as c,
    ):
        print(json.dumps({"rasa": r.url, "telegram": t.url, "zalo": z.url, "counts": c.url}), flush=True)
        sys.stdin.read()  # until the parent closes our stdin


def start_fakes() -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-fakes"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    return process, json.loads(process.stdout.readline())


def start_gateway(rasa_url: str, telegram_url: str, zalo_url: str, data_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OCOP_RASA_URL": rasa_url,
        "OCOP_DATA_DIR": str(data_dir),
        "OCOP_LOG_LEVEL": "WARNING",
        "OCOP_PUBLIC_BASE_URL": "",
        "OCOP_RATE_LIMIT_PER_MINUTE": "0",  # ten web senders take many turns a minute
        "OCOP_TELEGRAM_BOT_TOKEN": TOKEN,
        "OCOP_TELEGRAM_WEBHOOK_SECRET": SECRET,
        "OCOP_TELEGRAM_MODE": "webhook",
        "OCOP_TELEGRAM_API_URL": telegram_url,
        "OCOP_ZALO_APP_ID": APP_ID,
        "OCOP_ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "OCOP_ZALO_APP_SECRET_KEY": APP_SECRET_KEY,
        "OCOP_ZALO_ACCESS_TOKEN": "access-1",
        "OCOP_ZALO_REFRESH_TOKEN": "refresh-1",
        "OCOP_ZALO_TOKEN_STORE": str(data_dir / "zalo_tokens.json"),
        "OCOP_ZALO_OPENAPI_URL": zalo_url,
        "OCOP_ZALO_OAUTH_URL": zalo_url,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "gateway.app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    if wait_until(lambda: http_ok(f"{url}/healthz") or process.poll() is not None, 30) >= 30 or process.poll():
        process.terminate()
        raise RuntimeError("the gateway did not start")
    return process, url


async def run(args: argparse.Namespace, rasa_url: str, counts_url: str, gateway_url: str) -> dict:
    results: dict = {
        "requests": args.requests,
        "senders": args.senders,
        "rasa": args.rasa_url or "fake Rasa",
        "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }
    latencies, failures = await hammer(
        gateway_url, healthz_request, args.requests, args.senders, time.monotonic() + args.max_seconds
    )
    results["healthz_baseline"] = {**summary(latencies), "failed": failures}
    await asyncio.sleep(1)
    for name, channel, build in (
        ("telegram_ack", "telegram", telegram_request),
        ("zalo_ack", "zalo", zalo_request),
    ):

        def delivered(channel: str = channel) -> int:
            return httpx.get(f"{counts_url}/counts").json()[channel]

        before = delivered()
        started = time.monotonic()
        latencies, failures = await hammer(gateway_url, build, args.requests, args.senders, started + args.max_seconds)
        results[name] = {**summary(latencies), "failed": failures}
        sent = len(latencies)
        await asyncio.to_thread(
            wait_until, lambda before=before, sent=sent: delivered() - before >= sent, args.max_seconds
        )
        results[name]["all_replies_delivered_after_s"] = round(time.monotonic() - started, 2)
        results[name]["replies_delivered"] = delivered() - before
    deadline = time.monotonic() + args.max_seconds
    results["reply_latency"] = await side_by_side(gateway_url, rasa_url, args.turns, deadline)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default="", help="a running Rasa server (default: the fake Rasa)")
    parser.add_argument("--requests", type=int, default=1000, help="webhook deliveries per channel")
    parser.add_argument("--senders", type=int, default=50, help="concurrent senders")
    parser.add_argument("--turns", type=int, default=200, help="direct/gateway reply pairs")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time limit of each phase")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--serve-fakes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fakes:
        serve_fakes()
        return 0

    fakes, urls = start_fakes()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-gateway-") as data_dir:
            rasa_url = args.rasa_url.rstrip("/") or urls["rasa"]
            gateway, gateway_url = start_gateway(rasa_url, urls["telegram"], urls["zalo"], Path(data_dir))
            try:
                results = asyncio.run(run(args, rasa_url, urls["counts"], gateway_url))
            finally:
                gateway.terminate()
                gateway.wait(timeout=15)
    finally:
        fakes.stdin.close()
        fakes.wait(timeout=15)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
