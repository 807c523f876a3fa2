"""Plan objects for the permission matrix (任务台账与督查督办).

- `plan`: the city's official 2025 plan with four tasks:
  `task_city_market` (led by 市市场监管局 — city_staff's department — supported by 甘州区市场监管局),
  `task_city_office` (led by 市营商局, the city administrator's own office),
  `task_gz` (led by 甘州区市场监管局) and `task_lz` (led by 临泽县市场监管局); each with a measure, a milestone,
  a progress report with an evidence file, an open 督办单 and an open problem (问题台账); and
  `task_measure_only` (led by 市营商局, its measure `lz_measure` led by 临泽县市场监管局 alone).
- `gz_plan` / `lz_plan`: official county plans of 甘州区 and 临泽县, one task each (`task_gz_plan`, `task_lz_plan`),
  led by the county's market regulator.
- `lz_assessment`: a draft 2025Q1 assessment row of 临泽县 on `plan`.
- `draft_plan`: a staged import of the city (草稿) with one task and two targets in conflict.

Everything is written directly (no services, no audit): the matrix only needs the rows to exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile

AT = dt.datetime(2025, 3, 3, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
YEAR = 2025


def _task(plan, number, lead, co=(), title="任务"):
    from yingshang.plans.models import PlanMeasure, PlanMilestone, PlanSection, PlanTask

    section = plan.sections.first() or PlanSection.objects.create(
        plan=plan, number="1", title="主要任务", order=1
    )
    task = PlanTask.objects.create(
        plan=plan,
        section=section,
        number=number,
        title=f"{title}{number}",
        order=int(number),
        deadline=dt.date(YEAR, 12, 31),
        progress=Decimal(100),
    )
    task.lead_departments.set([lead])
    task.co_departments.set(list(co))
    PlanMeasure.objects.create(task=task, order=1, text=f"措施{number}", progress=Decimal(100))
    PlanMilestone.objects.create(task=task, title=f"节点{number}", due_date=dt.date(YEAR, 6, 30))
    return task


def _supervision(world, key, task):
    from yingshang.plans.models import IssueItem, ProgressEvidence, ProgressReport, SupervisionNotice

    report = ProgressReport.objects.create(
        task=task,
        department=task.lead_departments.first(),
        period=dt.date(YEAR, 3, 1),
        percent=Decimal(100),
        text="已完成",
        reported_at=AT,
    )
    evidence = ProgressEvidence(report=report, original_name="佐证.pdf")
    evidence.file.save("evidence.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    world[f"{key}_report"] = report
    world[f"{key}_evidence"] = evidence
    notice = SupervisionNotice.objects.create(
        task=task,
        number=f"督办〔{YEAR}〕{task.pk}号",
        reason="进度滞后",
        reply_due=dt.date(YEAR, 3, 10),
        issued_by=world.city_admin,
        issued_at=AT,
    )
    world[f"{key}_notice"] = notice
    world[f"{key}_issue"] = IssueItem.objects.create(
        plan=task.plan,
        task=task,
        notice=notice,
        description="问题",
        department=task.lead_departments.first(),
        raised_by=world.city_admin,
        raised_at=AT,
    )


def build(world) -> None:
    from yingshang.core.models import Department, Region
    from yingshang.plans.models import Plan, PlanTarget

    city, ganzhou, linze = (Region.objects.get(code=code) for code in ("620700", "620702", "620723"))

    def department(key, region):
        return Department.objects.get(function_key=key, region=region)

    city_market, city_office = department("market", city), department("business_env", city)
    gz_market, lz_market = department("market", ganzhou), department("market", linze)

    plan = Plan.objects.create(
        title="全市优化营商环境行动方案",
        year=YEAR,
        region=city,
        status="official",
        official_at=AT,
        created_by=world.city_admin,
    )
    world["plan"] = plan
    world["task_city_market"] = _task(plan, "1", city_market, co=[gz_market])
    world["task_city_office"] = _task(plan, "2", city_office)
    world["task_gz"] = _task(plan, "3", gz_market)
    world["task_lz"] = _task(plan, "4", lz_market)
    # Led by the city office; its second measure alone is 临泽县市场监管局's (措施责任单位).
    world["task_measure_only"] = _task(plan, "5", city_office)
    from yingshang.plans.models import PlanMeasure

    measure = PlanMeasure.objects.create(task=world.task_measure_only, order=2, text="临泽县负责的措施")
    measure.lead_departments.set([lz_market])
    world["lz_measure"] = measure
    for key in ("task_city_market", "task_city_office", "task_gz", "task_lz", "task_measure_only"):
        _supervision(world, key, world[key])
    world["target"] = PlanTarget.objects.create(
        plan=plan,
        task=world.task_city_market,
        order=1,
        indicator="市场准入效率",
        indicator_key="市场准入效率",
        comparator=">=",
        value=Decimal(90),
        unit="%",
        text="市场准入效率达到90%以上",
    )

    for key, region, lead in (("gz", ganzhou, gz_market), ("lz", linze, lz_market)):
        county_plan = Plan.objects.create(
            title=f"{region.name}优化营商环境行动方案",
            year=YEAR,
            region=region,
            status="official",
            official_at=AT,
        )
        world[f"{key}_plan"] = county_plan
        world[f"task_{key}_plan"] = _task(county_plan, "1", lead, title=f"{region.name}任务")

    from yingshang.plans.models import Assessment
    from yingshang.plans.services import current_weights

    world["lz_assessment"] = Assessment.objects.create(
        plan=plan,
        period=f"{YEAR}Q1",
        subject_kind="county",
        subject_key=f"r{linze.pk}",
        subject_name=linze.name,
        region=linze,
        weights=current_weights(),
        components={},
        counts={},
        score=Decimal("80.00"),
        rank=1,
        computed_at=AT,
    )

    draft = Plan.objects.create(
        title="待核对的导入", year=YEAR, region=city, status="draft", created_by=world.city_admin
    )
    world["draft_plan"] = draft
    world["draft_task"] = _task(draft, "1", city_office)
    world["draft_targets"] = [
        PlanTarget.objects.create(
            plan=draft,
            order=order,
            indicator="破产案件结案率",
            indicator_key="破产案件结案率",
            comparator=">=",
            value=Decimal(value),
            unit="%",
            in_conflict=True,
            text=f"破产案件结案率达{value}%以上",
        )
        for order, value in ((1, 80), (2, 85))
    ]
