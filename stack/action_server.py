"""`python -m stack.action_server [rasa_sdk options]`: rasa-sdk's action server, given time to load.

rasa-sdk runs on Sanic, which stops the whole server when its worker is not online within 30 s. The worker
imports `actions`, which loads the knowledge-base index (and rebuilds it when the documents changed); on a busy
two-core machine, beside Rasa loading its model, that can take longer, and the server then exits at every start.
This entry point raises that limit to `OCOP_ACTIONS_STARTUP_SECONDS` (default 300) and runs rasa-sdk's own `main`
with the same arguments (`--actions actions -p 5055 --quiet`).
"""

from __future__ import annotations

import os

DEFAULT_STARTUP_SECONDS = 300


def startup_seconds(env: dict[str, str] | os._Environ) -> int:
    """The worker's start-up limit in seconds (an empty or invalid value means the default)."""
    raw = env.get("OCOP_ACTIONS_STARTUP_SECONDS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_STARTUP_SECONDS


def main() -> None:
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from sanic.worker.manager import WorkerManager
    from sanic.worker.process import WorkerProcess

    ticks = startup_seconds(os.environ) * 10  # Sanic counts the limit in ticks of 0.1 s
    WorkerProcess.THRESHOLD = WorkerManager.THRESHOLD = ticks
    rasa_sdk_main()


if __name__ == "__main__":
    main()
