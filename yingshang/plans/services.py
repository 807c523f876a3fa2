"""Use cases of the plans app (行动方案): staged import, review corrections, making a plan official."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yingshang.core.audit import Change, record_change, record_changes, snapshot
from yingshang.core.errors import BusinessRuleError, ConflictError, InvalidUpload
from yingshang.core.models import Department, Region
from yingshang.core.selectors import load_work_calendar
from yingshang.core.services import notify
from yingshang.plans.access import supervises_task
from yingshang.plans.choices import (
    EDITABLE_PLAN_STATUSES,
    NOTICE_TRANSITIONS,
    PLAN_TRANSITIONS,
    Comparator,
    IssueStatus,
    NoticeStatus,
    PlanStatus,
    ReplyKind,
    TaskKind,
)
from yingshang.plans.importing import detect_year, read_plan_upload
from yingshang.plans.keys import indicator_key
from yingshang.plans.models import (
    IssueItem,
    Plan,
    PlanMeasure,
    PlanMilestone,
    PlanSection,
    PlanTarget,
    PlanTask,
    ProgressEvidence,
    ProgressReport,
    SupervisionNotice,
    SupervisionReply,
    TargetReading,
)
from yingshang.plans.parsing import ParsedPlan
from yingshang.plans.selectors import department_refs
from yingshang.plans.supervision import month_start, rollup
from yingshang.plans.units import match_unit

SECTION_TITLES = {TaskKind.KEY_ACTION: "攻坚重点", TaskKind.SAFEGUARD: "保障措施"}
TASK_FIELDS = ["title", "deadline", "start_date", "weight", "lead_units", "co_units", "unmatched_units"]
TARGET_FIELDS = ["indicator", "indicator_key", "comparator", "value", "low", "high", "unit", "growth", "soft",
                 "period", "task", "is_active", "in_conflict"]


def _decimal(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _require_editable(plan: Plan) -> None:
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise ConflictError(f"方案已是“{plan.get_status_display()}”，不能再修改导入结果。", code="plan_not_editable")


@transaction.atomic
def stage_plan_import(*, data: bytes, filename: str, by, now: dt.datetime, region: Region | None = None,
                      year: int | None = None) -> Plan:
    """Import a plan file as a draft (待核对) plan: all or nothing, reviewed in the UI before it is official.

    1. Decode and parse the file; a bad file raises InvalidUpload before anything is written.
    2. Create the plan, its sections, tasks and measures; match responsible units to departments.
    3. Create the targets, linked to their task, with conflicts flagged for the reviewer.
    4. Record one audit event for the import.
    """
    text, parsed = read_plan_upload(data, filename)
    region = region or Region.objects.filter(kind="city").order_by("sort_order").first()
    year = year or detect_year(parsed.title, text, default=timezone.localtime(now).year)
    plan = Plan.objects.create(title=parsed.title[:200] or filename[:200], year=year, region=region,
                               status=PlanStatus.DRAFT, goals=list(parsed.goals), source_text=text,
                               source_filename=filename[:200], created_by=by if getattr(by, "pk", None) else None)
    plan.source_file.save(filename or "plan.txt", ContentFile(data), save=True)
    build_plan_structure(plan=plan, parsed=parsed)
    record_change(actor=by, action="plan.import", obj=plan,
                  after={"title": plan.title, "year": year, "tasks": len(parsed.tasks),
                         "targets": len(parsed.targets), "conflicts": len(parsed.conflicts)},
                  region_code=region.code if region else "")
    return plan


def build_plan_structure(*, plan: Plan, parsed: ParsedPlan) -> None:
    """Sections, tasks, measures and targets of a freshly created plan (called inside the import transaction)."""
    # 1. Sections in order of first appearance.
    sections: dict[tuple[str, str], PlanSection] = {}
    for task in parsed.tasks:
        kind = str(task.kind)
        key = (kind, task.section or SECTION_TITLES.get(kind, "主要任务"))
        if key not in sections:
            sections[key] = PlanSection(plan=plan, number=str(len(sections) + 1), title=key[1][:300], kind=kind,
                                        order=len(sections) + 1)
    PlanSection.objects.bulk_create(sections.values())

    # 2. Tasks with matched departments.
    refs = department_refs()
    city_name = plan.region.name if plan.region and plan.region.kind == "city" else _city_name()
    default_code = plan.region.code if plan.region else ""
    _, deadline = _year_bounds(plan.year)
    tasks: list[PlanTask] = []
    links: list[tuple[PlanTask, list[int], list[int]]] = []
    for order, parsed_task in enumerate(parsed.tasks, start=1):
        kind = str(parsed_task.kind)
        lead_ids, co_ids, unmatched = [], [], []
        for names, ids in ((parsed_task.lead_units, lead_ids), (parsed_task.co_units, co_ids)):
            for name in names:
                found = match_unit(name, refs, city_name=city_name, default_region_code=default_code)
                ids.extend(found)
                if not found:
                    unmatched.append(name)
        task = PlanTask(plan=plan, section=sections[(kind, parsed_task.section or SECTION_TITLES.get(kind, "主要任务"))],
                        number=parsed_task.number[:20], kind=kind, title=parsed_task.title[:300] or "（无标题）",
                        order=order, lead_units=list(parsed_task.lead_units), co_units=list(parsed_task.co_units),
                        unmatched_units=unmatched, deadline=deadline)
        tasks.append(task)
        links.append((task, lead_ids, co_ids))
    PlanTask.objects.bulk_create(tasks)
    lead_through = PlanTask.lead_departments.through
    co_through = PlanTask.co_departments.through
    lead_through.objects.bulk_create(
        [lead_through(plantask_id=task.pk, department_id=d) for task, lead, _ in links for d in dict.fromkeys(lead)])
    co_through.objects.bulk_create(
        [co_through(plantask_id=task.pk, department_id=d) for task, lead, co in links
         for d in dict.fromkeys(co) if d not in lead])
    PlanMeasure.objects.bulk_create(
        [PlanMeasure(task=task, order=order, text=text)
         for task, parsed_task in zip(tasks, parsed.tasks, strict=True)
         for order, text in enumerate(parsed_task.measures or (parsed_task.title,), start=1)])

    # 3. Targets.
    by_number = {task.number: task for task in tasks}
    conflicting = {id(target) for conflict in parsed.conflicts for target in conflict.targets}
    start, end = _year_bounds(plan.year)
    PlanTarget.objects.bulk_create([
        PlanTarget(plan=plan, task=by_number.get(target.task_number or ""), order=order,
                   indicator=target.indicator[:200], indicator_key=indicator_key(target.indicator),
                   comparator=target.comparator, value=_decimal(target.value), low=_decimal(target.low),
                   high=_decimal(target.high), unit=target.unit, growth=target.growth, soft=target.soft,
                   period=(target.period or "")[:20], text=target.text, effective_from=start, effective_to=end,
                   in_conflict=id(target) in conflicting)
        for order, target in enumerate(parsed.targets, start=1)
    ])


def _city_name() -> str:
    city = Region.objects.filter(kind="city").order_by("sort_order").first()
    return city.name if city else ""


@transaction.atomic
def update_task_assignment(*, task: PlanTask, by, title: str | None = None, deadline: dt.date | None = None,
                           start_date: dt.date | None = None, weight: Decimal | None = None,
                           lead_departments: Sequence[Department] | None = None,
                           co_departments: Sequence[Department] | None = None, reason: str = "") -> PlanTask:
    """Correct a task of a plan under review, or assign departments/deadline (任务分工) on an official plan."""
    if task.plan.status == PlanStatus.ARCHIVED:
        raise ConflictError("方案已归档，不能修改任务。", code="plan_archived")
    if task.closed_at is not None:
        raise ConflictError(f"任务“{task.number}”已办结，不能修改分工。", code="task_closed")
    before = snapshot(task, TASK_FIELDS)
    before["lead_departments"] = sorted(task.lead_departments.values_list("pk", flat=True))
    before["co_departments"] = sorted(task.co_departments.values_list("pk", flat=True))
    if title is not None:
        if not title.strip():
            raise BusinessRuleError("任务名称不能为空。", field="title")
        task.title = title.strip()[:300]
    if deadline is not None:
        if not (dt.date(task.plan.year, 1, 1) <= deadline <= dt.date(task.plan.year + 1, 12, 31)):
            raise BusinessRuleError(f"完成时限 {deadline} 不在方案年度 {task.plan.year} 年（或次年）内。",
                                    field="deadline")
        task.deadline = deadline
    if start_date is not None:
        task.start_date = start_date
    if task.start_date and task.deadline and task.start_date > task.deadline:
        raise BusinessRuleError("开始日期不能晚于完成时限。", field="start_date")
    if weight is not None:
        if weight <= 0 or weight > 100:
            raise BusinessRuleError("权重须大于 0 且不超过 100。", field="weight")
        task.weight = weight
    if lead_departments is not None:
        task.lead_departments.set(lead_departments)
        task.unmatched_units = []
    if co_departments is not None:
        lead_ids = {d.pk for d in (lead_departments if lead_departments is not None else task.lead_departments.all())}
        task.co_departments.set([d for d in co_departments if d.pk not in lead_ids])
    task.save(update_fields=["title", "deadline", "start_date", "weight", "unmatched_units"])
    after = snapshot(task, TASK_FIELDS)
    after["lead_departments"] = sorted(task.lead_departments.values_list("pk", flat=True))
    after["co_departments"] = sorted(task.co_departments.values_list("pk", flat=True))
    if after != before:
        record_change(actor=by, action="plan.task.update", obj=task, before=before, after=after, reason=reason,
                      region_code=task.plan.region.code if task.plan.region else "")
    return task


def _target_values(comparator: str, value, low, high) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    if comparator not in Comparator.values:
        raise BusinessRuleError(f"比较方式“{comparator}”无效，应为 >=、<=、= 或 range。", field="comparator")
    value, low, high = _decimal(value), _decimal(low), _decimal(high)
    if comparator == Comparator.RANGE:
        if low is None or high is None:
            raise BusinessRuleError("区间目标须同时填写下限和上限。", field="low")
        if low > high:
            raise BusinessRuleError(f"区间下限 {low} 大于上限 {high}。", field="low")
        return None, low, high
    if value is None:
        raise BusinessRuleError("请填写目标值。", field="value")
    return value, None, None


@transaction.atomic
def update_plan_target(*, target: PlanTarget, by, indicator: str, comparator: str, value=None, low=None,
                       high=None, unit: str = "", growth: bool = False, soft: bool = False, period: str = "",
                       task: PlanTask | None = None) -> PlanTarget:
    """Correct one target of a plan under review (指标核对)."""
    _require_editable(target.plan)
    if not indicator.strip():
        raise BusinessRuleError("指标名称不能为空。", field="indicator")
    if task is not None and task.plan_id != target.plan_id:
        raise BusinessRuleError("所属任务不属于本方案。", field="task")
    before = snapshot(target, TARGET_FIELDS)
    target.value, target.low, target.high = _target_values(comparator, value, low, high)
    target.indicator = indicator.strip()[:200]
    target.indicator_key = indicator_key(target.indicator)
    target.comparator, target.unit, target.growth, target.soft = comparator, unit.strip()[:20], growth, soft
    target.period, target.task = period.strip()[:20], task
    target.save(update_fields=[*TARGET_FIELDS])
    record_change(actor=by, action="plan.target.update", obj=target, before=before,
                  after=snapshot(target, TARGET_FIELDS))
    return target


@transaction.atomic
def add_plan_target(*, plan: Plan, by, indicator: str, comparator: str, value=None, low=None, high=None,
                    unit: str = "", growth: bool = False, soft: bool = False, period: str = "", text: str = "",
                    task: PlanTask | None = None) -> PlanTarget:
    """Add a target the parser missed."""
    _require_editable(plan)
    if not indicator.strip():
        raise BusinessRuleError("指标名称不能为空。", field="indicator")
    value, low, high = _target_values(comparator, value, low, high)
    start, end = _year_bounds(plan.year)
    order = (plan.targets.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    target = PlanTarget.objects.create(
        plan=plan, task=task, order=order, indicator=indicator.strip()[:200], indicator_key=indicator_key(indicator),
        comparator=comparator, value=value, low=low, high=high, unit=unit[:20], growth=growth, soft=soft,
        period=period[:20], text=text or "（人工补充）", effective_from=start, effective_to=end)
    record_change(actor=by, action="plan.target.add", obj=target, after=snapshot(target, TARGET_FIELDS))
    return target


@transaction.atomic
def set_target_active(*, target: PlanTarget, by, active: bool, reason: str = "") -> PlanTarget:
    """Keep or set aside a target (e.g. a misread sentence) during review."""
    _require_editable(target.plan)
    before = snapshot(target, ["is_active"])
    target.is_active = active
    target.save(update_fields=["is_active"])
    record_change(actor=by, action="plan.target.activate" if active else "plan.target.set_aside", obj=target,
                  before=before, after={"is_active": active}, reason=reason)
    return target


@transaction.atomic
def resolve_target_conflict(*, keep: PlanTarget, by, reason: str = "") -> list[PlanTarget]:
    """Resolve a conflict (指标冲突): keep one target, set aside the others with the same indicator."""
    _require_editable(keep.plan)
    group = list(keep.plan.targets.filter(indicator_key=keep.indicator_key, in_conflict=True))
    if keep not in group:
        raise BusinessRuleError("该指标没有待处理的冲突。", code="no_conflict")
    changes = []
    for target in group:
        before = {"is_active": target.is_active, "in_conflict": True}
        target.is_active = target.pk == keep.pk
        target.in_conflict = False
        changes.append(Change(action="plan.target.resolve_conflict", object_type="plans.plantarget",
                              object_id=str(target.pk), object_label=str(target), before=before,
                              after={"is_active": target.is_active, "in_conflict": False}))
    PlanTarget.objects.bulk_update(group, ["is_active", "in_conflict"])
    record_changes(changes, actor=by, reason=reason or f"保留“{keep.text[:60]}”中的目标")
    return group


def review_problems(plan: Plan) -> list[str]:
    """What still blocks making the plan official, in Chinese (empty when it can be confirmed)."""
    problems = []
    conflicts = sorted(set(plan.targets.filter(in_conflict=True).values_list("indicator", flat=True)))
    for name in conflicts:
        problems.append(f"指标“{name}”存在相互冲突的目标，请选择保留哪一个。")
    unassigned = list(plan.tasks.filter(lead_departments__isnull=True).order_by("order")
                      .values_list("number", flat=True))
    if unassigned:
        problems.append(f"任务 {'、'.join(unassigned)} 尚未指定牵头单位。")
    return problems


@transaction.atomic
def change_plan_status(*, plan: Plan, to: str, by, now: dt.datetime, reason: str = "") -> Plan:
    """Move a plan along PLAN_TRANSITIONS; becoming official requires a clean review."""
    allowed = PLAN_TRANSITIONS.get(plan.status, {})
    if to not in allowed:
        raise ConflictError(f"方案当前为“{plan.get_status_display()}”，不能执行该操作。", code="bad_transition")
    if to == PlanStatus.OFFICIAL:
        problems = review_problems(plan)
        if problems:
            raise BusinessRuleError("方案还不能确认为正式任务清单：" + " ".join(problems), code="review_incomplete",
                                    details=problems)
        existing = Plan.objects.filter(status=PlanStatus.OFFICIAL, year=plan.year, region=plan.region).exclude(
            pk=plan.pk)
        if existing.exists():
            raise ConflictError(f"{plan.year} 年本区划已有正式任务清单“{existing.first().title}”，请先将其归档。",
                                code="official_exists")
        plan.official_at = now
    before = {"status": plan.status}
    plan.status = to
    plan.save(update_fields=["status", "official_at", "updated_at"])
    record_change(actor=by, action=f"plan.status.{to}", obj=plan, before=before, after={"status": to},
                  reason=reason, region_code=plan.region.code if plan.region else "")
    return plan


@transaction.atomic
def discard_plan(*, plan: Plan, by) -> None:
    """Delete a staged (draft) import that should not be kept."""
    if plan.status != PlanStatus.DRAFT:
        raise ConflictError("只有草稿状态的导入可以删除。", code="not_draft")
    record_change(actor=by, action="plan.discard", obj=plan, before={"title": plan.title, "year": plan.year})
    plan.source_file.delete(save=False)
    plan.delete()



# -- progress (进展报送) ---------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx", ".txt", ".zip")


def _check_evidence(files) -> None:
    for upload in files:
        name = getattr(upload, "name", "") or ""
        if not name.lower().endswith(EVIDENCE_SUFFIXES):
            raise InvalidUpload(f"佐证材料“{name}”的类型不支持，请上传 PDF、图片、Word、Excel 或压缩包。",
                                field="evidence")
        if getattr(upload, "size", 0) > MAX_EVIDENCE_BYTES:
            raise InvalidUpload(f"佐证材料“{name}”超过 20 MB。", field="evidence")


def reporting_department(task: PlanTask, user) -> Department | None:
    """The department a user reports for on a task: theirs if it leads or supports the task."""
    department = getattr(user, "department", None)
    if department is None:
        return None
    owners = set(task.lead_departments.values_list("pk", flat=True)) | set(
        task.co_departments.values_list("pk", flat=True))
    return department if department.pk in owners else None


@transaction.atomic
def record_progress(*, task: PlanTask, by, percent, text: str, now: dt.datetime, measure: PlanMeasure | None = None,
                    evidence_files=(), target_values: dict[int, Decimal] | None = None) -> ProgressReport:
    """A department reports progress (进展报送) on a task or one of its measures.

    1. Refuse reports on a plan that is not official, on a closed task, or with a percent outside 0–100.
    2. Save the report, its evidence and any target readings.
    3. Update the measure's progress and roll the task up from its measures (or set it directly).
    """
    percent = _decimal(percent)
    if percent is not None and not percent.is_finite():
        raise BusinessRuleError(f"完成进度“{percent}”不是有效数字。", field="percent")
    if task.plan.status != PlanStatus.OFFICIAL:
        raise ConflictError("方案尚未确认为正式任务清单，暂不能报送进展。", code="plan_not_official")
    if task.closed_at is not None:
        raise ConflictError(f"任务“{task.number} {task.title}”已办结，不能再报送进展。", code="task_closed")
    if percent is None or percent < 0 or percent > 100:
        raise BusinessRuleError(f"完成进度须在 0% 到 100% 之间（填写的是 {percent if percent is not None else '空'}）。",
                                field="percent")
    if not text or not text.strip():
        raise BusinessRuleError("请填写进展情况。", field="text")
    if measure is not None and measure.task_id != task.pk:
        raise BusinessRuleError("所选措施不属于该任务。", field="measure")
    _check_evidence(evidence_files)
    department = reporting_department(task, by)
    if department is None:
        if not (supervises_task(by, task) or by.is_superuser):
            raise PermissionDenied("只有牵头或配合单位可以报送该任务的进展。")
        # The office enters a report on behalf of the lead department (代报).
        department = task.lead_departments.order_by("path").first()
    today = timezone.localtime(now).date()
    report = ProgressReport.objects.create(task=task, measure=measure, department=department, reported_by=by,
                                           period=month_start(today), percent=percent, text=text.strip(),
                                           reported_at=now)
    for upload in evidence_files:
        ProgressEvidence.objects.create(report=report, file=upload, original_name=upload.name[:200])
    for target_id, value in (target_values or {}).items():
        target = task.targets.filter(pk=target_id, is_active=True).first()
        if target is None:
            raise BusinessRuleError("填写的指标不属于该任务。", field="targets")
        TargetReading.objects.create(target=target, value=Decimal(str(value)), as_of=today, source="progress",
                                     reported_by=by, note=f"进展报送 #{report.pk}")
    before = {"progress": str(task.progress)}
    if measure is not None:
        measure.progress = percent
        measure.save(update_fields=["progress"])
        task.progress = rollup((m.progress, m.weight) for m in task.measures.all())
    else:
        task.progress = percent
    task.save(update_fields=["progress"])
    record_change(actor=by, action="plan.progress.report", obj=task, before=before,
                  after={"progress": str(task.progress), "report": report.pk, "measure": measure.pk if measure else None},
                  region_code=task.plan.region.code if task.plan.region else "",
                  department_path=department.path if department else "")
    return report


@transaction.atomic
def set_weights(*, task: PlanTask | None = None, section: PlanSection | None = None, by,
                weights: dict[int, Decimal]) -> None:
    """Edit roll-up weights (权重): of a task's measures (task=…) or of a section's tasks (section=…)."""
    rows = list(task.measures.all()) if task is not None else list(section.tasks.all())
    by_id = {row.pk: row for row in rows}
    changes = []
    for row_id, weight in weights.items():
        weight = _decimal(weight)
        if row_id not in by_id:
            raise BusinessRuleError("权重对应的条目不存在。", field="weights")
        if weight is None or weight < 0 or weight > 100:
            raise BusinessRuleError(f"权重须在 0 到 100 之间（填写的是 {weight}）。", field="weights")
        row = by_id[row_id]
        if row.weight != weight:
            changes.append(Change(action="plan.weight.update", object_type=row._meta.label_lower,
                                  object_id=str(row.pk), object_label=str(row), before={"weight": str(row.weight)},
                                  after={"weight": str(weight)}))
            row.weight = weight
    if rows:
        type(rows[0]).objects.bulk_update(rows, ["weight"])
    if task is not None and rows:
        task.progress = rollup((m.progress, m.weight) for m in rows)
        task.save(update_fields=["progress"])
    record_changes(changes, actor=by)


@transaction.atomic
def close_task(*, task: PlanTask, by, now: dt.datetime, note: str = "") -> PlanTask:
    """Close (办结) a finished task; afterwards no more progress can be reported."""
    if task.closed_at is not None:
        raise ConflictError("任务已办结。", code="task_closed")
    if task.progress < 100:
        raise BusinessRuleError(f"任务进度为 {task.progress}%，达到 100% 后才能办结。", code="not_finished")
    task.closed_at = now
    task.save(update_fields=["closed_at"])
    record_change(actor=by, action="plan.task.close", obj=task, before={"closed_at": None},
                  after={"closed_at": now}, reason=note)
    return task


@transaction.atomic
def add_milestone(*, task: PlanTask, by, title: str, due_date: dt.date) -> PlanMilestone:
    """Add a milestone (节点) to a task; it must fall within the task's period."""
    if not title.strip():
        raise BusinessRuleError("请填写节点名称。", field="title")
    if task.deadline and due_date > task.deadline:
        raise BusinessRuleError(f"节点日期 {due_date} 晚于任务完成时限 {task.deadline}。", field="due_date")
    milestone = PlanMilestone.objects.create(task=task, title=title.strip()[:200], due_date=due_date,
                                             order=task.milestones.count() + 1)
    record_change(actor=by, action="plan.milestone.add", obj=milestone, after={"title": milestone.title,
                                                                                "due_date": due_date})
    return milestone


