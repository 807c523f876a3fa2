"""Demo data of the plans app: the seed plan as this year's official task list, with a year of progress.

Idempotent: nothing is added when the demo plan already exists. The seed is shipped inside the app
(yingshang/plans/data/) so the demo does not depend on the shared seed folder.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yingshang.accounts.models import User
from yingshang.core.models import Department, Region
from yingshang.plans.choices import PlanStatus
from yingshang.plans.models import Plan
from yingshang.plans.services import (
    change_plan_status,
    close_issue,
    close_notice,
    close_task,
    follow_up_notice,
    issue_supervision_notice,
    raise_issue,
    record_progress,
    reply_to_notice,
    resolve_target_conflict,
    stage_plan_import,
    update_task_assignment,
)

SEED = Path(__file__).parent / "data" / "zhangye-2025-action-plan.txt"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Task number → (lead function key, co function keys) at city level; "county:" keys are the first county's.
ASSIGNMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "1": ("market", ("business_env", "commerce", "county:market")),
    "2": ("public_resources", ("finance", "housing")),
    "3": ("market", ("market_enforcement", "county:market")),
    "4": ("ndrc", ("market",)),
    "5": ("natural_resources", ()),
    "6": ("hrss", ("county:hrss",)),
    "7": ("science", ("industry",)),
    "8": ("justice", ()),
    "9": ("court", ("justice", "hrss", "procuratorate")),
    "10": ("court", ()),
    "11": ("court", ()),
    "12": ("court", ("natural_resources", "tax")),
    "13": ("commerce", ()),
    "14": ("commerce", ()),
    "15": ("commerce", ("tax",)),
    "16": ("commerce", ("justice",)),
    "17": ("ndrc", ("housing", "natural_resources", "environment")),
    "18": ("business_env", ("hotline",)),
    "19": ("power", ("water", "housing")),
    "20": ("natural_resources", ("tax", "housing")),
    "21": ("tax", ()),
    "攻坚1": ("business_env", ("finance", "ndrc")),
    "攻坚2": ("business_env", ()),
    "攻坚3": ("business_env", ()),
    "攻坚4": ("business_env", ("hotline",)),
    "攻坚5": ("business_env", ("county:business_env",)),
    "攻坚6": ("agriculture", ("industry", "tourism")),
    "保障1": ("business_env", ()),
    "保障2": ("business_env", ()),
    "保障3": ("business_env", ()),
    "保障4": ("business_env", ()),
}
# Pace relative to the linear schedule: most tasks on track, some lagging, two far behind.
PACES = (Decimal("1.15"),) * 10 + (Decimal("1.0"),) * 12 + (Decimal("0.7"),) * 6 + (Decimal("0.35"),) * 3


def load_demo(*, stdout, seed: int) -> None:
    """Import the seed as this year's official plan and simulate the year up to today."""
    today = timezone.localdate()
    if Plan.objects.filter(title="全市优化营商环境全面提升年行动方案", year=today.year).exists():
        stdout.write("  任务台账：示范方案已存在，跳过。")
        return
    admin = User.objects.filter(username="shiji").first() or User.objects.filter(role="city_admin").first()
    with transaction.atomic():
        plan = _official_plan(admin, today)
        _simulate_year(plan, admin, today, random.Random(seed))
    stdout.write(
        f"  任务台账：已导入《{plan.title}》（{plan.year} 年，{plan.tasks.count()} 项任务，"
        f"{plan.targets.count()} 个量化目标）并生成进展与督办。"
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _official_plan(admin, today: dt.date) -> Plan:
    start = _at(dt.date(today.year, 1, 6))
    plan = stage_plan_import(data=SEED.read_bytes(), filename=SEED.name, by=admin, now=start, year=today.year)
    city = Region.objects.get(kind="city")
    county = Region.objects.filter(kind="county").order_by("sort_order").first()

    def department(key: str) -> Department | None:
        region = county if key.startswith("county:") else city
        return Department.objects.filter(function_key=key.removeprefix("county:"), region=region).first()

    for task in plan.tasks.all():
        lead_key, co_keys = ASSIGNMENTS.get(task.number, ("business_env", ()))
        co = [d for d in (department(key) for key in co_keys) if d is not None]
        update_task_assignment(
            task=task, by=admin, lead_departments=[department(lead_key)], co_departments=co
        )
    resolve_target_conflict(
        keep=plan.targets.get(indicator="破产案件结案率", value=85),
        by=admin,
        reason="以任务12中更高的目标为准",
    )
    change_plan_status(plan=plan, to=PlanStatus.OFFICIAL, by=admin, now=start)
    plan.refresh_from_db()
    return plan


def _reporter(task, admin):
    lead = task.lead_departments.first()
    return User.objects.filter(department=lead, is_active=True).first() or admin


def _simulate_year(plan: Plan, admin, today: dt.date, rng: random.Random) -> None:
    """Monthly reports (a few late or missing), target readings, closures, 督办 and the issue ledger."""
    tasks = list(plan.tasks.order_by("order"))
    paces = list(PACES)
    rng.shuffle(paces)
    last_month = today.month if today.year == plan.year else 12
    for task, pace in zip(tasks, paces, strict=False):
        reporter = _reporter(task, admin)
        targets = list(task.targets.filter(is_active=True))
        for month in range(1, last_month + 1):
            day = dt.date(plan.year, month, rng.choice((12, 18, 20, 22, 24, 27)))
            if day >= today or rng.random() < 0.08:
                continue  # not yet, or a missed month
            expected = Decimal(100 * month) / 12
            percent = min(Decimal(100), (pace * expected).quantize(Decimal("1")))
            readings = {}
            if targets and month % 3 == 0:
                for target in targets:
                    goal = target.value if target.value is not None else target.low
                    factor = Decimal(
                        str(
                            round(
                                rng.uniform(0.75, 1.08) * month / 12
                                if target.unit != "%"
                                else rng.uniform(0.9, 1.03),
                                3,
                            )
                        )
                    )
                    readings[target.pk] = (goal * factor).quantize(Decimal("0.1"))
            task.refresh_from_db()
            if task.closed_at is not None:
                break
            record_progress(
                task=task,
                by=reporter,
                percent=percent,
                text=_progress_text(task, percent),
                now=_at(day),
                target_values=readings,
            )
            if percent >= 100:
                close_task(task=task, by=admin, now=_at(day, 16), note="牵头单位报送全部完成，经核验办结")
    _supervise(plan, admin, today)


def _progress_text(task, percent: Decimal) -> str:
    if percent >= 100:
        return f"{task.title}各项措施已全部落实，形成工作总结和佐证材料。"
    if percent >= 60:
        return f"{task.title}主要措施已落地见效，正在完善长效机制。"
    if percent >= 30:
        return f"{task.title}已制定实施方案并分解到科室，部分措施已启动。"
    return f"{task.title}正在调研摸底，实施方案起草中。"


def _supervise(plan: Plan, admin, today: dt.date) -> None:
    """Two 督办 on the slowest tasks: one replied, followed up and closed; one still open, with problems."""
    slowest = sorted(plan.tasks.filter(closed_at__isnull=True), key=lambda t: (t.progress, t.order))[:2]
    if not slowest:
        return
    month = min(today.month - 1, 6) if today.year == plan.year else 6
    issued = _at(dt.date(plan.year, max(month, 1), 3))
    first = issue_supervision_notice(
        task=slowest[0],
        by=admin,
        now=issued,
        reason=f"任务进度明显滞后（当前 {slowest[0].progress}%），请说明原因并提出整改措施。",
    )
    replier = _reporter(slowest[0], admin)
    reply_to_notice(
        notice=first,
        by=replier,
        text="已召开专题会议，明确时间表，专人推进。",
        now=issued + dt.timedelta(days=3),
    )
    follow_up_notice(
        notice=first, by=admin, text="请补充分月推进计划和责任人。", now=issued + dt.timedelta(days=6)
    )
    reply_to_notice(
        notice=first, by=replier, text="已补充分月推进计划，责任到人。", now=issued + dt.timedelta(days=9)
    )
    issue = raise_issue(task=slowest[0], by=admin, description="实施方案未按期印发", now=issued, notice=first)
    close_issue(
        issue=issue,
        by=replier,
        note="实施方案已印发",
        now=issued + dt.timedelta(days=9),
        evidence=ContentFile(b"%PDF-1.4 demo evidence", name="实施方案印发通知.pdf"),
    )
    close_notice(notice=first, by=admin, now=issued + dt.timedelta(days=10))
    if len(slowest) > 1:
        later = (
            _at(today - dt.timedelta(days=4)) if today.year == plan.year else _at(dt.date(plan.year, 11, 3))
        )
        second = issue_supervision_notice(
            task=slowest[1], by=admin, now=later, reason="连续两个月进度低于序时进度，请限期整改。"
        )
        raise_issue(
            task=slowest[1],
            by=admin,
            description="牵头单位与配合单位分工不清",
            now=later,
            notice=second,
            due_date=later.date() + dt.timedelta(days=30),
        )
