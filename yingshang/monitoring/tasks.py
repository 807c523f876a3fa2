"""Background work (Django Tasks): reminders before deadlines, and the monthly computation with alerts.

Both tasks take plain values, are idempotent (notifications and alerts are deduplicated) and call services.
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from yingshang.monitoring import services
from yingshang.monitoring.models import SubmissionRound


@task()
def remind_open_rounds(*, today: str) -> int:
    """催报: remind departments that still owe figures for rounds whose deadline is near."""
    day = dt.date.fromisoformat(today)
    sent = 0
    for collection_round in SubmissionRound.objects.filter(deadline__gte=day):
        sent += services.remind_round(collection_round=collection_round, today=day)
    return sent


@task()
def run_monthly_monitoring(*, period: str) -> int:
    """Refresh computed indicators, recompute the index and raise the month's alerts."""
    now = timezone.now()
    services.refresh_computed_values(period=period, now=now)
    services.recompute_index(now=now)
    return len(services.generate_alerts(period=period, now=now))


@task()
def recompute_monitoring_index(*, periods: list[str]) -> int:
    """Recompute the index snapshots of these periods (after new weights or scoring parameters are saved)."""
    return services.recompute_index(now=timezone.now(), periods=periods)
