"""The action server's entry point loads the actions once, in the process that answers Rasa's calls."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx

from stack.services import HOST, ROOT, free_port

ACTIONS = """
import os
from pathlib import Path
from rasa_sdk import Action

Path(os.environ["PROBE_IMPORTS"]).open("a").write(f"{os.getpid()}\\n")  # one line per import of the actions


class ActionProbe(Action):
    def name(self):
        return "action_probe"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=f"xin chào từ {os.getpid()}")
        return []
"""


def test_actions_are_loaded_once_and_answer_from_that_process(tmp_path):
    (tmp_path / "probe_actions").mkdir()
    (tmp_path / "probe_actions" / "__init__.py").write_text(textwrap.dedent(ACTIONS), encoding="utf-8")
    imports = tmp_path / "imports.txt"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "PROBE_IMPORTS": str(imports),
        "SANIC_HOST": HOST,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "stack.action_server", "--actions", "probe_actions", "-p", str(port), "--quiet"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read()[-2000:]
            try:
                if httpx.get(f"http://{HOST}:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the action server did not come up within 60 s"
            time.sleep(0.1)
        call = {
            "next_action": "action_probe",
            "sender_id": "probe-1",
            "tracker": {"sender_id": "probe-1"},
            "domain": {},
        }
        reply = httpx.post(f"http://{HOST}:{port}/webhook", json=call, timeout=10).json()
        assert reply["responses"][0]["text"] == f"xin chào từ {server.pid}"
        assert imports.read_text().split() == [str(server.pid)]  # no worker process importing them again
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) is not None  # stops on the launcher's signal
