"""Measures (具体措施) with departments of their own: parsed from annotations, else inherited from the task; editable
in review; departments report per measure; roll-up measure → task → section."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from yingshang.core.audit import AuditEvent
from yingshang.core.models import Department
from yingshang.plans.models import PlanMeasure, PlanTask
from yingshang.plans.parsing import parse_plan
from yingshang.plans.selectors import measure_rows, measures_owned_by, plan_progress
from yingshang.plans.services import (
    record_progress,
    stage_plan_import,
    update_measure_assignment,
    update_task_assignment,
)

from .conftest import NOW

pytestmark = pytest.mark.django_db

ANNOTATED = """张掖市优化营商环境攻坚行动方案
一、主要任务
1.优化市场准入。严格落实负面清单（市发展改革委牵头，市商务局配合）。推行一业一证。（市市场监管局牵头）开展效能评估。
2.提升纳税服务。推广电子发票。〔牵头单位：市税务局；配合单位：市财政局〕
3.加强用地保障。
（1）深化标准地改革。（责任单位：市自然资源局）
（2）降低用地成本。（责任单位：市自然资源局、市财政局）
"""


def test_parser_gives_each_measure_the_units_of_its_own_annotation():
    tasks = {task.number: task for task in parse_plan(ANNOTATED).tasks}
    first = tasks["1"]
    assert first.measures == ("严格落实负面清单", "推行一业一证", "开展效能评估")
    assert first.measure_units == ((("市发展改革委",), ("市商务局",)), (("市市场监管局",), ()), ((), ()))
    assert (first.lead_units, first.co_units) == (("市发展改革委", "市市场监管局"), ("市商务局",))
    # One annotation for the whole task: the measures inherit it.
    assert tasks["2"].measure_units == (((), ()),)
    assert tasks["3"].measure_units == ((("市自然资源局",), ()), (("市自然资源局",), ("市财政局",)))


def test_the_seed_plan_has_no_measure_annotations_so_every_measure_inherits(draft_plan):
    assert not PlanMeasure.objects.filter(task__plan=draft_plan, lead_departments__isnull=False).exists()
    task = draft_plan.tasks.get(number="1")
    assert all(row.inherited for row in measure_rows(task))


def _dept(key, code="620700"):
    return Department.objects.get(function_key=key, region__code=code)


@pytest.fixture
def annotated_plan(cast):
    return stage_plan_import(data=ANNOTATED.encode(), filename="annotated.txt", by=cast.city_admin, now=NOW)


def test_import_matches_measure_units_to_departments(annotated_plan):
    task = annotated_plan.tasks.get(number="1")
    rows = measure_rows(task)
    assert [(r.measure.text, r.lead_names, r.co_names, r.inherited) for r in rows] == [
        ("严格落实负面清单", ["市发展改革委"], ["市商务局"], False),
        ("推行一业一证", ["市市场监管局"], [], False),
        ("开展效能评估", ["市发展改革委", "市市场监管局"], ["市商务局"], True),
    ]
    assert rows[1].measure.lead_units == ["市市场监管局"]


def test_measure_departments_are_editable_in_review_and_audited(annotated_plan, cast):
    measure = annotated_plan.tasks.get(number="2").measures.get()
    update_measure_assignment(
        measure=measure,
        by=cast.city_admin,
        lead_departments=[_dept("market", "620723")],
        co_departments=[],
        deadline=dt.date(2025, 6, 30),
    )
    event = AuditEvent.objects.filter(action="plan.measure.update").get()
    assert event.after["lead_departments"] == [_dept("market", "620723").pk]
    assert event.after["deadline"] == "2025-06-30"
    # Clearing both lists returns the measure to the task's departments.
    update_measure_assignment(measure=measure, by=cast.city_admin, lead_departments=[], co_departments=[])
    assert measure_rows(measure.task)[0].inherited


def test_co_departments_without_a_lead_are_refused(annotated_plan, cast):
    from yingshang.core.errors import BusinessRuleError

    measure = annotated_plan.tasks.get(number="2").measures.get()
    with pytest.raises(BusinessRuleError, match="同时指定牵头单位"):
        update_measure_assignment(
            measure=measure, by=cast.city_admin, lead_departments=[], co_departments=[_dept("market")]
        )
    assert not measure.lead_departments.exists() and not measure.co_departments.exists()


@pytest.fixture
def measure_plan(official_plan, cast):
    """Task 2 of the official seed plan (led by 市营商局) with its first measure given to 临泽县市场监管局."""
    task = official_plan.tasks.get(number="2")
    measure = task.measures.order_by("order").first()
    measure.lead_departments.set([_dept("market", "620723")])
    return task, measure


def test_a_department_owning_one_measure_sees_the_task_and_its_measure_in_my_tasks(measure_plan, cast):
    task, measure = measure_plan
    visible = set(PlanTask.objects.visible_to(cast.lz_staff).values_list("number", flat=True))
    assert visible == {"2", "6"}
    assert "2" in set(PlanTask.objects.visible_to(cast.lz_admin).values_list("number", flat=True))
    assert "2" not in set(PlanTask.objects.visible_to(cast.gz_staff).values_list("number", flat=True))
    owned = measures_owned_by(cast.lz_staff, PlanTask.objects.visible_to(cast.lz_staff))
    assert owned == {task.pk: [measure]}


def test_my_tasks_page_lists_the_measures_the_department_owns(measure_plan, cast, client_for):
    task, measure = measure_plan
    page = client_for(cast.lz_staff).get("/plans/mine/").content.decode()
    assert "本单位负责的措施" in page and measure.text in page


def test_a_measure_owner_reports_on_its_measure_and_the_task_rolls_up(measure_plan, cast):
    task, measure = measure_plan
    count = task.measures.count()
    record_progress(
        task=task, by=cast.lz_staff, percent=Decimal(100), text="已完成", now=NOW
    )  # its only measure
    measure.refresh_from_db()
    task.refresh_from_db()
    assert measure.progress == 100
    assert task.progress == (Decimal(100) / count).quantize(Decimal("0.1"))
    report = task.reports.get()
    assert (report.measure_id, report.department.name) == (measure.pk, "临泽县市场监督管理局")


def test_a_measure_owner_may_not_report_on_other_measures(measure_plan, cast):
    task, measure = measure_plan
    other = task.measures.exclude(pk=measure.pk).first()
    with pytest.raises(PermissionDenied):
        record_progress(task=task, by=cast.lz_staff, percent=Decimal(50), text="越权", now=NOW, measure=other)
    assert task.reports.count() == 0


def test_the_task_lead_still_reports_on_any_measure(measure_plan, cast):
    task, measure = measure_plan
    record_progress(task=task, by=cast.city_admin, percent=Decimal(40), text="代报", now=NOW, measure=measure)
    measure.refresh_from_db()
    assert measure.progress == 40


def test_roll_up_measure_to_task_to_section_to_plan(official_plan, cast):
    task = official_plan.tasks.get(number="1")
    measures = list(task.measures.order_by("order"))
    for measure in measures:
        record_progress(
            task=task, by=cast.city_staff, percent=Decimal(60), text="推进", now=NOW, measure=measure
        )
    task.refresh_from_db()
    assert task.progress == 60
    section_tasks = list(task.section.tasks.all())
    expected_section = sum((t.progress * t.weight for t in section_tasks), Decimal(0)) / sum(
        (t.weight for t in section_tasks), Decimal(0)
    )
    sections = [s for s in official_plan.sections.all() if s.tasks.exists()]
    assert plan_progress(official_plan) == (
        expected_section.quantize(Decimal("0.1"))
        * task.section.weight
        / sum((s.weight for s in sections), Decimal(0))
    ).quantize(Decimal("0.1"))


def test_reminders_reach_departments_that_own_only_a_measure(
    measure_plan, cast, django_capture_on_commit_callbacks
):
    from yingshang.core.models import Notification
    from yingshang.plans.services import send_reminders

    send_reminders(today=dt.date(2025, 3, 20))
    assert Notification.objects.filter(
        recipient=cast.lz_staff, link=f"/plans/tasks/{measure_plan[0].pk}/"
    ).exists()


def test_reassigning_the_task_changes_inherited_measures_only(measure_plan, cast):
    task, measure = measure_plan
    update_task_assignment(task=task, by=cast.city_admin, lead_departments=[_dept("market")])
    rows = measure_rows(task)
    assert rows[0].lead_names == ["临泽县市场监管局"] and not rows[0].inherited
    assert all(r.lead_names == ["市市场监管局"] for r in rows[1:])