@transaction.atomic
def complete_milestone(*, milestone: PlanMilestone, by, done_on: dt.date) -> PlanMilestone:
    if milestone.done_on is not None:
        raise ConflictError("该节点已完成。")
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record_change(actor=by, action="plan.milestone.done", obj=milestone, before={"done_on": None},
                  after={"done_on": done_on})
    return milestone


# -- supervision (督办) and the issue ledger (问题台账) ---------------------------------------------------

DEFAULT_REPLY_WORKING_DAYS = 5


def _department_users(departments):
    from yingshang.accounts.models import User

    return User.objects.filter(department__in=departments, is_active=True)


@transaction.atomic
def issue_supervision_notice(*, task: PlanTask, by, reason: str, now: dt.datetime,
                             reply_working_days: int = DEFAULT_REPLY_WORKING_DAYS) -> SupervisionNotice:
    """Issue a supervision notice (督办单) on a task; the lead departments must reply within N working days."""
    if task.plan.status != PlanStatus.OFFICIAL:
        raise ConflictError("只能对正式任务清单中的任务发起督办。", code="plan_not_official")
    if task.closed_at is not None:
        raise ConflictError("任务已办结，无需督办。", code="task_closed")
    if not reason.strip():
        raise BusinessRuleError("请填写督办事由。", field="reason")
    if not 1 <= reply_working_days <= 30:
        raise BusinessRuleError("回复期限须为 1 到 30 个工作日。", field="reply_working_days")
    today = timezone.localtime(now).date()
    reply_due = load_work_calendar().add_working_days(today, reply_working_days)
    sequence = SupervisionNotice.objects.filter(issued_at__year=today.year).count() + 1
    notice = SupervisionNotice.objects.create(task=task, number=f"督办〔{today.year}〕{sequence}号",
                                              reason=reason.strip(), reply_due=reply_due, issued_by=by,
                                              issued_at=now)
    record_change(actor=by, action="plan.notice.issue", obj=notice,
                  after={"task": task.pk, "reply_due": reply_due, "reason": notice.reason})
    link = f"/plans/notices/{notice.pk}/"
    recipients = list(_department_users(task.lead_departments.all()))
    transaction.on_commit(lambda: [
        notify(recipient=user, title=f"督办通知：{task.number} {task.title}",
               body=f"{notice.reason}\n请于 {reply_due:%Y年%m月%d日} 前回复。", link=link,
               dedupe_key=f"plans:notice:{notice.pk}:{user.pk}") for user in recipients])
    return notice


