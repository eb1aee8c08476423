"""Office hours: open or not, the next opening, office time elapsed, and what the producer is told."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gateway.handover.hours import HoursError, OfficeHours
from gateway.settings import Settings, SettingsError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS = OfficeHours.parse("07:30-17:00", "1-5", "Asia/Ho_Chi_Minh")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=VN).timestamp()


def test_open_on_a_working_day_within_the_hours_only():
    assert HOURS.is_open(at("2026-12-02 07:30"))  # a Wednesday
    assert not HOURS.is_open(at("2026-12-02 07:29"))
    assert not HOURS.is_open(at("2026-12-02 17:00"))
    assert not HOURS.is_open(at("2026-12-05 10:00"))  # a Saturday


def test_next_opening_and_how_it_is_said():
    evening = at("2026-12-02 19:00")
    assert HOURS.next_opening(evening) == datetime(2026, 12, 3, 7, 30, tzinfo=VN)
    assert HOURS.describe(HOURS.next_opening(evening), evening) == "07:30 sáng mai"
    early = at("2026-12-03 06:00")
    assert HOURS.describe(HOURS.next_opening(early), early) == "07:30 hôm nay"
    friday_night = at("2026-12-04 18:00")
    assert HOURS.describe(HOURS.next_opening(friday_night), friday_night) == "07:30 thứ Hai (07/12)"
    assert HOURS.summary() == "07:30–17:00, thứ Hai đến thứ Sáu"


def test_office_time_counts_only_the_hours():
    assert HOURS.office_seconds(at("2026-12-02 16:30"), at("2026-12-03 08:00")) == 60 * 60
    assert HOURS.office_seconds(at("2026-12-04 16:00"), at("2026-12-07 07:30")) == 60 * 60  # over a weekend
    assert HOURS.office_seconds(at("2026-12-05 09:00"), at("2026-12-06 12:00")) == 0


@pytest.mark.parametrize(
    "hours,days,zone",
    [
        ("7h30-17h", "1-5", "Asia/Ho_Chi_Minh"),
        ("17:00-07:30", "1-5", "Asia/Ho_Chi_Minh"),
        ("07:30-17:00", "0-8", "Asia/Ho_Chi_Minh"),
        ("07:30-17:00", "1-5", "Asia/Hanoi_Saigon"),
    ],
)
def test_unreadable_settings_stop_the_start_naming_the_variable(hours, days, zone):
    with pytest.raises(HoursError, match="OCOP_HANDOVER_"):
        OfficeHours.parse(hours, days, zone)
    with pytest.raises(SettingsError, match="OCOP_HANDOVER_"):
        Settings(handover_hours=hours, handover_days=days, handover_timezone=zone)


def test_day_lists_and_ranges():
    hours = OfficeHours.parse("08:00-11:30", "1-5,7", "Asia/Ho_Chi_Minh")
    assert hours.days == {1, 2, 3, 4, 5, 7}
    assert hours.is_open(at("2026-12-06 09:00"))  # a Sunday
