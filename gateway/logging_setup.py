"""Logging for the gateway: a default stream handler and redaction of every configured secret.

Filters are attached to handlers (not loggers) so records propagated from any library logger
(httpx, python-telegram-bot, uvicorn) pass through them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "[redacted]"
_HANDLED_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")
# httpx logs every request URL at INFO, and Telegram Bot API URLs contain the bot token.
_QUIET_LOGGERS = ("httpx", "httpcore")


class RedactingFilter(logging.Filter):
    """Replaces secret values in a record's message and exception text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Give the root logger a handler if it has none, and redact `secrets` on every handler."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    redactor = RedactingFilter(secrets)
    for name in _HANDLED_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(old)
            handler.addFilter(redactor)