def _notice_transition(notice: SupervisionNotice, to: str) -> None:
    if to not in NOTICE_TRANSITIONS[notice.status]:
        raise ConflictError(f"督办单当前为“{notice.get_status_display()}”，不能执行该操作。", code="bad_transition")


@transaction.atomic
def reply_to_notice(*, notice: SupervisionNotice, by, text: str, now: dt.datetime) -> SupervisionReply:
    """The responsible department replies to a supervision notice."""
    _notice_transition(notice, NoticeStatus.REPLIED)
    if not text.strip():
        raise BusinessRuleError("请填写回复内容。", field="text")
    if reporting_department(notice.task, by) is None and not supervises_task(by, notice.task):
        raise PermissionDenied("只有责任单位可以回复督办。")
    reply = SupervisionReply.objects.create(notice=notice, kind=ReplyKind.REPLY, text=text.strip(), author=by,
                                            created_at=now)
    before = {"status": notice.status}
    notice.status = NoticeStatus.REPLIED
    notice.save(update_fields=["status"])
    record_change(actor=by, action="plan.notice.reply", obj=notice, before=before,
                  after={"status": notice.status, "reply": reply.pk})
    if notice.issued_by_id:
        issuer = notice.issued_by
        transaction.on_commit(lambda: notify(recipient=issuer, title=f"督办已回复：{notice.number}",
                                             body=reply.text[:200], link=f"/plans/notices/{notice.pk}/",
                                             dedupe_key=f"plans:notice-reply:{reply.pk}"))
    return reply


