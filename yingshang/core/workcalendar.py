"""Working-day calendar (工作日历): statutory holidays and 调休 make-up days, working-hour arithmetic.

Pure module: no ORM, no clock. The statutory schedule comes from `chinese_calendar`; an override table
(entered by administrators for years the library does not know yet) wins over it. A year that is neither
known to the library nor confirmed by an administrator raises `UnknownCalendarYear` — a deadline computed
on a guessed calendar would be wrong without anyone noticing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Office hours of a working day; a "working day" of SLA time is the sum of these periods.
DEFAULT_WORK_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(9, 0), dt.time(12, 0)),
    (dt.time(13, 0), dt.time(18, 0)),
)


class UnknownCalendarYear(LookupError):
    """The holiday schedule of a year is not known: an administrator must enter it."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"{year} 年的法定节假日安排尚未录入，请管理员在“工作日历调整”中录入后再计算期限。")


@cache
def library_years() -> frozenset[int]:
    """Years whose statutory schedule the installed chinese_calendar knows."""
    years = {day.year for day in chinese_calendar.constants.holidays}
    return frozenset(range(min(years), max(years) + 1))


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days, and the office hours inside them."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    confirmed_years: frozenset[int] = frozenset()
    work_periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_WORK_PERIODS
    tz: dt.tzinfo = SHANGHAI

    @classmethod
    def build(cls, overrides: Iterable[tuple[dt.date, bool]] = (), confirmed_years: Iterable[int] = ()) -> WorkCalendar:
        return cls(overrides=dict(overrides), confirmed_years=frozenset(confirmed_years))

    # -- days ---------------------------------------------------------------------------------------
    def knows_year(self, year: int) -> bool:
        return year in library_years() or year in self.confirmed_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in library_years():
            return bool(chinese_calendar.is_workday(day))
        if day.year in self.confirmed_years:
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The date `days` working days after `day` (`day` itself not counted)."""
        if days < 0:
            raise ValueError("days must be non-negative")
        for _ in range(days):
            day = self.next_workday(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval [start, end); negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            count += self.is_workday(day)
            day += dt.timedelta(days=1)
        return count

    # -- hours --------------------------------------------------------------------------------------
    @property
    def seconds_per_day(self) -> int:
        return sum(_seconds(b) - _seconds(a) for a, b in self.work_periods)

    def _periods_on(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        if not self.is_workday(day):
            return []
        return [
            (dt.datetime.combine(day, a, self.tz), dt.datetime.combine(day, b, self.tz)) for a, b in self.work_periods
        ]

    def add_working_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment when `seconds` of office time have passed since `start` (aware datetimes)."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if seconds < 0:
            raise ValueError("seconds must be non-negative")
        moment = start.astimezone(self.tz)
        remaining = float(seconds)
        day = moment.date()
        # 1. Walk office periods from `start`, consuming remaining time; skip whole working days quickly.
        while True:
            for begin, end in self._periods_on(day):
                if end <= moment:
                    continue
                begin = max(begin, moment)
                available = (end - begin).total_seconds()
                if remaining <= available:
                    if remaining == 0:
                        return begin
                    return begin + dt.timedelta(seconds=remaining)
                remaining -= available
            day += dt.timedelta(days=1)
            moment = dt.datetime.combine(day, dt.time(0), self.tz)
            # 2. Whole days: jump while a full working day still fits.
            while remaining > self.seconds_per_day and self.is_workday(day):
                remaining -= self.seconds_per_day
                day = day + dt.timedelta(days=1)
                moment = dt.datetime.combine(day, dt.time(0), self.tz)

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        return self.add_working_seconds(start, hours * 3600)

    def add_working_days_at(self, start: dt.datetime, days: float) -> dt.datetime:
        """Deadline `days` working days after `start`, measured in office time (1 day = one office day)."""
        return self.add_working_seconds(start, days * self.seconds_per_day)

    def working_seconds_between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office time between two moments; negative when `end` is before `start`."""
        if end < start:
            return -self.working_seconds_between(end, start)
        start, end = start.astimezone(self.tz), end.astimezone(self.tz)
        total, day = 0.0, start.date()
        while day <= end.date():
            for begin, finish in self._periods_on(day):
                overlap = (min(finish, end) - max(begin, start)).total_seconds()
                if overlap > 0:
                    total += overlap
            day += dt.timedelta(days=1)
        return total


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second
