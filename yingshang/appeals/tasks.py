"""Background jobs of the appeal loop (Django Tasks API): notices, the deadline sweeper, monthly statistics."""

from __future__ import annotations

from django.tasks import task

EVENT_TITLES = {
    "received": "诉求已受理",
    "dispatched": "新派单诉求，请及时签收",
    "disputed": "承办单位提出退单，请审核",
    "refused": "诉求不予受理",
    "paused": "诉求暂停，请补充材料",
    "extension_requested": "延期申请待审批",
    "replied": "诉求已答复，请评价",
    "reopened": "诉求重办",
    "urge": "催办：诉求即将超期",
    "urged": "催办通知",
    "supervise": "督办通知：诉求已超期",
    "publicize": "通报：诉求超期未办结",
    "sign_overdue": "诉求超过签收时限",
}


@task()
def notify_appeal_event(appeal_id: int, event: str) -> int:
    """Send in-app notices for one appeal event; the dedupe key makes a second run send nothing."""
    from yingshang.appeals.models import Appeal
    from yingshang.appeals.selectors_notify import recipients_for
    from yingshang.core.services import notify

    appeal = Appeal.objects.select_related("handling_department", "region").filter(pk=appeal_id).first()
    if appeal is None:
        return 0
    sent = 0
    title = f"{EVENT_TITLES.get(event, '诉求动态')}：{appeal.tracking_number}"
    stamp = appeal.updated_at.isoformat()
    for user in recipients_for(appeal, event):
        created = notify(
            recipient=user,
            title=title,
            body=appeal.title,
            link=f"/appeals/{appeal.pk}/",
            dedupe_key=f"appeal:{appeal.pk}:{event}:{stamp}",
        )
        sent += created is not None
    return sent


@task()
def sweep_overdue_appeals() -> dict:
    """Raise due reminders and escalations (idempotent; see services.sweep_appeals)."""
    from django.utils import timezone

    from yingshang.appeals.services import sweep_appeals

    return sweep_appeals(now=timezone.now())


@task()
def refresh_appeal_statistics(month: str) -> int:
    """Recompute the pre-aggregated statistics of one month (YYYY-MM-01)."""
    import datetime as dt

    from django.utils import timezone

    from yingshang.appeals.services import refresh_monthly_stats

    return refresh_monthly_stats(dt.date.fromisoformat(month), now=timezone.now())