@transaction.atomic
def follow_up_notice(*, notice: SupervisionNotice, by, text: str, now: dt.datetime,
                     reply_working_days: int = DEFAULT_REPLY_WORKING_DAYS) -> SupervisionReply:
    """The city office follows up (跟踪督办) on a reply it finds insufficient: the notice reopens."""
    _notice_transition(notice, NoticeStatus.OPEN)
    if not text.strip():
        raise BusinessRuleError("请填写跟踪督办意见。", field="text")
    reply = SupervisionReply.objects.create(notice=notice, kind=ReplyKind.FOLLOW_UP, text=text.strip(), author=by,
                                            created_at=now)
    before = {"status": notice.status, "reply_due": notice.reply_due}
    notice.status = NoticeStatus.OPEN
    notice.reply_due = load_work_calendar().add_working_days(timezone.localtime(now).date(), reply_working_days)
    notice.save(update_fields=["status", "reply_due"])
    record_change(actor=by, action="plan.notice.follow_up", obj=notice, before=before,
                  after={"status": notice.status, "reply_due": notice.reply_due})
    return reply


@transaction.atomic
def close_notice(*, notice: SupervisionNotice, by, now: dt.datetime) -> SupervisionNotice:
    """Close (办结) a supervision notice once its reply is accepted."""
    _notice_transition(notice, NoticeStatus.CLOSED)
    if notice.status == NoticeStatus.OPEN and not notice.replies.filter(kind=ReplyKind.REPLY).exists():
        raise BusinessRuleError("责任单位尚未回复，不能办结督办单。", code="no_reply")
    open_issues = notice.issues.filter(status=IssueStatus.OPEN).count()
    if open_issues:
        raise BusinessRuleError(f"该督办下还有 {open_issues} 个问题未销号。", code="open_issues")
    before = {"status": notice.status}
    notice.status = NoticeStatus.CLOSED
    notice.closed_at = now
    notice.save(update_fields=["status", "closed_at"])
    record_change(actor=by, action="plan.notice.close", obj=notice, before=before, after={"status": notice.status})
    return notice


