"""Start, watch, restart and stop the assistant's processes on loopback.

Used by the launcher (`make run`) and by the end-to-end tests, so both run the real thing:
the rasa-sdk action server (Python 3.11 env), the Rasa server (Python 3.10 env, REST channel,
API enabled behind a token; PostgreSQL and Redis stores when `OCOP_DATABASE_URL` and `OCOP_REDIS_URL`
are set, see `stack.rasa_run`) and the FastAPI gateway. The tests of several instances start more of each kind.

Each child runs in its own process group, which `Service.stop()` always stops as a whole (workers must not
outlive their leader holding the port). A port already in use before a start is refused with the PID that
holds it, and a service is only ready once the listener on its port belongs to its own process group.
`Stack.supervise()` restarts a child that died, with backoff, while the others keep running. Child output
goes through the launcher into size-capped log files (`LOG_MAX_BYTES` x `LOG_BACKUPS` + the current one).
Children run with umask `CHILD_UMASK` (077), so what they create is owner-only (files 0600, folders 0700).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlencode, urlsplit

from gateway.files import rotate_numbered
from knowledge_base.envfile import with_env_file
from stack.rasa_run import rasa_invocation
from stack.settings import StackSettings

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 3
# Every file a child creates (Rasa's tracker.db, the gateway's state under var/) is readable by its owner only.
CHILD_UMASK = 0o077


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_free(port: int) -> bool:
    """Whether a server could listen on `port` on loopback now (any listener on the port says no)."""
    with socket.socket() as sock:
        # As the servers do: a port whose last connections are in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def listener_pids(port: int) -> set[int]:
    """PIDs holding a listening TCP socket on `port` (from Linux /proc; empty where it cannot be read)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    pids = set()
    if inodes:
        for fd_dir in Path("/proc").glob("[0-9]*/fd"):
            try:
                if any(os.readlink(fd) in inodes for fd in fd_dir.iterdir()):
                    pids.add(int(fd_dir.parent.name))
            except OSError:  # another user's process, or one that just exited
                continue
    return pids


def describe_pids(pids: set[int]) -> str:
    """`PID 123 (python3)` for each PID: the process name only, never its arguments (they may hold secrets)."""
    if not pids:
        return "an unknown process (not ours to inspect)"
    names = []
    for pid in sorted(pids):
        try:
            names.append(f"PID {pid} ({Path(f'/proc/{pid}/comm').read_text().strip()})")
        except OSError:
            names.append(f"PID {pid}")
    return ", ".join(names)


def group_alive(group: int) -> bool:
    """Whether any process of process group `group` is still running (zombies do not count)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...: comm may contain spaces, so split after its closing parenthesis.
            state, _ppid, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            return True
    return False


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback only)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


class RotatingLog:
    """An append-only log file capped at `max_bytes`, keeping `backups` older files (`name.log.1` is the newest)."""

    def __init__(self, path: Path, max_bytes: int = LOG_MAX_BYTES, backups: int = LOG_BACKUPS) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self._file = self._open("ab")
        self._size = self._file.tell()

    def _open(self, mode: str) -> BinaryIO:
        return open(self.path, mode, buffering=0, opener=lambda name, flags: os.open(name, flags, 0o600))  # noqa: SIM115

    def write(self, data: bytes) -> None:
        if self._size and self._size + len(data) > self.max_bytes:
            self._rotate()
        self._file.write(data)
        self._size += len(data)

    def _rotate(self) -> None:
        self._file.close()
        rotate_numbered(self.path, self.backups)
        self._file = self._open("wb")
        self._size = 0

    def close(self) -> None:
        self._file.close()


def _pump(pipe: BinaryIO, log: RotatingLog) -> None:
    """Copy a child's output into its log until every process of the group has closed it."""
    try:
        while chunk := pipe.read(65536):
            try:
                log.write(chunk)
            except OSError:  # a full disk drops log lines; the child must not block on a full pipe
                pass
    finally:
        pipe.close()
        log.close()


