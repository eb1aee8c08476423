"""`make run`: start the action server, the Rasa server and the gateway; restart any that dies; Ctrl-C stops all."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from knowledge_base.settings import SettingsError
from stack.rasa_run import RasaSettingsError
from stack.services import Stack, StackConfig
from stack.settings import StackSettings


def parse_args(argv: list[str] | None = None, settings: StackSettings | None = None) -> argparse.Namespace:
    """Command-line options; their defaults are the stack settings (environment, then `.env`)."""
    settings = settings or StackSettings.from_env()
    parser = argparse.ArgumentParser(description="Start the OCOP advisor on loopback.")
    parser.add_argument("--model", required=True, type=Path, help="trained Rasa model (.tar.gz)")
    parser.add_argument("--data-dir", type=Path, default=settings.data_dir)
    parser.add_argument("--rasa-port", type=int, default=settings.rasa_port)
    parser.add_argument("--action-port", type=int, default=settings.action_port)
    parser.add_argument("--gateway-port", type=int, default=settings.gateway_port)
    return parser.parse_args(argv)


def _interrupt(*_: object) -> None:
    # Further signals must not interrupt stopping the children (a second Ctrl-C, a supervisor's TERM).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    # Each child reads .env itself (gateway.settings, knowledge_base.settings, stack.rasa_run).
    try:
        args = parse_args(argv)
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    config = StackConfig(
        model=args.model.resolve(),
        data_dir=args.data_dir.resolve(),
        rasa_port=args.rasa_port,
        action_port=args.action_port,
        gateway_port=args.gateway_port,
    )
    # Ctrl-C and SIGTERM both stop every child (explicit handlers also work when started in the background,
    # where SIGINT may be ignored by inheritance).
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    print("Starting the OCOP advisor (loading the model and the index: about ten seconds) ...", file=sys.stderr)
    try:
        with Stack(config) as stack:
            print(
                "\nOCOP advisor is running.\n"
                f"  Web chat:           {config.gateway_url}/\n"
                f"  Hotline assistant:  {config.gateway_url}/assist\n"
                f"  Rasa REST channel:  {config.rasa_url}/webhooks/rest/webhook\n"
                f"  Logs:               {config.data_dir / 'logs'}\n"
                "Press Ctrl-C to stop.",
                flush=True,
            )
            # A child that dies is restarted with backoff while the others keep serving.
            while stack.supervise() is None:
                time.sleep(1)
            print(f"error: {stack.gave_up}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 0
    except (RuntimeError, TimeoutError, RasaSettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
