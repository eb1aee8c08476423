"""The staff pages in headless Chromium on a phone-size window: login with its CSRF token, the lock-out
message, the review lists with their CSV export, and the dashboard drawing its charts for a date range.

Needs Debian's `chromium` and `chromium-driver`, and uPlot installed by `make install` (npm).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from gateway.staff.pages import VIETNAM
from gateway.staff.records import Records
from tests.browser.waits import submit_and_wait, wait_for
from tests.fakes.server import ServerThread

UPLOT = Path(__file__).resolve().parents[2] / "gateway/static/vendor/node_modules/uplot/dist/uPlot.iife.min.js"

pytestmark = pytest.mark.browser  # the driver fixture (tests/browser/conftest.py) skips without Chromium

PASSWORD = "mat-khau-can-bo-2026"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerThread]:
    data_dir = tmp_path_factory.mktemp("staff") / "var"
    app = create_app(Settings(rasa_url="http://127.0.0.1:9", data_dir=data_dir))
    store = app.state.staff
    store.create_user("bientap", PASSWORD, "editor")
    store.create_user("khoa", PASSWORD, "operator")
    records = Records(store.db, data_dir)
    for sender, question in [
        ("zalo:1", "Vay vốn ngân hàng làm OCOP được không?"),
        ("telegram:2", "vay von ngan hang lam ocop duoc khong"),
        ("zalo:3", "Giá vàng hôm nay bao nhiêu?"),
    ]:
        records.answer(sender, question, False, "", "", "", "nlu_fallback")
    records.answer("zalo:4", "Hồ sơ gồm gì?", True, "qa:ho-so", "Điều 7", "ho_so", "ask_dossier")
    records.feedback("zalo:4", "unhelpful", "Hồ sơ gồm gì?", "qa:ho-so", "Điều 7")
    records.selfassessment("zalo:4", "Bộ 4: Mật ong", 3, 70)
    with ServerThread(app) as running:
        yield running


def body(driver) -> str:
    return driver.execute_script("return document.body.innerText")


def fits_the_screen(driver) -> bool:
    return driver.execute_script("return window.innerWidth === 390 && document.documentElement.scrollWidth <= 391")


def log_in(driver, url: str, username: str, password: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{url}/staff/login")
    driver.find_element("name", "username").send_keys(username)
    driver.find_element("name", "password").send_keys(password)
    submit_and_wait(driver, driver.find_element("css selector", "#login-form button"))


def test_login_needs_the_forms_csrf_token(server, driver):
    driver.delete_all_cookies()
    driver.get(f"{server.url}/staff/login")
    assert driver.find_element("name", "csrf_token").get_attribute("value")
    assert fits_the_screen(driver)
    driver.execute_script("document.querySelector('[name=csrf_token]').value = 'forged'")
    driver.find_element("name", "username").send_keys("bientap")
    driver.find_element("name", "password").send_keys(PASSWORD)
    driver.find_element("css selector", "#login-form button").click()
    wait_for(driver, lambda d: "CSRF" in body(d), "a forged token was not refused")

    log_in(driver, server.url, "bientap", PASSWORD)
    wait_for(driver, lambda d: "Xin chào, bientap" in body(d), "the editor did not reach the home page")
    assert "Rà soát" in body(driver) and "Tài khoản" not in body(driver)


def test_repeated_failures_lock_the_account(server, driver):
    for _ in range(5):
        log_in(driver, server.url, "khoa", "sai-mat-khau")
    wait_for(driver, lambda d: "tạm khoá" in body(d), "no lock-out message after 5 failures")
    log_in(driver, server.url, "khoa", PASSWORD)
    wait_for(driver, lambda d: "tạm khoá" in body(d), "the right password got through a locked account")
    assert "Xin chào" not in body(driver)


def test_review_lists_grouped_and_exported_as_csv(server, driver):
    log_in(driver, server.url, "bientap", PASSWORD)
    wait_for(driver, lambda d: "Xin chào" in body(d), "login failed")
    driver.get(f"{server.url}/staff/review")
    refused = driver.find_element("id", "list-refused")
    assert "(3 câu, 2 nhóm)" in refused.text
    first = refused.find_element("css selector", ".group")
    assert first.get_attribute("data-count") == "2" and "Vay vốn ngân hàng" in first.text
    assert "Hồ sơ gồm gì?" in driver.find_element("id", "list-unhelpful").text
    assert fits_the_screen(driver)
    link = refused.find_element("css selector", "a.export").get_attribute("href")
    csv_text = driver.execute_async_script(
        "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done, e => done(String(e)))", link
    )
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("nhom,so_lan,cau_hoi_dai_dien") and lines[1].startswith("1,2,")


def test_dashboard_draws_charts_for_a_date_range(server, driver):
    if not UPLOT.is_file():
        pytest.fail("uPlot is not installed: run make install (scripts/setup_envs.sh runs npm install)")
    log_in(driver, server.url, "bientap", PASSWORD)
    wait_for(driver, lambda d: "Xin chào" in body(d), "login failed")
    driver.get(f"{server.url}/staff/dashboard")
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.range || ''"), "no figures drawn")
    for chart in ("chart-questions", "chart-handovers", "chart-feedback"):
        box = driver.find_element("id", chart)
        assert box.get_attribute("data-drawn") == "30"
        assert box.find_elements("css selector", "canvas"), f"{chart} has no canvas"
        assert 250 <= box.size["width"] <= 390
    assert driver.find_element("id", "kpi-questions").text == "4"
    assert driver.find_element("id", "kpi-refused").text == "75%"
    assert "Hồ sơ" in driver.find_element("id", "topics").text
    assert "Bộ 4: Mật ong" in driver.find_element("id", "selfassessment").text
    assert fits_the_screen(driver)

    today = datetime.datetime.now(VIETNAM).date()
    start = (today - datetime.timedelta(days=6)).isoformat()
    driver.execute_script(
        "const f = document.getElementById('range'); f.from.value = arguments[0]; f.to.value = arguments[1];"
        "f.requestSubmit();",
        start,
        today.isoformat(),
    )
    expected = f"{start}..{today.isoformat()}"
    wait_for(driver, lambda d: d.execute_script("return document.body.dataset.range") == expected, "range not applied")
    assert driver.find_element("id", "chart-questions").get_attribute("data-drawn") == "7"
    assert f"from={start}" in driver.current_url
