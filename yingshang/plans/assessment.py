"""Assessment reads (月通报、季考核、年评价): gathers a plan's data and applies `scoring` per department."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from yingshang.core.selectors import load_work_calendar
from yingshang.plans.choices import NoticeStatus, TaskStatus
from yingshang.plans.models import (
    Plan,
    PlanMeasure,
    PlanTask,
    ProgressReport,
    SupervisionNotice,
    TargetReading,
)
from yingshang.plans.scoring import FORMULA_TEXT, Score, completion, ratio, score, target_met
from yingshang.plans.selectors import TaskRow, plan_progress, status_counts, task_rows
from yingshang.plans.supervision import expected_progress, months_between, report_due_date

__all__ = [
    "FORMULA_TEXT",
    "Bulletin",
    "DepartmentScore",
    "MeasureItem",
    "chart_option",
    "department_scores",
    "monthly_bulletin",
]


@dataclass(frozen=True)
class DepartmentScore:
    department: str
    tasks: int
    reports_due: int
    reports_on_time: int
    targets_read: int
    targets_met: int
    score: Score
    measures: int = 0  # measures it leads in tasks it does not lead


@dataclass(frozen=True)
class MeasureItem:
    """A measure (具体措施) led by a department that does not lead its task: scored for that department."""

    task: PlanTask
    measure_id: int
    department_id: int
    department_name: str
    region_id: int | None
    progress: Decimal
    expected: Decimal
    start: dt.date
    deadline: dt.date


def measure_items(plan: Plan, rows: list[TaskRow], *, today: dt.date, calendar) -> list[MeasureItem]:
    """Measures led by departments other than their task's leads, with expected progress on `today`.

    A measure's expected progress runs from its task's start to its own deadline (the task's when it has none);
    a measure of a closed task counts as done. Two queries.
    """
    tasks = {row.task.pk: row.task for row in rows}
    items = []
    measures = (
        PlanMeasure.objects.filter(task__plan=plan, lead_departments__isnull=False)
        .distinct()
        .prefetch_related("lead_departments")
        .order_by("task_id", "order", "id")
    )
    for measure in measures:
        task = tasks.get(measure.task_id)
        if task is None:
            continue
        task_leads = {department.pk for department in task.lead_departments.all()}
        start = task.start_date or dt.date(plan.year, 1, 1)
        deadline = measure.deadline or task.deadline or dt.date(plan.year, 12, 31)
        expected = (
            Decimal(0)
            if task.closed_at is not None
            else expected_progress(start=start, deadline=deadline, today=today, calendar=calendar)
        )
        for department in measure.lead_departments.all():
            if department.pk in task_leads:
                continue
            items.append(
                MeasureItem(
                    task=task,
                    measure_id=measure.pk,
                    department_id=department.pk,
                    department_name=department.short_name or department.name,
                    region_id=department.region_id,
                    progress=measure.progress,
                    expected=expected,
                    start=start,
                    deadline=deadline,
                )
            )
    return items


def measure_report_spans(items: list[MeasureItem]) -> dict[int, tuple[PlanTask, dt.date, dt.date]]:
    """Per task: (task, first start, last deadline) over the items, so two measures of one task are one report."""
    spans: dict[int, tuple[PlanTask, dt.date, dt.date]] = {}
    for item in items:
        task, start, deadline = spans.get(item.task.pk, (item.task, item.start, item.deadline))
        spans[item.task.pk] = (task, min(start, item.start), max(deadline, item.deadline))
    return spans


def region_ids(region) -> set[int] | None:
    """The region and its children (a county and its towns), or None for no bound (city-wide)."""
    if region is None:
        return None
    from yingshang.core.models import Region

    return set(Region.objects.filter(Q(pk=region.pk) | Q(parent=region)).values_list("pk", flat=True))


def department_scores(plan: Plan, *, as_of: dt.date, region=None) -> list[DepartmentScore]:
    """Scores of every department leading a task or a measure on `as_of`, best first (only `region`'s if given).

    1. Derive each task's and each separately led measure's expected progress on the working-day calendar.
    2. Count monthly reports due up to `as_of` and those made by the due date, per (task, department).
    3. Compare each lead task's target's latest reading (up to `as_of`) with the target.
    4. Combine with `scoring.score`.
    """
    calendar = load_work_calendar()
    rows = task_rows(PlanTask.objects.filter(plan=plan), today=as_of, calendar=calendar)
    report_dates: dict[tuple[int, int], dict[dt.date, dt.date]] = defaultdict(dict)
    for task_id, department_id, period, reported_at in ProgressReport.objects.filter(
        task__plan=plan, reported_at__date__lte=as_of
    ).values_list("task_id", "department_id", "period", "reported_at"):
        first = report_dates[(task_id, department_id)].get(period)
        day = reported_at.date()
        if first is None or day < first:
            report_dates[(task_id, department_id)][period] = day
    latest: dict[int, Decimal] = {}
    for target_id, value in (
        TargetReading.objects.filter(target__plan=plan, as_of__lte=as_of)
        .order_by("target_id", "-as_of", "-id")
        .values_list("target_id", "value")
    ):
        latest.setdefault(target_id, value)
    targets_by_task: dict[int, list] = defaultdict(list)
    for target in plan.targets.filter(is_active=True, task__isnull=False):
        targets_by_task[target.task_id].append(target)

    by_department: dict[int, list[TaskRow]] = defaultdict(list)
    measures_of: dict[int, list[MeasureItem]] = defaultdict(list)
    names: dict[int, str] = {}
    bound = region_ids(region)
    for row in rows:
        for department in row.task.lead_departments.all():
            if bound is not None and department.region_id not in bound:
                continue
            by_department[department.pk].append(row)
            names[department.pk] = department.short_name or department.name
    for item in measure_items(plan, rows, today=as_of, calendar=calendar):
        if bound is None or item.region_id in bound:
            measures_of[item.department_id].append(item)
            names[item.department_id] = item.department_name
    results = []
    for department_id in names:
        department_rows = by_department.get(department_id, [])
        items = measures_of.get(department_id, [])
        due = on_time = read = met = 0
        spans = [
            (row.task, row.task.start_date or dt.date(plan.year, 1, 1), row.task.deadline)
            for row in department_rows
        ]
        spans += list(measure_report_spans(items).values())
        for task, start, last_day in spans:
            end = min(as_of, last_day or dt.date(plan.year, 12, 31))
            reports = report_dates.get((task.pk, department_id), {})
            for period in months_between(start, end):
                deadline = report_due_date(period, calendar)
                if deadline > as_of or (task.closed_at and task.closed_at.date() < period):
                    continue
                due += 1
                on_time += period in reports and reports[period] <= deadline
        for row in department_rows:
            for target in targets_by_task.get(row.task.pk, []):
                if target.pk in latest:
                    read += 1
                    met += target_met(
                        comparator=target.comparator,
                        value=target.value,
                        low=target.low,
                        high=target.high,
                        actual=latest[target.pk],
                    )
        pairs = [(r.task.progress, r.state.expected) for r in department_rows]
        pairs += [(item.progress, item.expected) for item in items]
        result = score(
            completion_rate=completion(pairs),
            timeliness_rate=ratio(on_time, due),
            attainment_rate=ratio(met, read) if read else None,
        )
        results.append(
            DepartmentScore(
                department=names[department_id],
                tasks=len(department_rows),
                reports_due=due,
                reports_on_time=on_time,
                targets_read=read,
                targets_met=met,
                score=result,
                measures=len(items),
            )
        )
    return sorted(results, key=lambda s: (-s.score.total, s.department))


def chart_option(scores: list[DepartmentScore]) -> dict:
    """An ECharts bar chart of the scores (rendered by static/js/app.js)."""
    return {
        "tooltip": {},
        "grid": {"left": 120, "right": 20, "top": 10, "bottom": 20},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "inverse": True, "data": [s.department for s in scores]},
        "series": [
            {
                "type": "bar",
                "data": [float(s.score.total) for s in scores],
                "itemStyle": {"color": "#a4161a"},
                "label": {"show": True, "position": "right"},
            }
        ],
    }


@dataclass(frozen=True)
class Bulletin:
    """A monthly bulletin (月通报) of a plan."""

    title: str
    plan_title: str
    as_of: dt.date
    progress: Decimal
    counts: dict[str, int]
    total: int
    lagging: list[TaskRow]
    scores: list[DepartmentScore]
    open_notices: int
    formula: str = FORMULA_TEXT

    @property
    def status_summary(self) -> str:
        return "，".join(f"{status.label} {self.counts[status.value]} 项" for status in TaskStatus)


def monthly_bulletin(plan: Plan, *, as_of: dt.date, region=None) -> Bulletin:
    """The bulletin for the month of `as_of`: overall progress, status counts, lagging tasks, scores.

    With `region` (a county office), only the tasks led by that county's departments and their scores."""
    tasks = PlanTask.objects.filter(plan=plan)
    bound = region_ids(region)
    if bound is not None:
        tasks = tasks.filter(lead_departments__region__in=bound).distinct()
    rows = task_rows(tasks, today=as_of)
    lagging = [row for row in rows if row.state.status in (TaskStatus.LAGGING, TaskStatus.OVERDUE)]
    return Bulletin(
        title=f"{plan.title}推进情况通报（{as_of.year}年{as_of.month}月）",
        plan_title=plan.title,
        as_of=as_of,
        progress=plan_progress(plan),
        counts=status_counts(rows),
        total=len(rows),
        lagging=lagging,
        scores=department_scores(plan, as_of=as_of, region=region),
        open_notices=SupervisionNotice.objects.filter(task__in=tasks)
        .exclude(status=NoticeStatus.CLOSED)
        .count(),
    )


# -- 季度考核 and 年度评价 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    """One department's or county's quarterly components and score (not yet saved)."""

    subject_kind: str  # "department" | "county"
    subject_key: str
    subject_name: str
    department_id: int | None
    region_id: int | None
    components: dict[str, Decimal | None]
    counts: dict[str, int]
    score: Decimal


def quarterly_results(
    plan: Plan, *, year: int, quarter: int, weights: dict[str, Decimal]
) -> list[PeriodResult]:
    """Quarterly components of every department leading a task or a measure, and of every county (its
    departments' tasks and measures), best first.

    1. Derive each task's and each separately led measure's state at the quarter's last day (完成度).
    2. Count the monthly reports due in the quarter and those made by their due date (及时率).
    3. Count the 督办单 issued in the quarter and those answered within their reply deadline (督办响应率).
    4. Count the problems due by the quarter's end and those closed (销号) by their due date (问题销号率).
    5. Combine with `scoring.period_score` and the weights in force.
    """
    from yingshang.core.models import Region
    from yingshang.plans.models import IssueItem, SupervisionReply
    from yingshang.plans.scoring import period_score, quarter_bounds

    start, end = quarter_bounds(year, quarter)
    calendar = load_work_calendar()
    rows = task_rows(PlanTask.objects.filter(plan=plan), today=end, calendar=calendar)
    reports: dict[tuple[int, int], dict[dt.date, dt.date]] = defaultdict(dict)
    for task_id, department_id, period, reported_at in ProgressReport.objects.filter(
        task__plan=plan, reported_at__date__lte=end
    ).values_list("task_id", "department_id", "period", "reported_at"):
        first = reports[(task_id, department_id)].get(period)
        if first is None or reported_at.date() < first:
            reports[(task_id, department_id)][period] = reported_at.date()
    first_reply: dict[int, dt.date] = {}
    for notice_id, created_at in (
        SupervisionReply.objects.filter(notice__task__plan=plan, kind="reply")
        .order_by("created_at")
        .values_list("notice_id", "created_at")
    ):
        first_reply.setdefault(notice_id, created_at.date())
    notices = list(
        SupervisionNotice.objects.filter(
            task__plan=plan, issued_at__date__gte=start, issued_at__date__lte=end
        ).values_list("pk", "task_id", "reply_due")
    )
    issues = list(
        IssueItem.objects.filter(plan=plan, raised_at__date__lte=end).values_list(
            "department_id", "task_id", "due_date", "closed_at"
        )
    )

    departments: dict[int, tuple[str, int]] = {}
    tasks_of: dict[int, list[TaskRow]] = defaultdict(list)
    measures_of: dict[int, list[MeasureItem]] = defaultdict(list)
    for row in rows:
        for department in row.task.lead_departments.all():
            departments[department.pk] = (department.short_name or department.name, department.region_id)
            tasks_of[department.pk].append(row)
    for item in measure_items(plan, rows, today=end, calendar=calendar):
        departments[item.department_id] = (item.department_name, item.region_id)
        measures_of[item.department_id].append(item)
    counties = {region.pk: region for region in Region.objects.filter(kind="county")}
    county_of = {region_id: region_id for region_id in counties}
    for child_id, parent_id in Region.objects.filter(parent_id__in=counties).values_list("pk", "parent_id"):
        county_of[child_id] = parent_id

    def components(
        subject_rows: list[TaskRow], subject_measures: list[MeasureItem], department_ids: set[int]
    ) -> tuple[dict, dict]:
        task_ids = {row.task.pk for row in subject_rows}
        # A measure of a task the subject also leads is already covered by that task.
        subject_measures = [item for item in subject_measures if item.task.pk not in task_ids]
        spans = [
            (row.task, row.task.start_date or dt.date(plan.year, 1, 1), row.task.deadline)
            for row in subject_rows
        ]
        spans += list(measure_report_spans(subject_measures).values())
        due = on_time = 0
        for task, task_start, last_day in spans:
            first_month = max(start, task_start)
            last_month = min(end, last_day or dt.date(plan.year, 12, 31))
            for period in months_between(first_month, last_month):
                deadline = report_due_date(period, calendar)
                if deadline > end or (task.closed_at and task.closed_at.date() < period):
                    continue
                due += 1
                made = [reports.get((task.pk, d), {}).get(period) for d in department_ids]
                on_time += any(day is not None and day <= deadline for day in made)
        issued = [(pk, reply_due) for pk, task_id, reply_due in notices if task_id in task_ids]
        answered = sum(1 for pk, reply_due in issued if pk in first_reply and first_reply[pk] <= reply_due)
        problems = [
            (due_date or end, closed_at)
            for department_id, task_id, due_date, closed_at in issues
            if department_id in department_ids and (due_date or end) <= end
        ]
        closed = sum(
            1 for due_day, closed_at in problems if closed_at is not None and closed_at.date() <= due_day
        )
        pairs = [(r.task.progress, r.state.expected) for r in subject_rows]
        pairs += [(item.progress, item.expected) for item in subject_measures]
        values = {
            "completion": completion(pairs),
            "timeliness": ratio(on_time, due) if due else None,
            "supervision": ratio(answered, len(issued)) if issued else None,
            "problems": ratio(closed, len(problems)) if problems else None,
        }
        counts = {
            "tasks": len(subject_rows),
            "measures": len(subject_measures),
            "reports_due": due,
            "reports_on_time": on_time,
            "notices": len(issued),
            "notices_answered": answered,
            "problems": len(problems),
            "problems_closed": closed,
        }
        return values, counts

    results: list[PeriodResult] = []
    for department_id, (name, _region) in departments.items():
        values, counts = components(tasks_of[department_id], measures_of[department_id], {department_id})
        results.append(
            PeriodResult(
                "department",
                f"d{department_id}",
                name,
                department_id,
                None,
                values,
                counts,
                period_score(values, weights),
            )
        )
    by_county: dict[int, set[int]] = defaultdict(set)
    for department_id, (_, region_id) in departments.items():
        if region_id in county_of:
            by_county[county_of[region_id]].add(department_id)
    for county_id, department_ids in by_county.items():
        subject_rows = list({row.task.pk: row for d in department_ids for row in tasks_of[d]}.values())
        subject_measures = [item for d in department_ids for item in measures_of[d]]
        values, counts = components(subject_rows, subject_measures, department_ids)
        results.append(
            PeriodResult(
                "county",
                f"r{county_id}",
                counties[county_id].name,
                None,
                county_id,
                values,
                counts,
                period_score(values, weights),
            )
        )
    return sorted(results, key=lambda r: (r.subject_kind != "department", -r.score, r.subject_name))
