"""Start, watch and stop the assistant's processes on loopback.

Used by the launcher (`make run`) and by the end-to-end tests, so both run the real thing:
the rasa-sdk action server (Python 3.11 env), the Rasa server (Python 3.10 env, REST channel,
API enabled; PostgreSQL and Redis stores when `OCOP_DATABASE_URL` and `OCOP_REDIS_URL` are set, see
`stack.rasa_run`) and the FastAPI gateway. The tests of several instances start more of each kind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from stack.rasa_run import rasa_invocation

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class Service:
    """One child process with a readiness URL and its own log file."""

    name: str
    command: list[str]
    ready_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the child's lifetime)
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # our Ctrl-C handling stops the whole group
        )
        log.close()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.process.returncode}; last log lines:\n{tail(self.log_path)}"
                )
            if http_ok(self.ready_url):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s; last log lines:\n{tail(self.log_path)}")

    def stop(self, grace: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class StackConfig:
    model: Path
    data_dir: Path = ROOT / "var"
    rasa_port: int = 5005
    action_port: int = 5055
    gateway_port: int = 8000
    venvs: Path = ROOT / ".venvs"
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://{HOST}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{HOST}:{self.action_port}"

    @property
    def gateway_url(self) -> str:
        return f"http://{HOST}:{self.gateway_port}"


def quiet_env() -> dict[str, str]:
    """Environment shared by all children: offline, no telemetry, quiet TensorFlow."""
    return {
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }


def _common(config: StackConfig) -> dict[str, str]:
    return {**quiet_env(), "OCOP_DATA_DIR": str(config.data_dir), **config.extra_env}


def action_service(config: StackConfig, port: int, name: str = "actions") -> Service:
    """A rasa-sdk action server on `port` (Python 3.11 env)."""
    app_python = str(config.venvs / "app" / "bin" / "python")
    return Service(
        name=f"action server ({name})" if name != "actions" else "action server",
        command=[app_python, "-m", "rasa_sdk", "--actions", "actions", "-p", str(port), "--quiet"],
        ready_url=f"http://{HOST}:{port}/health",
        log_path=config.data_dir / "logs" / f"{name}.log",
        # The actions link to the gateway's pages (the full self-assessment sheet).
        env={
            "OCOP_PUBLIC_BASE_URL": os.environ.get("OCOP_PUBLIC_BASE_URL") or config.gateway_url,
            **_common(config),
            "SANIC_HOST": HOST,
        },
    )


def rasa_service(config: StackConfig, port: int, action_url: str, name: str = "rasa") -> Service:
    """A Rasa server on `port` (Python 3.10 env), started as `stack.rasa_run` would start it."""
    common = _common(config)
    command, store = rasa_invocation(
        str(config.venvs / "rasa" / "bin" / "rasa"), str(config.model), port, {**os.environ, **common}
    )
    token = common.get("OCOP_RASA_TOKEN") or os.environ.get("OCOP_RASA_TOKEN", "")
    return Service(
        name="Rasa server" if name == "rasa" else f"Rasa server ({name})",
        command=command,
        ready_url=f"http://{HOST}:{port}/status" + (f"?token={token}" if token else ""),
        log_path=config.data_dir / "logs" / f"{name}.log",
        env={
            **common,
            **store,
            "OCOP_ACTION_SERVER_URL": f"{action_url}/webhook",
            "OCOP_TRACKER_DB": str(config.data_dir / "tracker.db"),
        },
    )


def gateway_service(config: StackConfig, port: int, rasa_url: str, name: str = "gateway") -> Service:
    """A gateway (uvicorn, Python 3.11 env) on `port` talking to the Rasa server at `rasa_url`."""
    app_python = str(config.venvs / "app" / "bin" / "python")
    return Service(
        name="gateway" if name == "gateway" else f"gateway ({name})",
        command=[
            app_python,
            "-m",
            "uvicorn",
            "gateway.app:app",
            "--host",
            HOST,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        ready_url=f"http://{HOST}:{port}/healthz",
        log_path=config.data_dir / "logs" / f"{name}.log",
        env={**_common(config), "OCOP_RASA_URL": rasa_url},
    )


def build_services(config: StackConfig) -> list[Service]:
    """The three processes, in start order."""
    return [
        action_service(config, config.action_port),
        rasa_service(config, config.rasa_port, config.action_url),
        gateway_service(config, config.gateway_port, config.rasa_url),
    ]


class Stack:
    """Context manager that starts every service and stops them all on exit."""

    def __init__(self, config: StackConfig, timeout: float = 300.0) -> None:
        self.config = config
        self.timeout = timeout
        self.services = build_services(config)

    def __enter__(self) -> Stack:
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            for service in self.services:
                print(f"  starting {service.name} ...", file=sys.stderr, flush=True)
                service.start()
                service.wait_ready(self.timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def failed(self) -> Service | None:
        """The first service whose process has exited, if any."""
        for service in self.services:
            if service.process is not None and service.process.poll() is not None:
                return service
        return None
