"""`make chat`: the terminal client lists buttons with numbers and presses them when a number is typed."""

import subprocess
import sys

from stack.services import ROOT
from stack.terminal_chat import render, resolve
from tests.fakes.fixtures import fake_rasa  # noqa: F401 (pytest fixture)


def test_buttons_are_numbered_and_a_number_sends_the_payload():
    text, buttons = render([{"text": "Chào bạn", "buttons": [{"title": "Hồ sơ", "payload": "/ask_dossier"}]}])
    assert text == "Chào bạn\n  [1] Hồ sơ"
    assert resolve("1", buttons) == "/ask_dossier"
    assert resolve("2", buttons) == "2"
    assert resolve("ho so gom gi", buttons) == "ho so gom gi"


def test_a_conversation_through_the_real_client_process(fake_rasa):  # noqa: F811
    result = subprocess.run(
        [sys.executable, "-m", "stack.terminal_chat", "--rasa-url", fake_rasa.url, "--sender", "terminal:t1"],
        cwd=ROOT,
        input="xin chào\n1\n\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "[1] Hồ sơ đăng ký" in result.stdout
    assert fake_rasa.messages_from("terminal:t1") == ["xin chào", "/ask_dossier"]


def test_an_unreachable_assistant_is_reported_politely():
    result = subprocess.run(
        [sys.executable, "-m", "stack.terminal_chat", "--rasa-url", "http://127.0.0.1:9"],
        cwd=ROOT,
        input="xin chào\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "make run" in result.stderr
