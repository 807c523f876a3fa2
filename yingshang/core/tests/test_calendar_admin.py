"""Overrides entered by administrators extend the statutory calendar; unknown years warn."""

import datetime as dt

from yingshang.core.models import AuditEvent
from yingshang.core.selectors import calendar_warning, load_work_calendar
from yingshang.core.services import confirm_calendar_year, set_holiday_override


def test_override_and_confirmed_year_are_used(cast):
    set_holiday_override(day=dt.date(2027, 1, 1), is_workday=False, name="元旦", by=cast.city_admin)
    confirm_calendar_year(year=2027, by=cast.city_admin)
    calendar = load_work_calendar()
    assert calendar.is_workday(dt.date(2027, 1, 1)) is False
    assert calendar.is_workday(dt.date(2027, 1, 4)) is True
    assert AuditEvent.objects.filter(action__startswith="calendar.").count() == 2


def test_warning_when_next_year_unknown(db):
    assert "2027 年的法定节假日安排尚未录入" in calendar_warning(dt.date(2026, 11, 26))
    assert calendar_warning(dt.date(2026, 3, 1)) == ""


def test_admin_dashboard_shows_calendar_warning(cast, client_for, settings):
    response = client_for(cast.city_admin).get("/dashboard/")
    assert response.status_code == 200
    # The warning depends on today's date: from October on, next year must be known.
    today = dt.date.today()
    expected = calendar_warning(today)
    assert (expected in response.content.decode()) if expected else "尚未录入" not in response.content.decode()
