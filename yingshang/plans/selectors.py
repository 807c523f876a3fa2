"""Reads of the plans app; `official_targets` / `targets_for_plan` are the single source of truth for targets.

The monitoring app links its indicators to `PlanTarget` rows through these functions (match on
`indicator_key`, see `yingshang.plans.keys.indicator_key`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from yingshang.core.models import Department, Region
from yingshang.core.selectors import load_work_calendar
from yingshang.plans.choices import Light, NoticeStatus, PlanStatus, TaskStatus
from yingshang.plans.keys import indicator_key
from yingshang.plans.models import Plan, PlanMeasure, PlanSection, PlanTarget, PlanTask
from yingshang.plans.supervision import CachedCalendar, TaskState, missed_milestones, rollup, task_state
from yingshang.plans.units import DepartmentRef

__all__ = ["department_refs", "indicator_key", "official_plan", "official_targets", "targets_for_plan"]


def department_refs() -> list[DepartmentRef]:
    """Every active department as the unit matcher sees it."""
    return [
        DepartmentRef(
            id=d.pk,
            name=d.name,
            short_name=d.short_name,
            function_key=d.function_key,
            region_code=d.region.code,
            region_name=d.region.name,
            region_kind=d.region.kind,
        )
        for d in Department.objects.filter(is_active=True).select_related("region").order_by("path")
    ]


def review_tasks(plan: Plan) -> list[PlanTask]:
    """Tasks of a plan under review with their measures and departments in a fixed number of queries; each task and
    measure carries `lead_ids` / `co_ids` so department pickers mark the chosen ones without a query per option."""
    tasks = list(
        plan.tasks.select_related("section")
        .prefetch_related(
            "lead_departments", "co_departments", "measures__lead_departments", "measures__co_departments"
        )
        .order_by("order")
    )
    for task in tasks:
        for item in (task, *task.measures.all()):
            item.lead_ids = {d.pk for d in item.lead_departments.all()}
            item.co_ids = {d.pk for d in item.co_departments.all()}
    return tasks


def targets_for_plan(plan: Plan) -> QuerySet[PlanTarget]:
    """The plan's active targets (set-aside and superseded conflict targets excluded), in plan order."""
    return PlanTarget.objects.filter(plan=plan, is_active=True).select_related("task").order_by("order", "id")


def official_plan(year: int, region: Region | None = None) -> Plan | None:
    """The official plan (正式任务清单) of a year, for a region (default: the city)."""
    plans = Plan.objects.filter(status=PlanStatus.OFFICIAL, year=year)
    plans = plans.filter(region__kind="city") if region is None else plans.filter(region=region)
    return plans.order_by("-official_at", "-id").first()


def official_targets(year: int, region: Region | None = None) -> QuerySet[PlanTarget]:
    """Active targets of the year's official plan for a region (the city by default); empty if none."""
    plan = official_plan(year, region)
    if plan is None:
        return PlanTarget.objects.none()
    return targets_for_plan(plan)


@dataclass(frozen=True)
class TaskRow:
    """One task as the ledger shows it: the task, its derived state and its owners."""

    task: PlanTask
    state: TaskState
    leads: list[str]
    co: list[str]
    open_notices: int

    @property
    def status_label(self) -> str:
        """The status, with the reason when a missed milestone makes the task 滞后 (shown in every ledger)."""
        label = TaskStatus(self.state.status).label
        if self.state.reason.startswith("节点"):
            return f"{label}：{self.state.reason}"
        return label

    @property
    def light_label(self) -> str:
        return Light(self.state.light).label

    @property
    def light_class(self) -> str:
        """The shared stylesheet's colour class for the light."""
        return {"green": "ok", "yellow": "warn", "red": "bad"}[self.state.light]


@dataclass(frozen=True)
class SectionRow:
    section: PlanSection
    progress: Decimal
    tasks: list[TaskRow]


def ledger_calendar() -> CachedCalendar:
    """The working-day calendar of a supervision ledger (pass it to `task_rows`, then ask `estimate_note`)."""
    return CachedCalendar(load_work_calendar())


def estimate_note(calendar: CachedCalendar) -> str:
    """What a ledger page says when some of its figures rest on a year without an entered holiday schedule."""
    if not calendar.estimated_years:
        return ""
    years = "、".join(str(year) for year in sorted(calendar.estimated_years))
    return (f"{years} 年的法定节假日安排尚未录入，涉及该年的应完成进度和即将到期提示暂按周一至周五估算；"
            "请管理员在“工作日历调整”中录入后自动按实际安排计算。")


def task_rows(tasks: QuerySet[PlanTask], *, today: dt.date, calendar=None) -> list[TaskRow]:
    """Tasks with their derived status and light, in a constant number of queries."""
    if not isinstance(calendar, CachedCalendar):
        calendar = CachedCalendar(calendar or load_work_calendar())
    tasks = (
        tasks.select_related("plan", "section")
        .prefetch_related("lead_departments", "co_departments", "milestones")
        .annotate(
            report_count=Count("reports", distinct=True),
            open_notice_count=Count("notices", filter=~Q(notices__status=NoticeStatus.CLOSED), distinct=True),
        )
        .order_by("plan", "order", "id")
    )
    rows = []
    for task in tasks:
        deadline = task.deadline or dt.date(task.plan.year, 12, 31)
        start = task.start_date or dt.date(task.plan.year, 1, 1)
        missed = missed_milestones(
            ((m.title, m.due_date, m.done_on) for m in task.milestones.all()), today=today, calendar=calendar
        )
        state = task_state(
            progress=task.progress,
            start=start,
            deadline=deadline,
            today=today,
            calendar=calendar,
            closed=task.closed_at is not None,
            reported=task.report_count > 0,
            missed=missed,
        )
        rows.append(
            TaskRow(
                task=task,
                state=state,
                leads=[d.short_name or d.name for d in task.lead_departments.all()],
                co=[d.short_name or d.name for d in task.co_departments.all()],
                open_notices=task.open_notice_count,
            )
        )
    return rows


