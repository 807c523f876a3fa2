"""Task supervision rules (督查督办): derived status, red/yellow/green lights, roll-up, report schedule.

Pure module: no ORM, no clock. `today` and the working-day `calendar` (core.workcalendar.WorkCalendar) are
passed in. Progress is a percentage 0–100.

- Expected progress is linear in working days: the share of working days of [start, deadline] elapsed.
- A task is 滞后 (lagging) when its progress is more than `tolerance` points below the expected progress,
  逾期 (overdue) when its deadline has passed unfinished, 已完成 at 100% or when closed, 未启动 when nothing
  was reported yet, else 推进中.
- A milestone (节点) is missed when its due date has passed on the working-day calendar (a due date on a
  holiday or weekend moves to the next working day) without its completion being reported; a missed
  milestone makes an unfinished task 滞后 whatever its percentage, with the milestone named as the reason.
- Lights: red = overdue; yellow = lagging, or due within `warning_days` working days and unfinished;
  green otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yingshang.core.workcalendar import UnknownCalendarYear

HUNDRED = Decimal(100)
DEFAULT_TOLERANCE = Decimal(10)  # δ, percentage points
DEFAULT_WARNING_DAYS = 10  # N, working days
REPORT_DAY = 25  # monthly reports are due on the 25th (next working day if it is not one)
REMINDER_WORKING_DAYS = 3


@dataclass(frozen=True)
class TaskState:
    status: str  # TaskStatus value
    light: str  # Light value
    expected: Decimal
    reason: str = ""  # why the task is 滞后 / 逾期, in Chinese


def milestone_due(due: dt.date, calendar) -> dt.date:
    """The working day a milestone is really due: its date, or the next working day if that is a day off."""
    return due if calendar.is_workday(due) else calendar.next_workday(due)


def missed_milestones(milestones, *, today: dt.date, calendar) -> list[tuple[str, dt.date]]:
    """(title, due date) of the milestones, given as (title, due date, done on or None), missed on `today`."""
    return [
        (title, due)
        for title, due, done_on in milestones
        if done_on is None and today > milestone_due(due, calendar)
    ]


def quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def expected_progress(*, start: dt.date, deadline: dt.date, today: dt.date, calendar) -> Decimal:
    """Linear expected progress on working days: 0 before start, 100 from the deadline on."""
    if today <= start:
        return Decimal(0)
    if today > deadline:
        return HUNDRED
    total = calendar.working_days_between(start, deadline + dt.timedelta(days=1))
    if total <= 0:
        return HUNDRED
    elapsed = calendar.working_days_between(start, today)
    return quantize(HUNDRED * elapsed / total)


def task_state(
    *,
    progress: Decimal,
    start: dt.date,
    deadline: dt.date,
    today: dt.date,
    calendar,
    closed: bool = False,
    reported: bool = True,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    warning_days: int = DEFAULT_WARNING_DAYS,
    missed: list[tuple[str, dt.date]] = (),
) -> TaskState:
    """Status (未启动/推进中/已完成/滞后/逾期) and light of one task on `today`; `missed` milestones make it 滞后."""
    expected = expected_progress(start=start, deadline=deadline, today=today, calendar=calendar)
    if closed or progress >= HUNDRED:
        return TaskState("done", "green", expected)
    if today > deadline:
        return TaskState("overdue", "red", expected, f"已超过完成时限 {deadline:%Y-%m-%d}，进度 {progress}%")
    if missed:
        names = "、".join(f"“{title}”（{due:%m月%d日}）" for title, due in missed)
        return TaskState("lagging", "yellow", expected, f"节点{names}已到期未完成")
    lagging = progress < expected - tolerance
    if lagging:
        return TaskState("lagging", "yellow", expected, f"实际进度 {progress}% 低于应完成 {expected}%")
    due_soon = calendar.working_days_between(today, deadline) < warning_days
    status = "in_progress" if reported or progress > 0 else "not_started"
    return TaskState(status, "yellow" if due_soon else "green", expected)


def rollup(items: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Weighted mean of (progress, weight) pairs with normalised weights; 0 when there is no weight."""
    pairs = [(Decimal(progress), Decimal(weight)) for progress, weight in items if Decimal(weight) > 0]
    total = sum((weight for _, weight in pairs), Decimal(0))
    if total == 0:
        return Decimal(0)
    return quantize(sum((progress * weight for progress, weight in pairs), Decimal(0)) / total)


