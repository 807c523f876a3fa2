"""Milestones (节点) feed the task status: a missed milestone makes the task 滞后 with the reason shown; reminders go
out before milestone dates; due dates on holidays move to the next working day (2025 calendar read by hand:
国庆/中秋 1–8 October off, Sunday 28 September and Saturday 11 October worked; 春节 28 January–4 February off,
Sunday 26 January and Saturday 8 February worked)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yingshang.core.workcalendar import WorkCalendar
from yingshang.plans.supervision import milestone_due, missed_milestones, task_state

CALENDAR = WorkCalendar.build()
D = dt.date


@pytest.mark.parametrize(
    ("due", "really_due"),
    [
        (D(2025, 10, 1), D(2025, 10, 9)),  # National Day: next working day after the holiday
        (D(2025, 10, 8), D(2025, 10, 9)),
        (D(2025, 10, 11), D(2025, 10, 11)),  # a Saturday worked (调休): due that day
        (D(2025, 10, 12), D(2025, 10, 13)),  # an ordinary Sunday
        (D(2025, 1, 28), D(2025, 2, 5)),  # Spring Festival
        (D(2025, 1, 26), D(2025, 1, 26)),  # a Sunday worked
        (D(2025, 6, 30), D(2025, 6, 30)),  # an ordinary Monday
    ],
)
def test_a_milestone_is_due_on_the_working_day(due, really_due):
    assert milestone_due(due, CALENDAR) == really_due


@pytest.mark.parametrize(
    ("today", "missed"),
    [
        (D(2025, 10, 1), False),
        (D(2025, 10, 8), False),
        (D(2025, 10, 9), False),  # due (really) on 9 October
        (D(2025, 10, 10), True),
    ],
)
def test_a_milestone_on_a_holiday_is_missed_only_after_the_next_working_day(today, missed):
    result = missed_milestones([("完成制度起草", D(2025, 10, 1), None)], today=today, calendar=CALENDAR)
    assert result == ([("完成制度起草", D(2025, 10, 1))] if missed else [])


def test_a_completed_milestone_is_never_missed():
    assert (
        missed_milestones([("起草", D(2025, 3, 3), D(2025, 3, 20))], today=D(2025, 6, 1), calendar=CALENDAR)
        == []
    )


def test_a_missed_milestone_makes_a_task_on_schedule_lagging_with_the_reason():
    common = {
        "progress": Decimal(80),
        "start": D(2025, 1, 1),
        "deadline": D(2025, 12, 31),
        "today": D(2025, 3, 10),
        "calendar": CALENDAR,
    }
    assert task_state(**common).status == "in_progress"
    state = task_state(**common, missed=[("完成制度起草", D(2025, 3, 7))])
    assert (state.status, state.light, state.reason) == (
        "lagging",
        "yellow",
        "节点“完成制度起草”（03月07日）已到期未完成",
    )


def test_overdue_and_done_win_over_missed_milestones():
    missed = [("节点", D(2025, 3, 7))]
    overdue = task_state(
        progress=Decimal(50),
        start=D(2025, 1, 1),
        deadline=D(2025, 3, 31),
        today=D(2025, 4, 1),
        calendar=CALENDAR,
        missed=missed,
    )
    assert (overdue.status, overdue.reason) == ("overdue", "已超过完成时限 2025-03-31，进度 50%")
    done = task_state(
        progress=Decimal(100),
        start=D(2025, 1, 1),
        deadline=D(2025, 3, 31),
        today=D(2025, 4, 1),
        calendar=CALENDAR,
        missed=missed,
    )
    assert done.status == "done"


@pytest.mark.django_db
def test_the_ledger_and_api_show_the_missed_milestone(official_plan, cast, client_for):
    from yingshang.plans.models import PlanMilestone
    from yingshang.plans.selectors import task_rows

    task = official_plan.tasks.get(number="1")
    PlanMilestone.objects.create(task=task, title="出台实施细则", due_date=D(2025, 10, 1))
    rows = {r.task.number: r for r in task_rows(official_plan.tasks.all(), today=D(2025, 10, 9))}
    assert not rows["1"].state.reason.startswith("节点")  # due (really) on 9 October: not missed yet
    rows = {r.task.number: r for r in task_rows(official_plan.tasks.all(), today=D(2025, 10, 10))}
    assert rows["1"].status_label == "滞后：节点“出台实施细则”（10月01日）已到期未完成"
    assert (
        rows["2"].status_label == "滞后"
    )  # no progress at all by October: lagging on percentage, no milestone
    from django.utils import timezone

    body = client_for(cast.city_staff).get(f"/api/v1/plans/{official_plan.pk}/tasks").json()
    today = task_rows(official_plan.tasks.filter(number="1"), today=timezone.localdate())[0]
    assert (body[0]["status"], body[0]["status_reason"]) == (today.state.status, today.state.reason)
    assert body[0]["status_reason"] != ""


@pytest.mark.django_db
def test_milestone_reminders_go_three_working_days_before_the_real_due_date_once(
    official_plan, cast, django_capture_on_commit_callbacks
):
    from yingshang.core.models import Notification
    from yingshang.plans.models import PlanMilestone
    from yingshang.plans.services import send_reminders

    task = official_plan.tasks.get(number="6")  # led by 临泽县市场监管局 (lz_staff)
    PlanMilestone.objects.create(task=task, title="完成摸底", due_date=D(2025, 10, 1))
    # Really due 9 October; 3 working days before: 30, 29 and 28 September (a Sunday worked) → 28 September.
    assert not Notification.objects.filter(title__startswith="任务节点").exists()
    send_reminders(today=D(2025, 9, 27))
    assert not Notification.objects.filter(title__startswith="任务节点").exists()
    send_reminders(today=D(2025, 9, 28))
    reminded = list(
        Notification.objects.filter(title__startswith="任务节点").values_list(
            "recipient__username", flat=True
        )
    )
    assert reminded == ["lz_staff"]
    send_reminders(today=D(2025, 9, 28))
    assert Notification.objects.filter(title__startswith="任务节点").count() == 1


@pytest.mark.django_db
def test_completing_the_milestone_clears_the_lagging_status(official_plan, cast):
    from yingshang.plans.models import PlanMilestone
    from yingshang.plans.selectors import task_rows
    from yingshang.plans.services import complete_milestone, record_progress

    task = official_plan.tasks.get(number="1")
    record_progress(
        task=task,
        by=cast.city_staff,
        percent=Decimal(90),
        text="推进",
        now=dt.datetime(2025, 10, 9, 9, tzinfo=dt.UTC),
    )
    milestone = PlanMilestone.objects.create(task=task, title="出台实施细则", due_date=D(2025, 10, 1))
    assert (
        task_rows(official_plan.tasks.filter(pk=task.pk), today=D(2025, 10, 10))[0].state.status == "lagging"
    )
    complete_milestone(milestone=milestone, by=cast.city_staff, done_on=D(2025, 10, 10))
    assert (
        task_rows(official_plan.tasks.filter(pk=task.pk), today=D(2025, 10, 10))[0].state.status
        == "in_progress"
    )
