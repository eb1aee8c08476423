"""The launcher's process handling with small real HTTP servers as children (no model, a few seconds).

What an operator would notice: a killed child comes back while the others keep serving; a crash loop
stops the stack with the reason; `stop()` frees the port even when only a worker is left; a process
already on the port is named instead of being taken for ours; logs stay within their size cap; each
launch has its own Rasa API token.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stack.services import RestartPolicy, Service, Stack, StackConfig, build_services, free_port, http_ok, port_free

# mode "serve": answer GET with the PID; "leader": start a "serve" worker in the same process group and
# sleep (like Sanic or uvicorn workers); "once": serve the first time, exit 3 on later starts; "late":
# try to listen only after 3 s; "chatty": print about 1 MB first.
CHILD = """
import http.server, os, subprocess, sys, time
port, mode, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(str(os.getpid()).encode())
    def log_message(self, *args):
        pass
if mode == "leader":
    subprocess.Popen([sys.executable, __file__, str(port), "serve", marker])
    while True:
        time.sleep(1)
if mode == "once":
    if os.path.exists(marker):
        sys.exit(3)
    open(marker, "w").close()
if mode == "late":
    time.sleep(3)
if mode == "chatty":
    for number in range(10000):
        print(f"line {number:05d} " + "x" * 88)
    print("done", flush=True)
