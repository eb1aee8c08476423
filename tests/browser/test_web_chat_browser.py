"""The web chat in headless Chromium (selenium), against the gateway and a fake Rasa on loopback.

Needs Debian's `chromium` and `chromium-driver`; skipped with the install command when they are absent.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE
from tests.fakes.fake_rasa import CITATION
from tests.fakes.fixtures import run_gateway

pytestmark = pytest.mark.browser


@pytest.fixture
def gateway(gateway_settings):
    with run_gateway(gateway_settings) as server:
        yield server


def bubbles(driver, kind: str) -> list[str]:
    """Texts of the user's or the bot's bubbles, read in one script call (the log is re-rendered often)."""
    script = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)"
    return driver.execute_script(script, f"#log .msg.{kind}")


def wait_until(driver, condition, timeout: float = 10.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))


def ask(driver, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.ID, "message")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def test_question_button_escaping_and_history_across_reload(driver, gateway, fake_rasa):
    from selenium.webdriver.common.by import By

    driver.get(f"{gateway.url}/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    wait_until(driver, lambda d: any(t.startswith("Xin chào!") for t in bubbles(d, "bot")))
    assert bubbles(driver, "user") == [], "the greeting is asked for without a user bubble"

    # A button press sends its payload and shows its title.
    star_button = "//div[@class='buttons']/button[.='Hạng sao OCOP']"
    button = wait_until(driver, lambda d: d.find_element(By.XPATH, star_button))
    button.click()
    wait_until(driver, lambda d: any("/ask_star_levels" in t for t in bubbles(d, "bot")))
    assert bubbles(driver, "user") == ["Hạng sao OCOP"]
    sender = fake_rasa.requests[0]["sender"]
    assert fake_rasa.messages_from(sender) == ["/greet", "/ask_star_levels"]

    # A typed question: the typing indicator shows while Rasa thinks, then the cited answer.
    fake_rasa.delay = 0.8
    ask(driver, "Hồ sơ đăng ký OCOP gồm những gì?")
    wait_until(driver, lambda d: d.find_element(By.ID, "typing").is_displayed(), timeout=3)
    wait_until(driver, lambda d: "Hồ sơ đăng ký OCOP gồm những gì?" in bubbles(d, "bot")[-1])
    assert bubbles(driver, "bot")[-1].endswith(CITATION)
    assert not driver.find_element(By.ID, "typing").is_displayed()
    fake_rasa.delay = 0.0

    # User text is shown as text, never parsed as HTML.
    attack = "<img src=x onerror=\"document.title='pwned'\"><b>đậm</b>"
    ask(driver, attack)
    wait_until(driver, lambda d: len(bubbles(d, "bot")) >= 4)
    assert bubbles(driver, "user")[-1] == attack
    assert driver.find_elements(By.CSS_SELECTOR, "#log img, #log b") == []
    assert driver.title != "pwned"

    # Usable on a phone: nothing wider than the screen.
    assert driver.execute_script("return window.innerWidth") == PHONE[0]
    assert driver.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]

    # A reload keeps the conversation and the sender id.
    before_user, before_bot = bubbles(driver, "user"), bubbles(driver, "bot")
    driver.refresh()
    wait_until(driver, lambda d: len(bubbles(d, "bot")) == len(before_bot))
    assert bubbles(driver, "user") == before_user and bubbles(driver, "bot") == before_bot
    ask(driver, "còn câu hỏi nữa")
    wait_until(driver, lambda d: len(bubbles(d, "bot")) == len(before_bot) + 1)
    assert {r["sender"] for r in fake_rasa.requests} == {sender}


def test_rasa_down_shows_the_apology_with_the_hotline(driver, gateway, fake_rasa):
    fake_rasa.mode = "down"
    driver.get(f"{gateway.url}/chat")
    wait_until(driver, lambda d: any("gián đoạn" in t and "liên hệ" in t for t in bubbles(d, "bot")))
