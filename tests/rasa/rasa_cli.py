"""Run Rasa commands in the Python 3.10 environment from the tests."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from stack.services import ROOT, quiet_env

RASA = ROOT / ".venvs" / "rasa" / "bin" / "rasa"
RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"


def run_rasa(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RASA), *args],
        cwd=ROOT,
        env={**os.environ, **quiet_env()},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_rasa_python(script: str, stdin: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(RASA_PYTHON), "-c", script],
        cwd=ROOT,
        env={**os.environ, **quiet_env()},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def rasa_probe(script: str, stdin: str = "", timeout: float = 300) -> Any:
    """Run `script` in the Rasa environment and return the JSON it prints last (failing with its stderr)."""
    result = run_rasa_python(script, stdin, timeout)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
