"""Scheduled work of the appeal loop: the deadline sweeper every run; this month's statistics every 10 minutes."""

from django.utils import timezone

from yingshang.appeals.tasks import refresh_appeal_statistics, sweep_overdue_appeals


def enqueue_periodic(now) -> list[str]:
    sweep_overdue_appeals.enqueue()
    names = ["sweep_overdue_appeals"]
    if timezone.localtime(now).minute % 10 == 0:
        refresh_appeal_statistics.enqueue(month=timezone.localdate(now).replace(day=1).isoformat())
        names.append("refresh_appeal_statistics")
    return names
