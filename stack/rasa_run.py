"""Start the Rasa server with the project's settings: `python -m stack.rasa_run --model M [--port P]`.

Runs in either environment (standard library only): `stack.services` builds the same command for
`make run` and the tests, and containers and systemd units run this module in the Rasa environment.
Its settings come from the environment over the repository's `.env` (`knowledge_base.envfile`: the Rasa
environment has pydantic 1, pinned by Rasa 3.6, so it cannot use the other processes' pydantic-settings).

- Without `OCOP_DATABASE_URL`/`OCOP_REDIS_URL`: `endpoints.yml` (SQLite tracker in `OCOP_TRACKER_DB`).
- With both: `deploy/endpoints.scale.yml` (PostgreSQL tracker store, Redis lock store); the URLs are
  split into the `OCOP_DB_*`/`OCOP_REDIS_*` values that file reads. One without the other is refused:
  several Rasa instances without a shared lock store would interleave one user's turns.
- TensorFlow gets one thread per pool unless `TF_INTRA_OP_PARALLELISM_THREADS`/`TF_INTER_OP_PARALLELISM_THREADS`
  say otherwise.
- `stack.rasa_speedups` removes repeated work from Rasa's turn first (`OCOP_RASA_SPEEDUPS=false`: Rasa as shipped).
- The HTTP API (`--enable-api`: `/status` for readiness, `/model/parse` for the hotline assistant,
  `/conversations` for the tests) is bound to loopback unless `OCOP_RASA_INTERFACE` says otherwise, and is
  never started without `OCOP_RASA_TOKEN` (passed as `--auth-token`; `make run` generates one per launch).
  Rasa runs inside this process rather than being exec'ed, so the token is not in the command line that
  every local user can read in /proc; the REST channel webhook is not behind the token (Rasa's channels
  never are).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

from knowledge_base.envfile import with_env_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ENDPOINTS = ROOT / "endpoints.yml"
SCALE_ENDPOINTS = ROOT / "deploy" / "endpoints.scale.yml"


TF_THREAD_VARIABLES = ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS")


class RasaSettingsError(ValueError):
    """The settings cannot start a Rasa server safely."""


def store_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The `OCOP_DB_*`/`OCOP_REDIS_*` values of `deploy/endpoints.scale.yml`; empty without the URLs."""
    if not database_url and not redis_url:
        return {}
    if not (database_url and redis_url):
        raise RasaSettingsError("set both OCOP_DATABASE_URL and OCOP_REDIS_URL, or neither")
    try:
        db, redis = urlsplit(database_url), urlsplit(redis_url)
        db_port, redis_port = db.port or 5432, redis.port or 6379
    except ValueError as error:
        raise RasaSettingsError(f"malformed database or Redis URL: {error}") from None
    if db.scheme.split("+", 1)[0] not in ("postgresql", "postgres") or not db.hostname or not db.path.strip("/"):
        raise RasaSettingsError("OCOP_DATABASE_URL must look like postgresql://user:password@host:5432/ocop")
    if redis.scheme != "redis" or not redis.hostname:
        raise RasaSettingsError("OCOP_REDIS_URL must look like redis://:password@host:6379/1")
    redis_db = redis.path.strip("/") or "1"
    if not redis_db.isdigit():
        raise RasaSettingsError("the Redis database in OCOP_REDIS_URL must be a number")
    return {
        "OCOP_DB_HOST": db.hostname,
        "OCOP_DB_PORT": str(db_port),
        "OCOP_DB_NAME": unquote(db.path.strip("/")),
        "OCOP_DB_USER": unquote(db.username or ""),
        "OCOP_DB_PASSWORD": unquote(db.password or ""),
        "OCOP_REDIS_HOST": redis.hostname,
        "OCOP_REDIS_PORT": str(redis_port),
        "OCOP_REDIS_DB": redis_db,
        "OCOP_REDIS_PASSWORD": unquote(redis.password or ""),
    }


def rasa_invocation(
    rasa: str, model: str, port: int, env: Mapping[str, str], interface: str = ""
) -> tuple[list[str], dict[str, str]]:
    """The command line and the extra environment of one Rasa server."""
    interface = interface or env.get("OCOP_RASA_INTERFACE", "").strip() or "127.0.0.1"
    token = env.get("OCOP_RASA_TOKEN", "").strip()
    if not token:
        raise RasaSettingsError(
            f"refusing to start the Rasa HTTP API on {interface} without OCOP_RASA_TOKEN (--auth-token): "
            "any local process could read and change every conversation"
        )
    extra = store_env(env.get("OCOP_DATABASE_URL", "").strip(), env.get("OCOP_REDIS_URL", "").strip())
    endpoints = SCALE_ENDPOINTS if extra else DEFAULT_ENDPOINTS
    command = [
        rasa,
        "run",
        "--enable-api",
        "--interface",
        interface,
        "--port",
        str(port),
        "--model",
        model,
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
    ]
    # One argument: a generated token may start with "-" (secrets.token_urlsafe), which argparse would otherwise
    # take for an option and Rasa would exit with "expected one argument".
    command.append(f"--auth-token={token}")
    return command, extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start the Rasa server with the project's settings.")
    parser.add_argument("--model", required=True, help="trained model (.tar.gz)")
    env = with_env_file(os.environ)
    parser.add_argument("--port", type=int, default=int(env.get("OCOP_RASA_PORT", "").strip() or 5005))
    args = parser.parse_args(argv)
    rasa = str(Path(sys.executable).with_name("rasa"))
    try:
        command, extra = rasa_invocation(rasa, args.model, args.port, env)
    except RasaSettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.chdir(ROOT)
    os.environ.update(extra)
    # One TensorFlow thread per pool: a parse is a small model, and the two cores are shared with the action
    # server and the gateway (measured side by side with TensorFlow's default, docs/benchmarks.md).
    for variable in TF_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    sys.argv = command  # Rasa reads its arguments here; /proc/<pid>/cmdline keeps ours, without the token
    from rasa.__main__ import main as rasa_main  # the Rasa environment only

    if env.get("OCOP_RASA_SPEEDUPS", "").strip().lower() not in ("0", "false", "no", "off"):
        from stack import rasa_speedups

        rasa_speedups.apply()

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