def section_rows(plan: Plan, rows: list[TaskRow]) -> list[SectionRow]:
    """Sections of a plan with the weighted progress of the (visible) tasks under them."""
    by_section: dict[int | None, list[TaskRow]] = {}
    for row in rows:
        by_section.setdefault(row.task.section_id, []).append(row)
    result = []
    for section in plan.sections.order_by("order"):
        members = by_section.get(section.pk, [])
        if members:
            result.append(
                SectionRow(
                    section=section,
                    progress=rollup((r.task.progress, r.task.weight) for r in members),
                    tasks=members,
                )
            )
    return result


def plan_progress(plan: Plan) -> Decimal:
    """Whole-plan progress: sections weighted, each section the weighted mean of its tasks."""
    sections = []
    for section in plan.sections.prefetch_related("tasks"):
        tasks = list(section.tasks.all())
        if tasks:
            sections.append((rollup((t.progress, t.weight) for t in tasks), section.weight))
    return rollup(sections)


def status_counts(rows: list[TaskRow]) -> dict[str, int]:
    counts = {status.value: 0 for status in TaskStatus}
    lights = {light.value: 0 for light in Light}
    for row in rows:
        counts[row.state.status] += 1
        lights[row.state.light] += 1
    return {**counts, **lights}


LIGHT_COLOURS = {"green": "#1a7f37", "yellow": "#bf8700", "red": "#cf222e"}


def gantt_data(plan: Plan, rows: list[TaskRow], today: dt.date) -> dict:
    """Data for the timeline (Gantt) drawn by static/js/plans.js: one bar per task, milestones, today."""
    from yingshang.plans.models import PlanMilestone

    milestones = PlanMilestone.objects.filter(task__in=[row.task.pk for row in rows]).values_list(
        "task_id", "title", "due_date", "done_on"
    )
    index = {row.task.pk: position for position, row in enumerate(rows)}
    return {
        "categories": [f"{row.task.number} {row.task.title}" for row in rows],
        "bars": [
            {
                "start": (row.task.start_date or dt.date(plan.year, 1, 1)).isoformat(),
                "end": (row.task.deadline or dt.date(plan.year, 12, 31)).isoformat(),
                "progress": float(row.task.progress),
                "status": row.status_label,
                "colour": LIGHT_COLOURS[row.state.light],
            }
            for row in rows
        ],
        "milestones": [
            {"row": index[task_id], "title": title, "date": due.isoformat(), "done": done is not None}
            for task_id, title, due, done in milestones
        ],
        "today": today.isoformat(),
    }


@dataclass(frozen=True)
class MeasureRow:
    """A measure with its effective departments: its own, or the task's when it has none (inherited)."""

    measure: PlanMeasure
    leads: list[Department]
    co: list[Department]
    inherited: bool

    @property
    def lead_names(self) -> list[str]:
        return [d.short_name or d.name for d in self.leads]

    @property
    def co_names(self) -> list[str]:
        return [d.short_name or d.name for d in self.co]


def measure_rows(task: PlanTask) -> list[MeasureRow]:
    """The task's measures in order, each with its effective lead and co departments."""
    task_leads, task_co = list(task.lead_departments.all()), list(task.co_departments.all())
    rows = []
    for measure in task.measures.prefetch_related("lead_departments", "co_departments").order_by(
        "order", "id"
    ):
        leads, co = list(measure.lead_departments.all()), list(measure.co_departments.all())
        inherited = not (leads or co)
        rows.append(
            MeasureRow(
                measure=measure,
                leads=task_leads if inherited else leads,
                co=task_co if inherited else co,
                inherited=inherited,
            )
        )
    return rows


def measures_owned_by(user, tasks) -> dict[int, list[PlanMeasure]]:
    """For 我的任务: per task id, the measures named for the user's department (and below, for a leader)."""
    from yingshang.accounts.roles import DataScope

    department = getattr(user, "department", None)
    if department is None:
        return {}
    if user.data_scope == DataScope.DEPARTMENT_TREE:
        departments = Department.objects.filter(path__startswith=department.path).values("pk")
    else:
        departments = [department.pk]
    # IN (subquery) per link table rather than joining both (no row fan-out, no DISTINCT).
    mine = Q(pk__in=PlanMeasure.lead_departments.through.objects.filter(department__in=departments)
             .values("planmeasure_id")) | Q(
        pk__in=PlanMeasure.co_departments.through.objects.filter(department__in=departments).values("planmeasure_id")
    )
    owned: dict[int, list[PlanMeasure]] = {}
    for measure in PlanMeasure.objects.filter(mine, task__in=tasks).order_by("task_id", "order", "id"):
        owned.setdefault(measure.task_id, []).append(measure)
    return owned
