"""Reads of shared data: the working-day calendar with its overrides, unread notifications."""

from __future__ import annotations

import datetime as dt

from yingshang.core.models import CalendarYear, HolidayOverride
from yingshang.core.workcalendar import WorkCalendar, library_years


def load_work_calendar() -> WorkCalendar:
    """The statutory calendar plus the administrators' override table."""
    return WorkCalendar.build(
        overrides=HolidayOverride.objects.values_list("date", "is_workday"),
        confirmed_years=CalendarYear.objects.values_list("year", flat=True),
    )


def calendar_warning(today: dt.date) -> str:
    """A warning for administrators when next year's holiday schedule is not yet known (shown from 1 Oct)."""
    calendar = load_work_calendar()
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    missing = [y for y in years if not calendar.knows_year(y)]
    if not missing:
        return ""
    return (f"{'、'.join(map(str, missing))} 年的法定节假日安排尚未录入（当前日历库支持到 {max(library_years())} 年）。"
            "请在“工作日历调整”中录入节假日与调休上班日并确认该年度，否则期限计算将失败。")