http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
"""


@pytest.fixture
def child_script(tmp_path) -> Path:
    path = tmp_path / "child.py"
    path.write_text(CHILD)
    return path


def child(script: Path, name: str, mode: str = "serve", **kwargs) -> Service:
    port = free_port()
    return Service(
        name=name,
        command=[sys.executable, str(script), str(port), mode, str(script.with_name(f"{name}.marker"))],
        ready_url=f"http://127.0.0.1:{port}/health",
        log_path=script.parent / "logs" / f"{name}.log",
        **kwargs,
    )


def orphan(script: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(script), str(port), "serve", "-"])
    deadline = time.monotonic() + 10
    while not http_ok(f"http://127.0.0.1:{port}/"):
        assert time.monotonic() < deadline, "the stray server did not start"
        time.sleep(0.1)
    return process


def supervise_until(stack: Stack, condition, timeout: float = 20.0) -> Service | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (given_up := stack.supervise()) is not None or condition():
            return given_up
        time.sleep(0.1)
    raise AssertionError("condition not reached")


def test_a_killed_child_is_restarted_while_the_others_keep_running(child_script, tmp_path):
    actions, gateway = child(child_script, "actions"), child(child_script, "gateway")
    policy = RestartPolicy(first_delay=0.2)
    with Stack(StackConfig(model=Path("unused"), data_dir=tmp_path), 10, [actions, gateway], policy) as stack:
        killed, gateway_pid = actions.process.pid, gateway.process.pid
        os.killpg(killed, signal.SIGKILL)
        given_up = supervise_until(
            stack, lambda: actions.alive and actions.process.pid != killed and http_ok(actions.ready_url)
        )
        assert given_up is None
        assert gateway.process.pid == gateway_pid and http_ok(gateway.ready_url)
    assert port_free(actions.port) and port_free(gateway.port)


def test_a_crash_loop_stops_with_the_reason_after_the_allowed_restarts(child_script, tmp_path, capsys):
    flaky, other = child(child_script, "actions", "once"), child(child_script, "gateway")
    policy = RestartPolicy(first_delay=0.05, max_failures=2)
    with Stack(StackConfig(model=Path("unused"), data_dir=tmp_path), 10, [flaky, other], policy) as stack:
        os.killpg(flaky.process.pid, signal.SIGKILL)
        given_up = supervise_until(stack, lambda: False)
        assert given_up is flaky and other.alive
        assert "exit code 3" in stack.gave_up and "3 times" in stack.gave_up and str(flaky.log_path) in stack.gave_up
    assert capsys.readouterr().err.count("restarting in") == 2


def test_stop_frees_the_port_when_only_a_worker_of_the_group_is_left(child_script):
    service = child(child_script, "actions", "leader")
    service.start()
    service.wait_ready(10)  # the worker answers; it is in the leader's process group
    os.kill(service.process.pid, signal.SIGKILL)
    service.process.wait()
    assert http_ok(service.ready_url), "the worker outlives its leader and keeps the port"
    service.stop()
    assert port_free(service.port)


def test_a_stray_process_on_the_port_is_named_and_nothing_is_started(child_script):
    service = child(child_script, "actions")
    stray = orphan(child_script, service.port)
    try:
        with pytest.raises(RuntimeError, match=rf"port {service.port} is already in use by PID {stray.pid}"):
            service.start()
        assert service.process is None
    finally:
        stray.kill()
        stray.wait()


def test_an_answer_from_a_process_that_took_the_port_after_the_start_is_not_ready(child_script):
    service = child(child_script, "actions", "late")
    service.start()
    stray = orphan(child_script, service.port)
    try:
        with pytest.raises(RuntimeError, match=rf"answered by PID {stray.pid}.*not by the process started"):
            service.wait_ready(10)
    finally:
        service.stop()
        stray.kill()
        stray.wait()


def test_child_output_goes_to_size_capped_rotated_log_files(child_script):
    service = child(child_script, "gateway", "chatty", log_max_bytes=100_000, log_backups=2)
    service.start()
    try:
        service.wait_ready(20)
    finally:
        service.stop()
    log = service.log_path
    files = sorted(log.parent.iterdir())
    assert [f.name for f in files] == ["gateway.log", "gateway.log.1", "gateway.log.2"]
    assert all(f.stat().st_size <= 100_000 for f in files)
    assert log.read_text().rstrip().endswith("done"), "the newest output is in the current file"
    assert "line 09999" in log.read_text() + log.with_name("gateway.log.1").read_text()
    assert log.stat().st_mode & 0o077 == 0, "logs are readable by the service user only"


def test_each_launch_has_its_own_rasa_token_for_rasa_and_the_gateway(monkeypatch):
    monkeypatch.delenv("OCOP_RASA_TOKEN", raising=False)
    first, second = StackConfig(model=Path("m.tar.gz")), StackConfig(model=Path("m.tar.gz"))
    assert len(first.rasa_token) >= 32 and first.rasa_token != second.rasa_token
    actions, rasa, gateway = build_services(first)
    assert rasa.env["OCOP_RASA_TOKEN"] == gateway.env["OCOP_RASA_TOKEN"] == first.rasa_token
    assert first.rasa_token not in " ".join(rasa.command), "the token stays off the command line"
    assert rasa.ready_url.endswith(f"/status?token={first.rasa_token}")
    assert actions.env["SANIC_HOST"] == "127.0.0.1", "the action server has no token: loopback only"
    monkeypatch.setenv("OCOP_RASA_TOKEN", "from-env")
    assert StackConfig(model=Path("m.tar.gz")).rasa_token == "from-env"
    assert StackConfig(model=Path("m.tar.gz"), extra_env={"OCOP_RASA_TOKEN": "extra"}).rasa_token == "extra"


def test_files_a_child_creates_are_readable_by_their_owner_only(tmp_path):
    """Rasa creates tracker.db and the gateway its state under var/ with the default mode: umask 077 makes it 0600."""
    port = free_port()
    script = "import os, sys; os.mkdir(sys.argv[1] + '/state'); open(sys.argv[1] + '/state/tracker.db', 'w').close()"
    service = Service(
        name="writer",
        command=[sys.executable, "-c", script, str(tmp_path)],
        ready_url=f"http://127.0.0.1:{port}/health",
        log_path=tmp_path / "logs" / "writer.log",
    )
    previous = os.umask(0o022)  # the usual login umask: without the launcher's own, files come out 0644
    try:
        service.start()
        assert service.process.wait(timeout=10) == 0
    finally:
        os.umask(previous)
        service.stop()
    assert oct((tmp_path / "state" / "tracker.db").stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / "state").stat().st_mode & 0o777) == "0o700"


def test_backends_load_side_by_side_and_the_gateway_starts_once_they_answer(child_script, tmp_path, capsys):
    # Rasa's model and the action server's index load at the same time; the web chat URL comes only when both answer.
    actions, rasa = child(child_script, "actions", "late"), child(child_script, "rasa", "late")
    gateway = child(child_script, "gateway")
    with Stack(StackConfig(model=Path("unused"), data_dir=tmp_path), 20, [actions, rasa, gateway]):
        assert all(http_ok(service.ready_url) for service in (actions, rasa, gateway))
    lines = [line.strip() for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines[:2] == ["starting actions ...", "starting rasa ..."], lines
    assert [line.split(" (")[0] for line in lines[2:5]] == ["actions ready", "rasa ready", "starting gateway ..."]
    assert lines[5].startswith("gateway ready (")
