"""Waiting in browser tests: for a condition on the page, and for a form post to finish loading."""

from __future__ import annotations

import time

WAIT = 15.0


def wait_for(driver, condition, message: str, timeout: float = WAIT):
    """The first truthy ``condition(driver)`` within ``timeout`` seconds (an exception counts as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition(driver)
        except Exception:  # noqa: BLE001 (the element is not there yet, or the page is being replaced)
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{message} (page: {driver.find_element('tag name', 'body').text[:500]!r})")


def submit_and_wait(driver, button) -> None:
    """Click a form's submit ``button`` and wait until the answer page has replaced the form's page."""
    button.click()
    wait_for(driver, lambda d: _is_stale(button), "the form post did not load a new page")


def _is_stale(element) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    return False
