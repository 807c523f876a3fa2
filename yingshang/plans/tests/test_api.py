"""Plans API (/api/v1/plans) and reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from yingshang.core.models import Notification
from yingshang.plans.services import send_reminders
from yingshang.plans.tasks import send_plan_reminders

from .conftest import SEED_PATH

pytestmark = pytest.mark.django_db


def test_targets_endpoint_returns_the_plans_active_targets(official_plan, cast, client_for):
    response = client_for(cast.city_staff).get(f"/api/v1/plans/{official_plan.pk}/targets")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 40
    assert body[0]["indicator"] == "营商环境便利度指数" and body[0]["comparator"] == ">="


def test_tasks_endpoint_is_scoped_to_the_users_department(official_plan, cast, client_for):
    body = client_for(cast.lz_staff).get(f"/api/v1/plans/{official_plan.pk}/tasks").json()
    assert [(t["number"], t["lead_departments"]) for t in body] == [("6", ["临泽县市场监管局"])]


def test_progress_endpoint_refuses_above_100_with_a_chinese_message(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="1")
    client = client_for(cast.city_staff)
    response = client.post(f"/api/v1/plans/tasks/{task.pk}/progress", {"percent": "150", "text": "x"})
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "完成进度须在 0% 到 100% 之间（填写的是 150）。",
    )
    ok = client.post(f"/api/v1/plans/tasks/{task.pk}/progress", {"percent": "40", "text": "推进"})
    assert (ok.status_code, ok.json()["task_progress"]) == (201, "40.0")


def test_import_endpoint_stages_a_draft_and_refuses_non_importers(cast, client_for):
    with SEED_PATH.open("rb") as handle:
        response = client_for(cast.city_admin).post("/api/v1/plans", {"file": handle})
    assert (response.status_code, response.json()["status"]) == (201, "draft")
    with SEED_PATH.open("rb") as handle:
        assert client_for(cast.leader).post("/api/v1/plans", {"file": handle}).status_code == 403


def test_reminders_go_out_three_working_days_before_the_report_date_once(
    official_plan, cast, django_capture_on_commit_callbacks
):
    # Report due 2025-03-25; 3 working days before is 2025-03-20.
    assert send_reminders(today=dt.date(2025, 3, 19)) == 0
    sent = send_plan_reminders.enqueue(today_iso="2025-03-20").return_value["sent"]
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"city_admin", "city_staff", "city_dept_lead", "gz_staff", "lz_staff"}
    assert sent == Notification.objects.count()
    assert send_reminders(today=dt.date(2025, 3, 20)) == 0
