"""Gateway processes for the multi-instance tests, and a Zalo sender that retries like Zalo does."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from stack.services import ROOT, Service, StackConfig, free_port, gateway_service, tail
from tests.fakes.fake_zalo import APP_ID, APP_SECRET_KEY, OA_SECRET_KEY, encode, text_event

TELEGRAM_TOKEN = "123456:SCALE-token_ABCdef"
TELEGRAM_SECRET = "scale-hook-secret_42"


def current_model() -> Path:
    """The model `make train` made for the current data, else the newest one in models/ (while one trains)."""
    relative = subprocess.run(
        [str(ROOT / "scripts" / "model_path.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    if (ROOT / relative).exists():
        return ROOT / relative
    models = sorted((ROOT / "models").glob("ocop-*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        raise FileNotFoundError(f"{relative} is missing: run `make train`")
    return models[-1]


def zalo_env(zalo_url: str) -> dict[str, str]:
    """The environment of a gateway process with the Zalo channel on the fake Zalo API at `zalo_url`."""
    return {
        "OCOP_ZALO_APP_ID": APP_ID,
        "OCOP_ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "OCOP_ZALO_APP_SECRET_KEY": APP_SECRET_KEY,
        "OCOP_ZALO_ACCESS_TOKEN": "access-1",
        "OCOP_ZALO_REFRESH_TOKEN": "refresh-1",
        "OCOP_ZALO_OPENAPI_URL": zalo_url,
        "OCOP_ZALO_OAUTH_URL": zalo_url,
    }


def gateway_process(
    data_dir: Path,
    name: str,
    rasa_url: str,
    zalo_url: str,
    telegram_url: str = "",
    database_url: str = "",
    lease: float = 5.0,
    port: int = 0,
) -> Service:
    """A started gateway process (uvicorn) with Zalo (and Telegram when `telegram_url`) on the fake APIs."""
    env = {
        "OCOP_DATABASE_URL": database_url,
        "OCOP_INBOX_LEASE_SECONDS": str(lease),
        "OCOP_RASA_TIMEOUT": "10",
        "OCOP_MAX_INFLIGHT_TURNS": "0",  # the load waits in the fake Rasa: no busy replies (tests/channels/test_overload)
        **zalo_env(zalo_url),
    }
    if telegram_url:
        env.update(
            OCOP_TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            OCOP_TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
            OCOP_TELEGRAM_API_URL=telegram_url,
        )
    config = StackConfig(model=Path("unused.tar.gz"), data_dir=data_dir, extra_env=env)
    service = gateway_service(config, port or free_port(), rasa_url, name)
    service.start()
    service.wait_ready(60)
    return service


def url_of(service: Service) -> str:
    return service.ready_url.rsplit("/", 1)[0]


def kill_hard(service: Service) -> None:
    """kill -9 of the whole process group: no shutdown code runs."""
    os.killpg(service.process.pid, signal.SIGKILL)
    service.process.wait()


_clients = threading.local()


def _client() -> httpx.Client:
    """This thread's HTTP client: one per sender thread, not one per attempt (building one costs CPU that
    the fake servers in the test process need while every sender retries a dead gateway)."""
    if not hasattr(_clients, "client"):
        _clients.client = httpx.Client(timeout=5)
    return _clients.client


def deliver(url: str, event: dict, deadline: float) -> bool:
    """POST a signed event until it is acknowledged with 200 (Zalo retries what is not); True when it was."""
    body, headers = encode(event)
    while time.monotonic() < deadline:
        try:
            if _client().post(f"{url}/zalo/webhook", content=body, headers=headers).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def question(number: int) -> str:
    return f"hồ sơ đăng ký gồm những gì q{number:04d}"


def send_load(url: str, users: int, per_user: int, deadline: float, senders: int = 16) -> dict[int, str]:
    """Deliver `users` x `per_user` questions; the acknowledged ones as {number: user id}."""
    jobs = [(n, f"77{n % users:08d}") for n in range(users * per_user)]

    def one(job: tuple[int, str]) -> tuple[int, str, bool]:
        number, user = job
        return number, user, deliver(url, text_event(user, question(number), f"load-{number}"), deadline)

    with ThreadPoolExecutor(senders) as pool:
        return {number: user for number, user, ok in pool.map(one, jobs) if ok}


def answer_counts(zalo, acknowledged: dict[int, str]) -> dict[int, int]:
    """How many replies reached each acknowledged question's user quoting that question."""
    with zalo._lock:
        sent = list(zalo.sent)
    counts = dict.fromkeys(acknowledged, 0)
    for message in sent:
        for number in acknowledged:
            if f"q{number:04d}" in message["text"] and message["user_id"] == acknowledged[number]:
                counts[number] += 1
    return counts


def delivery_report(numbers: list[int], database, fake_rasa, services: list[Service]) -> str:
    """What the inbox, the fake Rasa and the gateway logs say about `numbers` (a failing test's message)."""
    lines = []
    for number in numbers:
        key = f"zalo:msg:load-{number}"
        rows = database.rows("SELECT done, attempts, claimed_by, lease_until FROM inbox WHERE key = :key", key=key)
        requests = sum(1 for body in fake_rasa.requests if (body.get("metadata") or {}).get("message_id") == key)
        lines.append(f"q{number:04d}: inbox {rows}, Rasa requests {requests}, saved turns {fake_rasa.turns_of(key)}")
    for service in services:
        lines.append(f"--- {service.name} log:\n{tail(service.log_path, 40)}")
    return "\n".join(lines)
