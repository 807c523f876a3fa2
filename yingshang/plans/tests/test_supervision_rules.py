"""Supervision rules (督查督办规则): expected progress, status and lights on the working-day calendar, roll-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yingshang.core.workcalendar import WorkCalendar
from yingshang.plans.supervision import (
    expected_progress,
    months_between,
    reminder_date,
    report_due_date,
    rollup,
    task_state,
)

CALENDAR = WorkCalendar.build()
D = dt.date
YEAR_START, YEAR_END = D(2025, 1, 1), D(2025, 12, 31)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 1, 1), "0"),
        (D(2025, 1, 2), "0.0"),  # 1 Jan is a holiday: no working day elapsed yet
        (D(2025, 7, 1), "48.4"),  # 120 of 248 working days
        (D(2025, 12, 31), "99.6"),
        (D(2026, 1, 1), "100"),
    ],
)
def test_expected_progress_counts_working_days(today, expected):
    assert expected_progress(start=YEAR_START, deadline=YEAR_END, today=today, calendar=CALENDAR) == Decimal(
        expected
    )


@pytest.mark.parametrize(
    ("progress", "today", "closed", "reported", "status", "light"),
    [
        ("0", D(2025, 1, 20), False, False, "not_started", "green"),
        ("0", D(2025, 3, 3), False, False, "lagging", "yellow"),  # expected 15.2 > 0 + 10
        ("10", D(2025, 3, 3), False, True, "in_progress", "green"),  # within the 10-point tolerance
        ("50", D(2025, 7, 1), False, True, "in_progress", "green"),
        ("30", D(2025, 7, 1), False, True, "lagging", "yellow"),
        ("95", D(2025, 12, 22), False, True, "in_progress", "yellow"),  # due within 10 working days
        ("100", D(2025, 7, 1), False, True, "done", "green"),
        ("60", D(2025, 7, 1), True, True, "done", "green"),  # closed by the office
        ("99", D(2026, 1, 5), False, True, "overdue", "red"),
    ],
)
def test_task_state_table(progress, today, closed, reported, status, light):
    state = task_state(
        progress=Decimal(progress),
        start=YEAR_START,
        deadline=YEAR_END,
        today=today,
        calendar=CALENDAR,
        closed=closed,
        reported=reported,
    )
    assert (state.status, state.light) == (status, light)


def test_tolerance_and_warning_window_are_configurable():
    state = task_state(
        progress=Decimal(40),
        start=YEAR_START,
        deadline=YEAR_END,
        today=D(2025, 7, 1),
        calendar=CALENDAR,
        tolerance=Decimal(5),
    )
    assert (state.status, state.light, state.expected) == ("lagging", "yellow", Decimal("48.4"))
    state = task_state(
        progress=Decimal(90),
        start=YEAR_START,
        deadline=YEAR_END,
        today=D(2025, 11, 3),
        calendar=CALENDAR,
        warning_days=60,
    )
    assert (state.status, state.light) == ("in_progress", "yellow")


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], "0"),
        ([("50", "1"), ("100", "1")], "75.0"),
        ([("50", "3"), ("100", "1")], "62.5"),
        ([("20", "2"), ("80", "0")], "20.0"),  # a zero weight is left out
        ([("33.33", "1"), ("33.33", "1"), ("33.34", "1")], "33.3"),
    ],
)
def test_rollup_is_a_normalised_weighted_mean(items, expected):
    assert rollup((Decimal(p), Decimal(w)) for p, w in items) == Decimal(expected)


@pytest.mark.parametrize(
    ("period", "due", "reminder"),
    [
        (D(2025, 3, 1), D(2025, 3, 25), D(2025, 3, 20)),
        (D(2025, 5, 1), D(2025, 5, 26), D(2025, 5, 21)),  # 25 May is a Sunday
        (D(2025, 10, 1), D(2025, 10, 27), D(2025, 10, 22)),  # 25 Oct is a Saturday
        (D(2025, 1, 1), D(2025, 1, 26), D(2025, 1, 22)),  # 26 Jan 2025 is a 补班 Sunday
    ],
)
def test_monthly_report_due_dates_and_reminders(period, due, reminder):
    assert report_due_date(period, CALENDAR) == due
    assert reminder_date(due, CALENDAR) == reminder


def test_months_between_spans_whole_months():
    assert months_between(D(2025, 11, 15), D(2026, 1, 2)) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 1, 1), D(2026, 1, 1)),
        (D(2025, 3, 3), D(2025, 3, 3)),
        (D(2025, 9, 28), D(2025, 10, 12)),
        (D(2025, 12, 20), D(2026, 2, 1)),
        (D(2025, 7, 1), D(2025, 1, 1)),
    ],
)
def test_cached_calendar_counts_like_the_core_calendar(start, end):
    from yingshang.plans.supervision import CachedCalendar

    assert CachedCalendar(CALENDAR).working_days_between(start, end) == CALENDAR.working_days_between(
        start, end
    )
