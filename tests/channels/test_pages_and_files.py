"""What an operator or a browser notices around the pages: HEAD, security headers, private files, /restart."""

from __future__ import annotations

import stat

import httpx
import pytest

from gateway.channels.web import STATIC_DIR
from gateway.conversation import RESTART_REPLY, unavailable_reply
from gateway.http_guards import SECURITY_HEADERS
from gateway.message_log import MessageLog
from tests.fakes.fixtures import run_gateway

PAGES = ["/", "/chat", "/tu-danh-gia", "/assist"]


@pytest.fixture
def gateway(gateway_settings):
    with run_gateway(gateway_settings) as running:
        yield running


@pytest.mark.parametrize("path", [*PAGES, "/healthz"])
def test_head_is_answered_like_get_without_a_body(gateway, path):
    response = httpx.head(f"{gateway.url}{path}", timeout=5)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-type"] == httpx.get(f"{gateway.url}{path}", timeout=5).headers["content-type"]


@pytest.mark.parametrize("path", [*PAGES, "/static/chat.js", "/healthz", "/api/sheets", "/nope"])
def test_every_response_carries_the_security_headers(gateway, path):
    headers = httpx.get(f"{gateway.url}{path}", timeout=5).headers
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, (path, name)
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]


@pytest.mark.parametrize("page", ["chat.html", "selfassess.html", "assist.html"])
def test_pages_need_no_inline_script_or_style_the_policy_would_block(page):
    html = (STATIC_DIR / page).read_text(encoding="utf-8")
    assert "<script>" not in html and "<style" not in html and " style=" not in html
    assert " onclick=" not in html.lower() and "javascript:" not in html.lower()


def test_typed_restart_gets_a_fresh_start_not_the_outage_apology(gateway, fake_rasa):
    fake_rasa.mode = "empty"  # what Rasa answers to /restart: the tracker is reset, nothing is said
    response = httpx.post(f"{gateway.url}/api/chat", json={"sender": "restart-01", "message": "/restart"}, timeout=5)
    assert [m["text"] for m in response.json()["messages"]] == [RESTART_REPLY]
    other = httpx.post(f"{gateway.url}/api/chat", json={"sender": "restart-01", "message": "hồ sơ"}, timeout=5)
    assert [m["text"] for m in other.json()["messages"]] == [unavailable_reply()]


def test_state_files_are_private_to_the_service(gateway, gateway_settings):
    httpx.post(f"{gateway.url}/api/chat", json={"sender": "private-01", "message": "xin chào"}, timeout=5)
    data_dir = gateway_settings.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [path for path in data_dir.iterdir() if path.is_file()]
    assert {"messages.jsonl", "message_log.key"} <= {path.name for path in files}
    assert {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in files} == {
        path.name: "0o600" for path in files
    }


def test_world_readable_files_left_by_an_older_version_are_closed_on_start(gateway_settings):
    data_dir = gateway_settings.data_dir
    data_dir.mkdir(parents=True)
    data_dir.chmod(0o755)
    old = data_dir / "tracker.db"
    old.write_bytes(b"")
    old.chmod(0o644)
    with run_gateway(gateway_settings):
        assert stat.S_IMODE(old.stat().st_mode) == 0o600
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_message_log_is_capped_and_rotated(tmp_path):
    log = MessageLog(tmp_path, max_bytes=2000, backups=2)
    for number in range(60):
        log.record("web:rotate-01", "in", f"câu hỏi số {number} " + "x" * 50)
    names = sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("messages"))
    assert names == ["messages.jsonl", "messages.jsonl.1", "messages.jsonl.2"]
    assert all(path.stat().st_size <= 2000 + 300 for path in log.files())
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in log.files())
    newest = (tmp_path / "messages.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert "câu hỏi số 59" in newest
    oldest = (tmp_path / "messages.jsonl.2").read_text(encoding="utf-8")
    assert "câu hỏi số 0 " not in oldest  # the first records went with the third-oldest file
