"""The demo data (示范数据): this year's official plan with a year of progress; running twice adds nothing."""

from __future__ import annotations

import io

import pytest

from yingshang.core.demo_accounts import ensure_demo_accounts
from yingshang.plans.choices import PlanStatus
from yingshang.plans.demo_setup import load_demo
from yingshang.plans.models import IssueItem, Plan, ProgressReport, SupervisionNotice

pytestmark = pytest.mark.django_db


def test_demo_loads_an_official_plan_with_progress_and_supervision_and_is_idempotent():
    ensure_demo_accounts()
    load_demo(stdout=io.StringIO(), seed=7)
    plan = Plan.objects.get()
    assert (plan.status, plan.tasks.count(), plan.targets.filter(is_active=True).count()) == (
        PlanStatus.OFFICIAL,
        31,
        40,
    )
    assert not plan.tasks.filter(lead_departments__isnull=True).exists()
    assert ProgressReport.objects.count() > 31
    assert SupervisionNotice.objects.count() == 2
    assert IssueItem.objects.filter(status="closed").count() == 1
    counts = (Plan.objects.count(), ProgressReport.objects.count(), SupervisionNotice.objects.count())
    load_demo(stdout=io.StringIO(), seed=7)
    assert (Plan.objects.count(), ProgressReport.objects.count(), SupervisionNotice.objects.count()) == counts
