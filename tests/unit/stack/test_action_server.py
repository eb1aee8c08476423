"""The action server's entry point gives its Sanic worker time to load the knowledge base on a busy machine."""

from __future__ import annotations

import rasa_sdk.__main__
from sanic.worker.manager import WorkerManager
from sanic.worker.process import WorkerProcess

from stack import action_server


def test_startup_limit_comes_from_the_setting_or_the_default():
    assert action_server.startup_seconds({}) == 300
    assert action_server.startup_seconds({"OCOP_ACTIONS_STARTUP_SECONDS": " 120 "}) == 120
    assert action_server.startup_seconds({"OCOP_ACTIONS_STARTUP_SECONDS": "0"}) == 300
    assert action_server.startup_seconds({"OCOP_ACTIONS_STARTUP_SECONDS": "soon"}) == 300


def test_sanic_waits_that_long_for_the_worker_before_rasa_sdk_starts(monkeypatch):
    seen = {}
    monkeypatch.setenv("OCOP_ACTIONS_STARTUP_SECONDS", "90")
    monkeypatch.setattr(WorkerProcess, "THRESHOLD", WorkerProcess.THRESHOLD)
    monkeypatch.setattr(WorkerManager, "THRESHOLD", WorkerManager.THRESHOLD)
    monkeypatch.setattr(
        rasa_sdk.__main__, "main", lambda: seen.update(worker=WorkerProcess.THRESHOLD, manager=WorkerManager.THRESHOLD)
    )
    action_server.main()
    assert seen == {"worker": 900, "manager": 900}  # ticks of 0.1 s: 90 s instead of Sanic's 30 s