@transaction.atomic
def raise_issue(*, task: PlanTask, by, description: str, now: dt.datetime, department: Department | None = None,
                due_date: dt.date | None = None, notice: SupervisionNotice | None = None) -> IssueItem:
    """Register a problem in the issue ledger (问题台账)."""
    if not description.strip():
        raise BusinessRuleError("请填写问题描述。", field="description")
    if notice is not None and notice.task_id != task.pk:
        raise BusinessRuleError("督办单不属于该任务。", field="notice")
    department = department or task.lead_departments.order_by("path").first()
    issue = IssueItem.objects.create(plan=task.plan, task=task, notice=notice, description=description.strip(),
                                     department=department, due_date=due_date, raised_by=by, raised_at=now)
    record_change(actor=by, action="plan.issue.raise", obj=issue,
                  after={"task": task.pk, "description": issue.description, "due_date": due_date})
    return issue


@transaction.atomic
def close_issue(*, issue: IssueItem, by, note: str, evidence, now: dt.datetime) -> IssueItem:
    """Close (销号) an issue: only with a note on the rectification and an evidence file."""
    if issue.status == IssueStatus.CLOSED:
        raise ConflictError("该问题已销号。", code="already_closed")
    if not note or not note.strip():
        raise BusinessRuleError("销号须填写整改情况。", field="note")
    if evidence is None:
        raise BusinessRuleError("销号须上传整改佐证材料。", field="evidence")
    _check_evidence([evidence])
    issue.status = IssueStatus.CLOSED
    issue.closing_note = note.strip()
    issue.closing_evidence.save(evidence.name, evidence, save=False)
    issue.closed_by = by
    issue.closed_at = now
    issue.save(update_fields=["status", "closing_note", "closing_evidence", "closed_by", "closed_at"])
    record_change(actor=by, action="plan.issue.close", obj=issue, before={"status": IssueStatus.OPEN},
                  after={"status": IssueStatus.CLOSED, "note": issue.closing_note,
                         "evidence": issue.closing_evidence.name})
    return issue


