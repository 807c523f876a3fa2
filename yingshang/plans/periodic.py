"""Scheduled work of task supervision: report and deadline reminders (each reminder is sent once)."""

from django.utils import timezone

from yingshang.plans.tasks import send_plan_reminders


def enqueue_periodic(now) -> list[str]:
    send_plan_reminders.enqueue(today_iso=timezone.localdate(now).isoformat())
    return ["send_plan_reminders"]
