"""Real PostgreSQL, Redis and nginx from Debian packages, started on loopback in temporary directories.

Each `start_*` function returns a running server object with `stop()`; `missing()` names the
binaries that are not installed (the tests then skip with that reason). PostgreSQL refuses to run
as root, so under root the cluster is created and run as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
DB_USER = "ocop"
DB_PASSWORD = "pg-secret-Pa55"
DB_NAME = "ocop"
REDIS_PASSWORD = "redis-secret-Pa55"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _postgres_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return candidates[-1] if candidates else shutil.which(name)


def missing() -> list[str]:
    """Binaries the multi-instance tests need that this machine lacks."""
    needed = {
        "initdb": _postgres_bin("initdb"),
        "postgres": _postgres_bin("postgres"),
        "redis-server": shutil.which("redis-server"),
        "nginx": shutil.which("nginx") or _sbin("nginx"),
    }
    return [name for name, path in needed.items() if not path]


def _sbin(name: str) -> str | None:
    path = f"/usr/sbin/{name}"
    return path if os.access(path, os.X_OK) else None


def wait_port(port: int, process: subprocess.Popen, what: str, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{what} exited with code {process.returncode}:\n{tail}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{what} not listening on {port} after {timeout:.0f}s")


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    url: str = ""
    owned_dir: Path | None = None  # removed by stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM if self.name != "postgres" else signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.owned_dir:
            shutil.rmtree(self.owned_dir, ignore_errors=True)


def _postgres_account() -> tuple[int | None, int | None]:
    if os.geteuid() != 0:
        return None, None
    account = pwd.getpwnam("postgres")
    return account.pw_uid, account.pw_gid


def start_postgres() -> Server:
    """A fresh cluster with user `ocop` (password) and database `ocop`, TCP on loopback only.

    Its directory is a new one under the system temporary directory (reachable by the `postgres`
    user when the tests run as root); `stop()` removes it.
    """
    uid, gid = _postgres_account()
    directory = Path(tempfile.mkdtemp(prefix="ocop-pg-"))
    data, password_file = directory / "data", directory / "pwfile"
    password_file.write_text(DB_PASSWORD)
    if uid is not None:
        os.chown(directory, uid, gid)
        os.chown(password_file, uid, gid)

    def demote() -> None:
        if uid is not None:
            os.setgid(gid)
            os.setuid(uid)

    initdb = subprocess.run(
        [
            _postgres_bin("initdb"),
            "-D",
            str(data),
            "-U",
            DB_USER,
            f"--pwfile={password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        capture_output=True,
        text=True,
        preexec_fn=demote,
        cwd=directory,
    )
    if initdb.returncode:
        raise RuntimeError(f"initdb failed: {initdb.stderr[-2000:]}")
    port = free_port()
    log = open(directory / "postgres.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [
            _postgres_bin("postgres"),
            "-D",
            str(data),
            "-h",
            HOST,
            "-p",
            str(port),
            "-k",
            str(directory),
            "-c",
            "max_connections=200",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "shared_buffers=64MB",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=demote,
        cwd=directory,
        start_new_session=True,
    )
    log.close()
    wait_port(port, process, "postgres", directory / "postgres.log")
    _create_database(port)
    url = f"postgresql://{DB_USER}:{DB_PASSWORD}@{HOST}:{port}/{DB_NAME}"
    return Server("postgres", port, process, url, directory)


def _create_database(port: int) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(
                host=HOST, port=port, user=DB_USER, password=DB_PASSWORD, dbname="postgres", autocommit=True
            ) as connection:
                connection.execute(f"CREATE DATABASE {DB_NAME}")
                return
        except psycopg.OperationalError:  # still starting up
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_redis(directory: Path) -> Server:
    """Redis with a password, no persistence, on loopback."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = open(directory / "redis.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            HOST,
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
            "--requirepass",
            REDIS_PASSWORD,
            "--daemonize",
            "no",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    wait_port(port, process, "redis", directory / "redis.log")
    return Server("redis", port, process, f"redis://:{REDIS_PASSWORD}@{HOST}:{port}/1")


def redis_command(server: Server, *args: str) -> str:
    """One command through redis-cli (installed with redis-server)."""
    result = subprocess.run(
        ["redis-cli", "-h", HOST, "-p", str(server.port), "--no-auth-warning", "-a", REDIS_PASSWORD, *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=10,
    )
    return result.stdout.strip()


NGINX_CONF = """
worker_processes 1;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    client_max_body_size 2m;
{servers}
}}
"""

NGINX_SERVER = """
    upstream {name} {{
{members}
        keepalive 32;
    }}
    server {{
        listen {host}:{port};
        location / {{
            proxy_pass http://{name};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_connect_timeout 1s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }}
    }}
"""


def start_nginx(directory: Path, upstreams: dict[str, list[int]]) -> tuple[Server, dict[str, str]]:
    """nginx balancing each named group of loopback ports round-robin; returns the server and each group's URL."""
    directory.mkdir(parents=True, exist_ok=True)
    ports = {name: free_port() for name in upstreams}
    servers = "".join(
        NGINX_SERVER.format(
            name=name,
            host=HOST,
            port=ports[name],
            members="\n".join(f"        server {HOST}:{port} max_fails=1 fail_timeout=2s;" for port in members),
        )
        for name, members in upstreams.items()
    )
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_CONF.format(dir=directory, servers=servers, user="user root;" if os.geteuid() == 0 else ""))
    nginx = shutil.which("nginx") or _sbin("nginx")
    log = open(directory / "nginx.out", "ab")  # noqa: SIM115
    process = subprocess.Popen(
        [nginx, "-p", str(directory), "-c", str(conf), "-g", "daemon off;"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    for port in ports.values():
        wait_port(port, process, "nginx", directory / "nginx.out")
    return Server("nginx", 0, process), {name: f"http://{HOST}:{port}" for name, port in ports.items()}
