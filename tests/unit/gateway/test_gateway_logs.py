"""Secrets are redacted from every log record; the message log hashes user ids."""

from __future__ import annotations

import json
import logging

from gateway.logging_setup import REDACTED, RedactingFilter, configure_logging
from gateway.message_log import MAX_LOGGED_CHARS, MessageLog

TOKEN = "123456:AAH-secret-token"


def _record(msg, *args, exc_info=None):
    return logging.LogRecord("httpx", logging.INFO, __file__, 1, msg, args, exc_info)


def test_filter_redacts_message_arguments_and_exception_text():
    redactor = RedactingFilter([TOKEN, "abc"])  # too short to redact safely: ignored
    record = _record("POST https://api.telegram.org/bot%s/sendMessage", TOKEN)
    assert redactor.filter(record)
    assert TOKEN not in record.getMessage() and REDACTED in record.getMessage()
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/getMe")
    except RuntimeError:
        import sys

        record = _record("boom", exc_info=sys.exc_info())
    redactor.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and "failed calling" in text


def test_configure_logging_redacts_records_from_any_library_logger(capsys):
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        configure_logging("INFO", [TOKEN])
        logging.getLogger("telegram.ext.Updater").error("request to /bot%s failed", TOKEN)
        assert logging.getLogger("httpx").level == logging.WARNING
    finally:
        root.removeHandler(handler)
    err = capsys.readouterr().err
    assert "request to /bot" in err and TOKEN not in err


def test_message_log_hashes_users_and_keeps_the_text(tmp_path):
    log = MessageLog(tmp_path)
    log.record("zalo:2468013579", "in", "hồ sơ gồm gì", "rasa_unavailable")
    log.record("zalo:2468013579", "out", "x" * (MAX_LOGGED_CHARS + 5))
    lines = [json.loads(line) for line in log.path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["text"] == "hồ sơ gồm gì" and lines[0]["status"] == "rasa_unavailable"
    assert lines[0]["channel"] == "zalo" and lines[0]["user"] == lines[1]["user"]
    assert "2468013579" not in log.path.read_text()
    assert len(lines[1]["text"]) == MAX_LOGGED_CHARS + 1
    assert (tmp_path / "message_log.key").stat().st_mode & 0o777 == 0o600
    assert MessageLog(tmp_path).user_hash("zalo:2468013579") == lines[0]["user"], "key survives a restart"
    assert MessageLog(tmp_path / "other").user_hash("zalo:2468013579") != lines[0]["user"]
