"""Hotline details: honest defaults (no invented numbers), environment overrides."""

import re

from knowledge_base.hotline import hotline, hotline_message


def test_default_points_to_commune_and_province_without_numbers(monkeypatch):
    for key in ("NAME", "PHONE", "EMAIL", "HOURS"):
        monkeypatch.delenv(f"OCOP_HOTLINE_{key}", raising=False)
    message = hotline_message()
    assert "UBND cấp xã" in message and "cấp tỉnh" in message
    assert not re.search(r"\d{3}", message)
    assert hotline().phone == ""


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("OCOP_HOTLINE_NAME", "Văn phòng OCOP tỉnh")
    monkeypatch.setenv("OCOP_HOTLINE_PHONE", "0200 000 000")
    monkeypatch.setenv("OCOP_HOTLINE_EMAIL", "ocop@example.org")
    monkeypatch.setenv("OCOP_HOTLINE_HOURS", "7h30–17h")
    assert hotline_message() == (
        "Anh/chị vui lòng liên hệ Văn phòng OCOP tỉnh (điện thoại 0200 000 000, "
        "email ocop@example.org). Thời gian làm việc: 7h30–17h."
    )
