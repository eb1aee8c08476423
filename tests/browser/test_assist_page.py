"""The hotline assistant page `/assist` in headless Chromium: a refused request shows the gateway's own
Vietnamese reason (wrong key: 401, too many requests: 429), and an accepted one draws the passages.

Needs Debian's `chromium` and `chromium-driver`; skipped with a reason when they are absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from gateway.app import create_app
from gateway.rate_limit import refused_reply
from gateway.settings import Settings
from knowledge_base.retrieval import clear_cache
from tests.fakes.server import ServerThread
from tests.unit.retrieval.conftest import FIXTURE_DOCS

pytestmark = pytest.mark.browser

WAIT = 15
KEY = "khoa-tong-dai-2026"


@pytest.fixture
def server(tmp_path, monkeypatch) -> Iterator[ServerThread]:
    """A gateway with an assistant key, the fixture corpus and one assistant request a minute per address."""
    shutil.copytree(FIXTURE_DOCS, tmp_path / "documents")
    monkeypatch.setenv("OCOP_KB_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("OCOP_KB_INDEX_DIR", str(tmp_path / "kb_index"))
    monkeypatch.setenv("OCOP_ASSIST_API_KEY", KEY)
    clear_cache()
    settings = Settings(rasa_url="http://127.0.0.1:9", data_dir=tmp_path / "var", rate_limit_per_address_per_minute=1)
    with ServerThread(create_app(settings)) as running:
        yield running
    clear_cache()


def status_text(driver) -> str:
    return driver.execute_script("return document.getElementById('status').textContent")


def ask(driver, key: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    field = driver.find_element("id", "apikey")
    field.clear()
    field.send_keys(key)
    driver.find_element("id", "submit").click()
    WebDriverWait(driver, WAIT).until(
        lambda d: status_text(d) != "Đang tra cứu…" and d.find_element("id", "submit").is_enabled(),
        "the assistant did not answer",
    )


def test_refusals_show_the_gateways_vietnamese_reason(driver, server):
    # The browser as a client on the internet behind the local proxy: the per-address limit applies.
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"X-Forwarded-For": "203.0.113.7"}})
    driver.get(f"{server.url}/assist")
    driver.find_element("id", "question").send_keys("Hồ sơ đăng ký lần đầu gồm những gì?")
    driver.find_element("css selector", "details.key summary").click()

    ask(driver, "khoa-sai")
    assert status_text(driver) == "Thiếu hoặc sai khóa truy cập (X-API-Key)."
    assert not driver.find_element("id", "result").is_displayed()

    ask(driver, KEY)
    assert status_text(driver) == ""
    assert driver.find_element("id", "result").is_displayed()
    assert driver.find_elements("css selector", "#passages li .meta")

    ask(driver, KEY)
    shown = status_text(driver)
    assert shown.startswith("Bạn gửi yêu cầu hơi nhanh.") and "(429)" not in shown
    assert shown == refused_reply(int(shown.split("khoảng ")[1].split()[0]))
