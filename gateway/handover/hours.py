"""Office hours of the hotline staff: whether they are in now, when they are next, and office time elapsed.

`OCOP_HANDOVER_HOURS=07:30-17:00`, `OCOP_HANDOVER_DAYS=1-5` (ISO weekdays, 1 = Monday; lists such as
`1-5,7` work) and `OCOP_HANDOVER_TIMEZONE=Asia/Ho_Chi_Minh` describe one window per working day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_HOURS = re.compile(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*")
_DAYS = re.compile(r"\s*[1-7](\s*-\s*[1-7])?\s*")
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


class HoursError(ValueError):
    """An office-hours setting that cannot be read."""


@dataclass(frozen=True)
class OfficeHours:
    opens: time
    closes: time
    days: frozenset[int]  # ISO weekdays
    zone: ZoneInfo

    @classmethod
    def parse(cls, hours: str, days: str, timezone: str) -> OfficeHours:
        match = _HOURS.fullmatch(hours)
        if not match:
            raise HoursError(f"OCOP_HANDOVER_HOURS must look like 07:30-17:00, got {hours!r}")
        opens, closes = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
        if closes <= opens:
            raise HoursError("OCOP_HANDOVER_HOURS must close after it opens")
        weekdays: set[int] = set()
        for part in days.split(","):
            if not _DAYS.fullmatch(part):
                raise HoursError(f"OCOP_HANDOVER_DAYS must list ISO weekdays such as 1-5, got {days!r}")
            first, _, last = part.strip().partition("-")
            weekdays.update(range(int(first), int(last or first) + 1))
        if not weekdays:
            raise HoursError("OCOP_HANDOVER_DAYS lists no day")
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise HoursError(f"OCOP_HANDOVER_TIMEZONE is not a time zone: {timezone!r}") from None
        return cls(opens, closes, frozenset(weekdays), zone)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.isoweekday() not in self.days:
            return None
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone),
            datetime.combine(day, self.closes, tzinfo=self.zone),
        )

    def local(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.zone)

    def is_open(self, ts: float) -> bool:
        now = self.local(ts)
        window = self._window(now.date())
        return window is not None and window[0] <= now < window[1]

    def next_opening(self, ts: float) -> datetime:
        """The next moment staff come in (after `ts`, which is outside the hours)."""
        now = self.local(ts)
        for offset in range(8):
            window = self._window(now.date() + timedelta(days=offset))
            if window and window[0] > now:
                return window[0]
        raise AssertionError("a weekday always comes within 8 days")

    def office_seconds(self, start: float, end: float) -> float:
        """Seconds of office hours between `start` and `end`."""
        if end <= start:
            return 0.0
        first, last = self.local(start), self.local(end)
        total = 0.0
        day = first.date()
        while day <= last.date():
            window = self._window(day)
            if window:
                overlap = (min(window[1], last) - max(window[0], first)).total_seconds()
                total += max(overlap, 0.0)
            day += timedelta(days=1)
        return total

    def describe(self, moment: datetime, ts: float) -> str:
        """`moment` in Vietnamese, relative to `ts`: "07:30 sáng mai", "07:30 thứ Hai (07/12)"."""
        today = self.local(ts).date()
        clock = moment.strftime("%H:%M")
        if moment.date() == today:
            return f"{clock} hôm nay"
        if moment.date() == today + timedelta(days=1):
            return f"{clock} sáng mai" if moment.hour < 12 else f"{clock} ngày mai"
        return f"{clock} {WEEKDAYS[moment.weekday()]} ({moment:%d/%m})"

    def summary(self) -> str:
        """The hours in Vietnamese: "07:30–17:00, thứ Hai đến thứ Sáu"."""
        days = sorted(self.days)
        if days == list(range(days[0], days[-1] + 1)) and len(days) > 1:
            span = f"{WEEKDAYS[days[0] - 1]} đến {WEEKDAYS[days[-1] - 1]}"
        else:
            span = ", ".join(WEEKDAYS[d - 1] for d in days)
        return f"{self.opens:%H:%M}–{self.closes:%H:%M}, {span}"