def report_due_date(period: dt.date, calendar) -> dt.date:
    """When the monthly report for `period` (a month) is due: the 25th, or the next working day."""
    due = period.replace(day=REPORT_DAY)
    return due if calendar.is_workday(due) else calendar.next_workday(due)


def working_days_before(day: dt.date, days: int, calendar) -> dt.date:
    """The date `days` working days before `day`."""
    remaining = days
    while remaining > 0:
        day -= dt.timedelta(days=1)
        if calendar.is_workday(day):
            remaining -= 1
    return day


def reminder_date(due: dt.date, calendar, days: int = REMINDER_WORKING_DAYS) -> dt.date:
    """When to remind a department of a due date: `days` working days before it."""
    return working_days_before(due, days, calendar)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months from `start`'s month to `end`'s month, inclusive."""
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


_prefix_sums: dict[int, tuple[object, dict[int, tuple[list[int], bool]]]] = {}


def _shared_years(calendar) -> dict[int, tuple[list[int], bool]]:
    """Per-year prefix sums (and whether the year is estimated) of one calendar object, shared by every
    CachedCalendar over it: the core calendar is one object per process while its tables stand
    (`core.selectors.load_work_calendar`), so a ledger page no longer recounts a year's days on every request."""
    entry = _prefix_sums.get(id(calendar))
    if entry is None or entry[0] is not calendar:
        _prefix_sums.clear()  # one calendar at a time: a new object means the old one was replaced
        entry = _prefix_sums[id(calendar)] = (calendar, {})
    return entry[1]


class CachedCalendar:
    """A working-day calendar that answers `working_days_between` from per-year prefix sums.

    The core calendar checks day by day (about 0.1 s for a year); the ledger asks twice per task, so each
    year's days are checked once here and every later count is a subtraction.

    A year whose holiday schedule nobody has entered yet (the core calendar raises `UnknownCalendarYear`) is
    counted Monday to Friday, apart from any day an administrator has already entered, and named in
    `estimated_years`: a supervision ledger's expected progress and 即将到期 light may rest on an estimate (the page
    says so), whereas the ledger failing for every task that runs into next year helps nobody. Legal deadlines
    (诉求 time limits) use the core calendar, which still refuses to guess.
    """

    def __init__(self, calendar) -> None:
        self.calendar = calendar
        self._years = _shared_years(calendar)
        self.estimated_years: set[int] = set()  # the estimated years this instance was asked about

    def __getattr__(self, name):
        return getattr(self.calendar, name)

    def _year(self, year: int) -> list[int]:
        known = self._years.get(year)
        if known is None:
            day, counts, estimated = dt.date(year, 1, 1), [0], False
            while day.year == year:
                try:
                    workday = bool(self.calendar.is_workday(day))
                except UnknownCalendarYear:
                    workday, estimated = day.weekday() < 5, True
                counts.append(counts[-1] + workday)
                day += dt.timedelta(days=1)
            known = self._years[year] = (counts, estimated)
        if known[1]:
            self.estimated_years.add(year)
        return known[0]

    def is_workday(self, day: dt.date) -> bool:
        counts = self._year(day.year)
        index = day.timetuple().tm_yday
        return counts[index] > counts[index - 1]

    def next_workday(self, day: dt.date) -> dt.date:
        day += dt.timedelta(days=1)
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def _before(self, day: dt.date, base_year: int) -> int:
        """Working days from 1 January of `base_year` up to (not including) `day`."""
        total = sum(self._year(year)[-1] for year in range(base_year, day.year))
        return total + self._year(day.year)[day.timetuple().tm_yday - 1]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        return self._before(end, start.year) - self._before(start, start.year)