def send_reminders(*, today: dt.date) -> int:
    """Notify department users of a monthly report due in 3 working days (not yet made this month) and of
    task deadlines 3 working days away; each reminder is sent once (dedupe key). Returns how many were sent."""
    from yingshang.plans.supervision import REMINDER_WORKING_DAYS, reminder_date, report_due_date

    calendar = load_work_calendar()
    period = month_start(today)
    report_due = report_due_date(period, calendar)
    report_reminder = reminder_date(report_due, calendar) == today
    tasks = (PlanTask.objects.filter(plan__status=PlanStatus.OFFICIAL, closed_at__isnull=True)
             .select_related("plan").prefetch_related("lead_departments", "co_departments"))
    reported = set(ProgressReport.objects.filter(period=period).values_list("task_id", "department_id"))
    sent = 0
    for task in tasks:
        departments = list(task.lead_departments.all()) + list(task.co_departments.all())
        deadline_soon = task.deadline is not None and reminder_date(task.deadline, calendar) == today
        for department in departments:
            for user in _department_users([department]):
                if report_reminder and (task.pk, department.pk) not in reported:
                    sent += notify(recipient=user, title=f"请于 {report_due:%m月%d日} 前报送任务进展",
                                   body=f"{task.number} {task.title}：本月进展尚未报送。", link=f"/plans/tasks/{task.pk}/",
                                   dedupe_key=f"plans:report:{task.pk}:{period:%Y-%m}:{user.pk}") is not None
                if deadline_soon:
                    sent += notify(recipient=user, title=f"任务将于 {REMINDER_WORKING_DAYS} 个工作日后到期",
                                   body=f"{task.number} {task.title}：完成时限 {task.deadline:%Y年%m月%d日}，"
                                        f"当前进度 {task.progress}%。", link=f"/plans/tasks/{task.pk}/",
                                   dedupe_key=f"plans:deadline:{task.pk}:{task.deadline}:{user.pk}") is not None
    return sent


