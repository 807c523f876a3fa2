"""`manage.py run_periodic` enqueues every app's scheduled work (immediate backend in tests)."""

from io import StringIO

from django.core.management import call_command


def test_run_periodic_enqueues_each_apps_jobs(db):
    out = StringIO()
    call_command("run_periodic", stdout=out)
    text = out.getvalue()
    assert "policies: sweep_policy_expiry" in text
    assert "plans: send_plan_reminders" in text
