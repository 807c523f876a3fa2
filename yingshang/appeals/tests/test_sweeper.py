"""The deadline sweeper: escalates by itself along 催办 → 督办 → 通报, once, however often it runs."""

import datetime as dt

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, AppealEvent
from yingshang.core.models import Notification
from yingshang.core.workcalendar import SHANGHAI


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def ladder(appeal):
    return list(
        AppealEvent.objects.filter(appeal=appeal, action__in=["urge", "supervise", "publicize"])
        .exclude(note__startswith="超过签收时限")
        .values_list("action", "note")
    )


def test_sign_reminder_then_ladder_each_once(cast, dispatched, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.sweep_appeals(now=at("2025-11-26 12:30"))
        again = services.sweep_appeals(now=at("2025-11-26 12:31"))
    assert first == {"sign_reminders": 1, "escalations": 0} and again == {
        "sign_reminders": 0,
        "escalations": 0,
    }
    assert (
        Notification.objects.filter(recipient=cast.gz_staff, title__startswith="诉求超过签收时限").count()
        == 1
    )
    for moment in (
        "2025-12-02 10:00",
        "2025-12-02 10:05",
        "2025-12-03 10:00",
        "2025-12-10 10:00",
        "2025-12-10 11:00",
    ):
        services.sweep_appeals(now=at(moment))
    assert [a for a, _ in ladder(dispatched)] == ["urge", "supervise", "publicize"]
    dispatched.refresh_from_db()
    assert (dispatched.escalation_level, dispatched.next_escalation_at) == (3, None)


def test_a_late_sweep_jumps_straight_to_the_right_level(cast, dispatched):
    services.sweep_appeals(now=at("2025-12-04 10:00"))
    dispatched.refresh_from_db()
    assert dispatched.escalation_level == 2
    assert ladder(dispatched)[-1] == ("supervise", "已超过办理时限，发出督办通知")
    assert dispatched.next_escalation_at == at("2025-12-10 10:00")


def test_claim_is_conditional_on_the_level_seen(cast, dispatched):
    # Another sweeper claimed level 1 between our read and our update: our UPDATE matches no row.
    Appeal.objects.filter(pk=dispatched.pk).update(escalation_level=2)
    result = services.sweep_appeals(now=at("2025-12-02 10:00"))
    assert result["escalations"] == 0 and ladder(dispatched) == []


def test_replied_and_paused_appeals_do_not_escalate(cast, dispatched):
    appeal = services.sign_appeal(dispatched, by=cast.gz_staff, now=at("2025-11-26 11:00"))
    appeal = services.contact_requester(
        appeal, note="已联系企业", by=cast.gz_staff, now=at("2025-11-26 11:00")
    )
    services.pause_appeal(appeal, reason="等待企业补充材料", by=cast.gz_staff, now=at("2025-11-27 11:00"))
    assert services.sweep_appeals(now=at("2025-12-20 10:00")) == {"sign_reminders": 0, "escalations": 0}


def test_sweeper_task_runs_the_service(cast, dispatched):
    from yingshang.appeals.tasks import sweep_overdue_appeals

    result = sweep_overdue_appeals.call()
    assert set(result) == {"sign_reminders", "escalations"}
