"""A supervision ledger whose tasks run into a year without an entered holiday schedule still works: those years
are counted Monday to Friday (apart from days an administrator entered) and named, instead of a 500 page."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from yingshang.core.workcalendar import UnknownCalendarYear, WorkCalendar
from yingshang.plans.supervision import CachedCalendar, task_state

FAR = 2099  # a year no holiday library knows


def test_unknown_year_is_counted_monday_to_friday_and_named():
    calendar = CachedCalendar(WorkCalendar.build())
    weekdays = sum(1 for n in range(365) if (dt.date(FAR, 1, 1) + dt.timedelta(days=n)).weekday() < 5)
    assert calendar.working_days_between(dt.date(FAR, 1, 1), dt.date(FAR + 1, 1, 1)) == weekdays
    assert FAR in calendar.estimated_years
    # The core calendar itself still refuses to guess (legal deadlines rely on that).
    try:
        WorkCalendar.build().is_workday(dt.date(FAR, 3, 3))
    except UnknownCalendarYear:
        pass
    else:
        raise AssertionError("the core calendar guessed an unknown year")


def test_days_entered_by_an_administrator_win_over_the_estimate():
    saturday = dt.date(FAR, 1, 3)
    assert saturday.weekday() == 5
    calendar = CachedCalendar(WorkCalendar.build(overrides=[(saturday, True), (dt.date(FAR, 1, 1), False)]))
    assert calendar.is_workday(saturday) and not calendar.is_workday(dt.date(FAR, 1, 1))
    assert calendar.next_workday(dt.date(FAR, 1, 2)) == saturday


def test_task_running_into_an_unknown_year_gets_a_state():
    calendar = CachedCalendar(WorkCalendar.build())
    state = task_state(progress=Decimal(5), start=dt.date(2026, 1, 5), deadline=dt.date(FAR, 6, 30),
                       today=dt.date(2026, 11, 27), calendar=calendar)
    assert state.status in ("in_progress", "lagging") and Decimal(0) < state.expected < Decimal(100)
    assert FAR in calendar.estimated_years


def test_my_tasks_page_with_a_deadline_in_an_unknown_year(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="6")
    task.start_date, task.deadline = dt.date(2026, 1, 5), dt.date(FAR, 6, 30)
    task.save(update_fields=["start_date", "deadline"])
    response = client_for(cast.lz_staff).get(reverse("plans:my_tasks"))
    assert response.status_code == 200
    assert "强化人力资源服务保障" in response.content.decode()


def test_ledger_pages_say_which_year_is_estimated(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="6")
    task.start_date, task.deadline = dt.date(2026, 1, 5), dt.date(FAR, 6, 30)
    task.save(update_fields=["start_date", "deadline"])
    note = f"{FAR} 年的法定节假日安排尚未录入"
    assert note in client_for(cast.lz_staff).get(reverse("plans:my_tasks")).content.decode()
    detail = client_for(cast.city_admin).get(reverse("plans:detail", args=[official_plan.pk]))
    assert detail.status_code == 200 and note in detail.content.decode()
    # Without such a task, no note.
    task.deadline = dt.date(2025, 12, 31)
    task.save(update_fields=["deadline"])
    assert "法定节假日安排尚未录入" not in client_for(cast.lz_staff).get(reverse("plans:my_tasks")).content.decode()


def test_ledgers_share_the_year_counts_but_each_names_only_the_years_it_asked_about():
    core = WorkCalendar.build()
    first, second = CachedCalendar(core), CachedCalendar(core)
    first.working_days_between(dt.date(FAR, 1, 1), dt.date(FAR, 2, 1))
    assert second._years is first._years and FAR in second._years  # counted once for the calendar object
    second.working_days_between(dt.date(2025, 1, 1), dt.date(2025, 2, 1))
    assert FAR in first.estimated_years and not second.estimated_years
    second.is_workday(dt.date(FAR, 5, 5))
    assert second.estimated_years == {FAR}
    # A new core calendar (an administrator entered days) is counted afresh.
    entered = WorkCalendar.build(overrides=[(dt.date(FAR, 1, 3), True)])
    assert CachedCalendar(entered).is_workday(dt.date(FAR, 1, 3))