@dataclass
class Service:
    """One child process (its own process group) with a readiness URL and its own rotating log file."""

    name: str
    command: list[str]
    ready_url: str
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    log_max_bytes: int = LOG_MAX_BYTES
    log_backups: int = LOG_BACKUPS
    _pump: threading.Thread | None = field(default=None, repr=False)

    @property
    def port(self) -> int:
        return urlsplit(self.ready_url).port or 80

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the child; refused (RuntimeError naming the PID) when something already listens on its port."""
        if not port_free(self.port):
            raise RuntimeError(
                f"cannot start {self.name}: port {self.port} is already in use by "
                f"{describe_pids(listener_pids(self.port))}. Is an earlier `make run` still running, "
                "or did one leave a process behind? Stop it, or choose another port."
            )
        self.log_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        log = RotatingLog(self.log_path, self.log_max_bytes, self.log_backups)
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, stopped as a whole
                umask=CHILD_UMASK,
            )
        except BaseException:
            log.close()
            raise
        self._pump = threading.Thread(target=_pump, args=(self.process.stdout, log), daemon=True)
        self._pump.start()

    def check_owner(self) -> None:
        """Raise unless the listener on the port (when /proc shows it) belongs to this child's process group."""
        pids = listener_pids(self.port)
        if not pids or self.process is None:
            return
        for pid in pids:
            try:
                if os.getpgid(pid) == self.process.pid:
                    return
            except ProcessLookupError:
                continue
        raise RuntimeError(
            f"{self.name}: port {self.port} is answered by {describe_pids(pids)}, "
            f"not by the process started (PID {self.process.pid})"
        )

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with code {self.process.returncode}; last log lines:\n{tail(self.log_path)}"
                )
            if http_ok(self.ready_url):
                self.check_owner()
                return
            time.sleep(0.5)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f}s; last log lines:\n{tail(self.log_path)}")

    def stop(self, grace: float = 10.0) -> None:
        """Stop the whole process group, also when its leader has already exited (its workers may hold the port)."""
        if self.process is None:
            return
        group = self.process.pid
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                break
            if self._wait_group(group, wait):
                break
        self.process.wait()
        if self._pump is not None:
            self._pump.join(timeout=2)

    def _wait_group(self, group: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process.poll()  # reap the leader, or it stays a member of the group
            if not group_alive(group):
                return True
            time.sleep(0.05)
        return False


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
    # OCOP_VENVS_DIR: where scripts/setup_envs.sh built the `rasa` and `app` environments.
    venvs: Path = field(default_factory=lambda: StackSettings.from_env().venvs_dir)
    extra_env: dict[str, str] = field(default_factory=dict)
    # Rasa's HTTP API token: OCOP_RASA_TOKEN, or a new random one for each launch (only the children learn it).
    rasa_token: str = field(default_factory=lambda: StackSettings.from_env().rasa_token or secrets.token_urlsafe(32))

    def __post_init__(self) -> None:
        self.rasa_token = self.extra_env.get("OCOP_RASA_TOKEN", "").strip() or self.rasa_token

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
    return {
        **quiet_env(),
        "OCOP_DATA_DIR": str(config.data_dir),
        "OCOP_RASA_TOKEN": config.rasa_token,
        **config.extra_env,
    }


def action_service(config: StackConfig, port: int, name: str = "actions") -> Service:
    """A rasa-sdk action server on `port` (Python 3.11 env)."""
    app_python = str(config.venvs / "app" / "bin" / "python")
    return Service(
        name=f"action server ({name})" if name != "actions" else "action server",
        command=[app_python, "-m", "stack.action_server", "--actions", "actions", "-p", str(port), "--quiet"],
        ready_url=f"http://{HOST}:{port}/health",
        log_path=config.data_dir / "logs" / f"{name}.log",
        # The actions link to the gateway's pages (the full self-assessment sheet).
        env={
            "OCOP_PUBLIC_BASE_URL": StackSettings.from_env().public_base_url or config.gateway_url,
            **_common(config),
            "SANIC_HOST": HOST,
        },
    )


def rasa_service(config: StackConfig, port: int, action_url: str, name: str = "rasa") -> Service:
    """A Rasa server on `port` (Python 3.10 env), started as `stack.rasa_run` would start it."""
    common = _common(config)
    rasa_python = str(config.venvs / "rasa" / "bin" / "python")
    # Refuses bad settings (one store URL without the other, no token) before anything starts.
    rasa_invocation(rasa_python, str(config.model), port, with_env_file({**os.environ, **common}))
    return Service(
        name="Rasa server" if name == "rasa" else f"Rasa server ({name})",
        command=[rasa_python, "-m", "stack.rasa_run", "--model", str(config.model), "--port", str(port)],
        ready_url=f"http://{HOST}:{port}/status?" + urlencode({"token": common["OCOP_RASA_TOKEN"]}),
        log_path=config.data_dir / "logs" / f"{name}.log",
        env={
            **common,
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


@dataclass
class RestartPolicy:
    """Restart a dead child after 1, 2, 4 ... s (at most `max_delay`); give up after `max_failures` in `window` s."""

    first_delay: float = 1.0
    max_delay: float = 30.0
    max_failures: int = 5
    window: float = 300.0

    def delay(self, failures: int) -> float:
        return min(self.max_delay, self.first_delay * 2 ** (failures - 1))


class Stack:
    """Context manager that starts every service, restarts those that die, and stops them all on exit."""

    def __init__(
        self,
        config: StackConfig,
        timeout: float = 300.0,
        services: list[Service] | None = None,
        policy: RestartPolicy | None = None,
    ) -> None:
        self.config = config
        self.timeout = timeout
        self.services = services if services is not None else build_services(config)
        self.policy = policy or RestartPolicy()
        self.gave_up = ""  # why supervise() gave up, for the operator
        self._failures: dict[int, list[float]] = {}
        self._due: dict[int, float] = {}
        self._recovering: set[int] = set()

    def __enter__(self) -> Stack:
        self.config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        began = time.monotonic()
        try:
            # Two waves: every service but the last loads at once (the action server's index beside Rasa's model),
            # then the last (the gateway), so its URL is printed only when all can answer.
            for wave in (self.services[:-1], self.services[-1:]):
                wave_began = time.monotonic()
                for service in wave:
                    print(f"  starting {service.name} ...", file=sys.stderr, flush=True)
                    service.start()
                for service in wave:
                    service.wait_ready(max(1.0, self.timeout - (time.monotonic() - wave_began)))
                    print(f"  {service.name} ready ({time.monotonic() - began:.0f} s)", file=sys.stderr, flush=True)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def supervise(self) -> Service | None:
        """One watch round: restart the children that died (with backoff); the service given up on, if any.

        Call it about once a second. A restarted child is not waited for: the others keep serving meanwhile
        (the gateway answers politely while Rasa or the action server is away).
        """
        now = time.monotonic()
        for index, service in enumerate(self.services):
            if index in self._due:
                if now >= self._due[index]:
                    del self._due[index]
                    if given_up := self._restart(index, service, now):
                        return given_up
            elif not service.alive:
                code = service.process.returncode if service.process is not None else None
                if given_up := self._failed(index, service, now, f"stopped unexpectedly (exit code {code})"):
                    return given_up
            elif index in self._recovering and http_ok(service.ready_url, timeout=1.0):
                self._recovering.discard(index)
                try:
                    service.check_owner()
                except RuntimeError as error:
                    service.stop()
                    if given_up := self._failed(index, service, now, str(error)):
                        return given_up
                    continue
                print(f"  {service.name} is back", file=sys.stderr, flush=True)
        return None

    def _restart(self, index: int, service: Service, now: float) -> Service | None:
        service.stop()  # what is left of the old process group (workers holding the port)
        try:
            service.start()
        except (RuntimeError, OSError) as error:
            return self._failed(index, service, now, str(error))
        self._recovering.add(index)
        print(f"  restarted {service.name} (PID {service.process.pid})", file=sys.stderr, flush=True)
        return None

    def _failed(self, index: int, service: Service, now: float, reason: str) -> Service | None:
        self._recovering.discard(index)
        recent = [t for t in self._failures.get(index, []) if now - t < self.policy.window] + [now]
        self._failures[index] = recent
        if len(recent) > self.policy.max_failures:
            self.gave_up = (
                f"{service.name} {reason}; it failed {len(recent)} times within {self.policy.window:.0f} s, "
                f"so the advisor stops. See {service.log_path}"
            )
            return service
        delay = self.policy.delay(len(recent))
        print(
            f"  {service.name} {reason}; restarting in {delay:g} s "
            f"(failure {len(recent)} of at most {self.policy.max_failures} in {self.policy.window:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
        self._due[index] = now + delay
        return None
