"""The self-assessment page `/tu-danh-gia` in headless Chromium: answer sheet 4, live total and stars, caps, plan,
answers kept across a reload, the print view, product search and a disqualifying condition.

Needs Debian's `chromium` and `chromium-driver`; skipped with a reason when they are absent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from gateway.app import create_app
from gateway.settings import Settings
from tests.browser.waits import wait_for
from tests.fakes.server import ServerThread
from tests.unit.selfassess.cases import HONEY_3_STARS, HONEY_CAPPED

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerThread]:
    data_dir = tmp_path_factory.mktemp("gateway") / "var"
    with ServerThread(create_app(Settings(rasa_url="http://127.0.0.1:9", data_dir=data_dir))) as running:
        yield running


def text(driver, element_id: str) -> str:
    """An element's text read in one step (the result is redrawn after every answer, so no stale references)."""
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]); return e ? e.textContent : ''", element_id
    )


def open_sheet(driver, url: str, criteria: int) -> None:
    driver.get(url)
    wait_for(
        driver,
        lambda d: len(d.find_elements("css selector", "fieldset.criterion")) == criteria,
        f"the sheet's {criteria} criteria were not drawn",
    )


def choose(driver, answers: dict[str, str]) -> None:
    """Tap each option like a user: scroll it to the middle of the screen (clear of the score bar), click its label."""
    for cid, oid in answers.items():
        radio = driver.find_element("css selector", f'input[name="c-{cid}"][value="{oid}"]')
        if radio.is_selected():
            continue
        label = radio.find_element("xpath", "./ancestor::label[1]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
        label.click()
        assert radio.is_selected()


def wait_total(driver, total: int) -> None:
    wait_for(
        driver,
        lambda d: text(d, "bar-total") == f"Tổng: {total}/100",
        f"the live total did not become {total} (shows {text(driver, 'bar-total')!r})",
    )


def test_full_self_assessment_of_sheet_4(server, driver):
    open_sheet(driver, f"{server.url}/tu-danh-gia?bo=4", 32)
    driver.execute_script("localStorage.clear()")
    open_sheet(driver, f"{server.url}/tu-danh-gia?bo=4", 32)
    assert driver.find_element("id", "sheet-select").get_attribute("value") == "mat_ong_nong_san_khac"
    assert "Bộ 4: Mật ong" in text(driver, "sheet-title")
    marks = [e.text for e in driver.find_elements("css selector", "#crit-c2_2 .star-mark")]
    assert marks == ["★3 tối thiểu"]
    assert "Hội đồng đánh giá, phân hạng" in text(driver, "council-note")
    # the decision in force comes from the API (knowledge_base.legal), not from the page
    from knowledge_base import legal

    assert legal.current_decision().number in text(driver, "subtitle")
    assert legal.current_decision().number in text(driver, "council-note")

    # a few answers: the total moves with every choice, the result is a range
    choose(driver, {"c1_1": "o3"})
    wait_total(driver, 3)
    choose(driver, {"c4_1": "o3"})
    wait_total(driver, 6)
    assert "Đã trả lời 2/32" in text(driver, "bar-star")
    wait_for(driver, lambda d: "Hạng có khả năng nhất:" in text(d, "likely-line"), "no most likely star")
    assert text(driver, "recognition-note") == ""  # 6 of 8 points so far: likely above 2 stars

    # the whole hand-computed case: 56 points, 3 stars
    choose(driver, HONEY_3_STARS)
    wait_total(driver, 56)
    wait_for(driver, lambda d: "Kết quả dự kiến: 3 sao" in text(d, "star-result"), "no 3-star result")
    assert "A 23/40 · B 14/25 · C 19/35" in text(driver, "bar-parts")
    assert driver.find_element("css selector", '.part-points[data-part="A"]').text == "23"
    assert driver.find_element("css selector", '.crit-points[data-criterion="c6_4"]').text == "3"

    # raised to 70 points: the 4-star band, capped at 3 stars by five unmet ★4 marks, with a plan
    choose(driver, HONEY_CAPPED)
    wait_total(driver, 70)
    wait_for(driver, lambda d: len(d.find_elements("css selector", "#caps li")) == 5, "the five caps are not listed")
    assert "Kết quả dự kiến: 3 sao" in text(driver, "star-result")
    assert "Theo tổng điểm: 4 sao" in text(driver, "result-body")
    caps = text(driver, "caps")
    assert "tiêu chí 2.1" in caps and "chưa đạt yêu cầu tối thiểu cho 4 sao" in caps
    steps = driver.find_elements("css selector", "#plan-list > li")
    assert 3 <= len(steps) <= 5 and "đạt 4 sao" in steps[-1].text

    # the answers survive a reload
    open_sheet(driver, f"{server.url}/tu-danh-gia?bo=4", 32)
    wait_total(driver, 70)
    assert driver.find_element("css selector", 'input[name="c-c1_2"][value="o3"]').is_selected()

    # the print view holds the result and is the only thing printed
    driver.execute_script("window.print = () => { window.__printed = true; };")
    button = driver.find_element("id", "print")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    assert driver.execute_script("return window.__printed === true")
    printed = driver.execute_script("return document.getElementById('print-result').textContent")
    today = datetime.date.today()
    for expected in (
        "KẾT QUẢ TỰ ĐÁNH GIÁ SẢN PHẨM OCOP",
        "Bộ sản phẩm số 4",
        "Tổng điểm: 70/100",
        "Phần A: 27/40",
        "Hạng sao dự kiến: 3 sao",
        "Lý do hạng sao bị giới hạn",
        "Nên cải thiện trước",
        "Phụ lục II, QĐ 26/2026/QĐ-TTg",
        "Hội đồng đánh giá",
        f"{today.day:02d}/{today.month:02d}/{today.year}",
        "Được cấp giấy chứng nhận chất lượng theo tiêu chuẩn quốc tế",
    ):
        assert expected in printed, expected
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert driver.find_element("id", "print-result").is_displayed()
        assert not driver.find_element("id", "parts").is_displayed()
        assert not driver.find_element("id", "scorebar").is_displayed()
        assert "Tổng điểm: 70/100" in driver.find_element("id", "print-result").text
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    # a disqualifying condition: no star at all
    box = driver.find_element("css selector", 'input[name="condition"][value="gia_mao_ho_so"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    wait_for(driver, lambda d: "bị loại" in text(d, "star-result"), "the disqualified result is not shown")
    assert "Giả mạo hồ sơ" in text(driver, "caps")
    box.click()
    wait_for(driver, lambda d: "Kết quả dự kiến: 3 sao" in text(d, "star-result"), "unticking did not restore")


def test_search_picks_a_product_set(server, driver):
    open_sheet(driver, f"{server.url}/tu-danh-gia?bo=4", 32)
    search = driver.find_element("id", "search")
    driver.execute_script("window.scrollTo(0, 0)")
    search.send_keys("nuoc mam")
    wait_for(driver, lambda d: d.find_elements("css selector", "#matches button[data-sheet]"), "no search result")
    first = driver.find_element("css selector", "#matches button[data-sheet]")
    assert first.text.startswith("Bộ 9:")
    first.click()
    wait_for(driver, lambda d: "Bộ 9:" in text(d, "sheet-title"), "sheet 9 did not open")
    assert "bo=9" in driver.current_url
    assert driver.find_element("id", "sheet-select").get_attribute("value") == "tuong_nuoc_mam_gia_vi_long"
