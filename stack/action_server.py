"""`python -m stack.action_server [rasa_sdk options]`: rasa-sdk's action server, served in one process.

rasa-sdk imports `actions` (which loads the knowledge-base index, and rebuilds it when the documents changed)
and then hands its app to `Sanic.serve`, which spawns a worker process that imports `actions` and loads the
index all over again. On two cores, beside Rasa loading its model, that doubled the action server's start, and
Sanic stopped the server when the worker was not online within 30 s. This entry point serves rasa-sdk's app in
Sanic's single-process mode instead (`Sanic.serve_single`): the actions loaded once are the ones that answer,
and there is no worker to wait for. It then runs rasa-sdk's own `main` with the same arguments
(`--actions actions -p 5055 --quiet`). One process per action server: scale out with more instances behind the
load balancer (README, "Scale-out").
"""

from __future__ import annotations

from typing import Any


def _serve_in_this_process(cls: Any, primary: Any = None, *, app_loader: Any = None, factory: Any = None) -> None:
    """`Sanic.serve` for rasa-sdk's one app: that app, served here (its loader would build it again)."""
    cls.serve_single(primary)


def main() -> None:
    from rasa_sdk.__main__ import main as rasa_sdk_main
    from sanic import Sanic

    Sanic.serve = classmethod(_serve_in_this_process)
    rasa_sdk_main()


if __name__ == "__main__":
    main()
