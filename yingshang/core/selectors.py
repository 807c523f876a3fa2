"""Reads of shared data: the working-day calendar with its overrides, unread notifications."""

from __future__ import annotations

import datetime as dt

from yingshang.core.models import CalendarYear, HolidayOverride
from yingshang.core.workcalendar import WorkCalendar, library_years


def load_work_calendar() -> WorkCalendar:
    """The statutory calendar plus the administrators' override table (kept in the process until either table is
    written: appeal pages, filing and the dashboards ask for it on every request)."""
    from yingshang.core import dataversions

    return dataversions.kept_in_process(
        "work_calendar",
        dataversions.model_tables(HolidayOverride, CalendarYear),
        lambda: WorkCalendar.build(
            overrides=HolidayOverride.objects.values_list("date", "is_workday"),
            confirmed_years=CalendarYear.objects.values_list("year", flat=True),
        ),
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


def service_area_names() -> list[str]:
    """The counties and zones the portal lists; reference data, read at most every five minutes per process."""
    from django.core.cache import caches

    from yingshang.core.models import Region

    cache = caches["local"]
    names = cache.get("portal_service_areas")
    if names is None:
        names = list(Region.objects.filter(kind__in=["county", "zone"]).values_list("name", flat=True))
        cache.set("portal_service_areas", names, 300)
    return names


def unread_notification_count(user_id: int) -> int:
    """How many unread messages the user has (the badge on every page), by the partial index `notification_unread`.

    Plain SQL built from the model's names: on every page view the ORM's compilation of this one COUNT cost several
    times the query itself. A page view normally needs none of this: the signed-in user is loaded with the count
    (`unread_count_sql` inside `accounts.tokens.user_with_scope`); this is for a user loaded otherwise.
    """
    from django.db import connection

    sql = _UNREAD_SQL.get(connection.vendor, "")
    if not sql:
        sql = _UNREAD_SQL[connection.vendor] = "SELECT " + unread_count_sql(connection, "%s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return cursor.fetchone()[0]


def unread_count_sql(connection, recipient: str) -> str:
    """A scalar subquery counting the unread messages of `recipient` (a parameter or a column of the outer query)."""
    from yingshang.core.models import Notification

    quote = connection.ops.quote_name
    meta = Notification._meta
    return (f"(SELECT COUNT(*) FROM {quote(meta.db_table)}"  # noqa: S608 - names from the model, quoted
            f" WHERE {quote(str(meta.get_field('recipient').column))} = {recipient}"
            f" AND {quote(str(meta.get_field('read_at').column))} IS NULL)")


_UNREAD_SQL: dict[str, str] = {}
