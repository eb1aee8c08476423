"""Browser tests: the headless Chromium driver (Debian's `chromium` and `chromium-driver`) and the gateway fixtures.

Every test module here carries the `browser` marker (`make test-python` leaves them out). The `driver` fixture gives
each test a fresh profile and a phone-sized window, and skips with the install command when Chromium is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.fakes.fixtures import *  # noqa: F401,F403

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE = (390, 844)


@pytest.fixture
def driver(tmp_path) -> Iterator:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium not installed: apt-get install -y chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium'}",
        f"--window-size={PHONE[0]},{PHONE[1]}",
    ):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(20)
    # A phone's screen: headless Chromium keeps windows at least 500 px wide, the emulation does not.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        yield browser
    finally:
        browser.quit()
