"""Background jobs of the plans app (Django Tasks API): report and deadline reminders."""

from django.tasks import task


@task()
def send_plan_reminders(today_iso: str) -> dict:
    """Remind departments of monthly reports and task deadlines due soon; safe to run twice (deduplicated)."""
    import datetime as dt

    from yingshang.plans.services import send_reminders

    return {"sent": send_reminders(today=dt.date.fromisoformat(today_iso))}
