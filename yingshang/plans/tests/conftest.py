"""Fixtures of the plans app: the seed plan file, a staged import of it, an official plan with owners."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

DATA = Path(__file__).parent / "data"
SEED_PATH = Path(__file__).resolve().parents[1] / "data" / "zhangye-2025-action-plan.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED_PATH.read_bytes()


@pytest.fixture
def draft_plan(db, cast, seed_bytes):
    """The seed plan staged as a draft by the city administrator."""
    from yingshang.plans.services import stage_plan_import

    return stage_plan_import(
        data=seed_bytes, filename="zhangye-2025-action-plan.txt", by=cast.city_admin, now=NOW
    )


@pytest.fixture
def official_plan(draft_plan, cast):
    """The seed plan, conflict resolved and every task owned, made official.

    Task 1 is led by 市市场监管局 with 甘州区市场监管局 supporting; task 6 is led by 临泽县市场监管局;
    every other task is led by 市营商局.
    """
    from yingshang.core.models import Department
    from yingshang.plans.choices import PlanStatus
    from yingshang.plans.services import change_plan_status, resolve_target_conflict, update_task_assignment

    city_market = Department.objects.get(function_key="market", region__code="620700")
    gz_market = Department.objects.get(function_key="market", region__code="620702")
    lz_market = Department.objects.get(function_key="market", region__code="620723")
    business = Department.objects.get(function_key="business_env", region__code="620700")
    for task in draft_plan.tasks.all():
        if task.number == "1":
            update_task_assignment(
                task=task, by=cast.city_admin, lead_departments=[city_market], co_departments=[gz_market]
            )
        elif task.number == "6":
            update_task_assignment(task=task, by=cast.city_admin, lead_departments=[lz_market])
        else:
            update_task_assignment(task=task, by=cast.city_admin, lead_departments=[business])
    keep = draft_plan.targets.get(indicator="破产案件结案率", value=85)
    resolve_target_conflict(keep=keep, by=cast.city_admin)
    change_plan_status(plan=draft_plan, to=PlanStatus.OFFICIAL, by=cast.city_admin, now=NOW)
    draft_plan.refresh_from_db()
    return draft_plan
