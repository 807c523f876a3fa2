"""Working-day arithmetic on the real 2025–2026 statutory schedules."""

import datetime as dt

import pytest

from yingshang.core.workcalendar import SHANGHAI, UnknownCalendarYear, WorkCalendar

CAL = WorkCalendar()


def at(y, m, d, hh=9, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 10, 1), False),  # 国庆
        (dt.date(2025, 10, 8), False),  # 国庆/中秋 8 days
        (dt.date(2025, 10, 9), True),
        (dt.date(2025, 9, 28), True),  # Sunday 调休 make-up workday
        (dt.date(2025, 10, 11), True),  # Saturday 调休 make-up workday
        (dt.date(2026, 2, 16), False),  # 春节 2026
        (dt.date(2025, 11, 29), False),  # ordinary Saturday
        (dt.date(2025, 12, 1), True),
    ],
)
def test_statutory_days(day, expected):
    assert CAL.is_workday(day) is expected


def test_add_working_days_skips_national_day():
    # Given Tuesday 30 Sep 2025, 1 working day later is Thursday 9 Oct (1–8 Oct off).
    assert CAL.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    # 9 Oct (Thu), 10 Oct (Fri), 11 Oct (Sat, make-up workday)
    assert CAL.add_working_days(dt.date(2025, 9, 30), 3) == dt.date(2025, 10, 11)


def test_working_days_between_counts_half_open_interval():
    assert CAL.working_days_between(dt.date(2025, 9, 29), dt.date(2025, 10, 13)) == 5
    assert CAL.working_days_between(dt.date(2025, 10, 13), dt.date(2025, 9, 29)) == -5


def test_add_working_hours_within_and_across_days():
    assert CAL.add_working_hours(at(2025, 12, 1, 9), 2) == at(2025, 12, 1, 11)
    assert CAL.add_working_hours(at(2025, 12, 1, 11), 2) == at(2025, 12, 1, 14)  # lunch 12–13 skipped
    assert CAL.add_working_hours(at(2025, 12, 5, 17), 2) == at(2025, 12, 8, 10)  # Fri → Mon
    assert CAL.add_working_hours(at(2025, 12, 6, 20), 1) == at(2025, 12, 8, 10)  # Sat night → Mon


def test_add_working_days_at_keeps_clock_time():
    assert CAL.add_working_days_at(at(2025, 12, 1, 10), 1) == at(2025, 12, 2, 10)
    assert CAL.add_working_days_at(at(2025, 9, 30, 10), 5) == at(2025, 10, 14, 10)
    assert CAL.add_working_days_at(at(2025, 12, 1, 10), 10) == at(2025, 12, 15, 10)


def test_working_seconds_between_is_inverse_of_add():
    start = at(2025, 9, 26, 15, 30)
    end = CAL.add_working_hours(start, 37.5)
    assert CAL.working_seconds_between(start, end) == 37.5 * 3600


def test_unknown_year_fails_loudly():
    with pytest.raises(UnknownCalendarYear) as exc:
        CAL.is_workday(dt.date(2031, 1, 2))
    assert "2031 年的法定节假日安排尚未录入" in str(exc.value)


def test_overrides_win_and_confirm_a_year():
    cal = WorkCalendar.build(
        overrides=[(dt.date(2031, 1, 1), False), (dt.date(2031, 1, 4), True)], confirmed_years=[2031]
    )
    assert cal.is_workday(dt.date(2031, 1, 1)) is False  # Wednesday holiday
    assert cal.is_workday(dt.date(2031, 1, 4)) is True  # Saturday make-up
    assert cal.is_workday(dt.date(2031, 1, 5)) is False  # ordinary Sunday
    assert cal.knows_year(2031) and not CAL.knows_year(2031)


def test_naive_datetime_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_hours(dt.datetime(2025, 12, 1, 9), 1)
