"""Scheduled work of monitoring: deadline reminders, and the index and alerts for the latest closed round.

Runs at the top of each hour (both jobs are idempotent: reminders and alerts are deduplicated).
"""

from django.utils import timezone

from yingshang.monitoring.models import SubmissionRound
from yingshang.monitoring.tasks import remind_open_rounds, run_monthly_monitoring


def enqueue_periodic(now) -> list[str]:
    local = timezone.localtime(now)
    if local.minute != 0:
        return []
    today = local.date()
    remind_open_rounds.enqueue(today=today.isoformat())
    names = ["remind_open_rounds"]
    latest = SubmissionRound.objects.filter(deadline__lt=today).order_by("-period").first()
    if latest is not None:
        run_monthly_monitoring.enqueue(period=latest.period)
        names.append(f"run_monthly_monitoring({latest.period})")
    return names