@transaction.atomic
def open_supervision(*, title: str, department, reason: str, source: str, by, now: dt.datetime,
                     plan_target_ids: Sequence[int] = ()) -> SupervisionNotice:
    """Open a 督办 from outside task supervision (e.g. a lagging monitoring indicator).

    The notice goes on the official-plan task that owns one of the indicator's targets (the department
    responsible for it replies); without such a task there is nothing to supervise and a clear error says so.
    """
    targets = PlanTarget.objects.filter(pk__in=list(plan_target_ids), task__isnull=False,
                                        plan__status=PlanStatus.OFFICIAL, task__closed_at__isnull=True)
    target = targets.select_related("task", "task__plan").order_by("-plan__year", "pk").first()
    task = target.task if target is not None else None
    if task is None and department is not None:
        # A goal-level target has no task: supervise the department's open task in the newest official plan.
        task = (PlanTask.objects.filter(plan__status=PlanStatus.OFFICIAL, closed_at__isnull=True,
                                        lead_departments=department).order_by("-plan__year", "pk").first())
    if task is None:
        raise BusinessRuleError("该指标没有关联到正式任务清单中由责任部门牵头的未办结任务，无法转督办。", code="no_task")
    return issue_supervision_notice(task=task, by=by, now=now,
                                    reason=f"{title}：{reason}（来源：{source}）"[:1000])
