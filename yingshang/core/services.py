"""Shared write use cases: notifications (站内消息) and calendar maintenance."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from yingshang.core.audit import record_change, snapshot
from yingshang.core.models import CalendarYear, HolidayOverride, Notification


def notify(*, recipient, title: str, body: str = "", link: str = "", dedupe_key: str = "") -> Notification | None:
    """Send an in-app message; with a dedupe_key the same message is never sent twice. Returns None if it was."""
    try:
        with transaction.atomic():
            return Notification.objects.create(recipient=recipient, title=title[:200], body=body, link=link,
                                               dedupe_key=dedupe_key[:200])
    except IntegrityError:
        return None


@transaction.atomic
def set_holiday_override(*, day: dt.date, is_workday: bool, name: str, by) -> HolidayOverride:
    """Record that `day` is (or is not) a working day, overriding the statutory schedule."""
    existing = HolidayOverride.objects.filter(date=day).first()
    before = snapshot(existing, ["date", "is_workday", "name"]) if existing else None
    override, _ = HolidayOverride.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "name": name})
    record_change(actor=by, action="calendar.override", obj=override, before=before,
                  after=snapshot(override, ["date", "is_workday", "name"]))
    return override


@transaction.atomic
def confirm_calendar_year(*, year: int, by) -> CalendarYear:
    """Declare a year's holiday schedule complete: weekends plus the entered overrides are then authoritative."""
    confirmed, created = CalendarYear.objects.get_or_create(year=year, defaults={"confirmed_by": by})
    if created:
        record_change(actor=by, action="calendar.confirm_year", obj=confirmed, after={"year": year})
    return confirmed
