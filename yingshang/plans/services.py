"""Use cases of the plans app (行动方案): staged import, review corrections, making a plan official."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
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
    Assessment,
    AssessmentWeights,
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
TARGET_FIELDS = [
    "indicator",
    "indicator_key",
    "comparator",
    "value",
    "low",
    "high",
    "unit",
    "growth",
    "soft",
    "period",
    "task",
    "is_active",
    "in_conflict",
]


def _decimal(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _require_editable(plan: Plan) -> None:
    if plan.status not in EDITABLE_PLAN_STATUSES:
        raise ConflictError(
            f"方案已是“{plan.get_status_display()}”，不能再修改导入结果。", code="plan_not_editable"
        )


@transaction.atomic
def stage_plan_import(
    *, data: bytes, filename: str, by, now: dt.datetime, region: Region | None = None, year: int | None = None
) -> Plan:
    """Import a plan file as a draft (待核对) plan: all or nothing, reviewed in the UI before it is official.

    1. Decode and parse the file; a bad file raises InvalidUpload before anything is written.
    2. Create the plan, its sections, tasks and measures; match responsible units to departments.
    3. Create the targets, linked to their task, with conflicts flagged for the reviewer.
    4. Record one audit event for the import.
    """
    text, parsed = read_plan_upload(data, filename)
    region = region or Region.objects.filter(kind="city").order_by("sort_order").first()
    year = year or detect_year(parsed.title, text, default=timezone.localtime(now).year)
    plan = Plan.objects.create(
        title=parsed.title[:200] or filename[:200],
        year=year,
        region=region,
        status=PlanStatus.DRAFT,
        goals=list(parsed.goals),
        source_text=text,
        source_filename=filename[:200],
        created_by=by if getattr(by, "pk", None) else None,
    )
    plan.source_file.save(filename or "plan.txt", ContentFile(data), save=True)
    build_plan_structure(plan=plan, parsed=parsed)
    record_change(
        actor=by,
        action="plan.import",
        obj=plan,
        after={
            "title": plan.title,
            "year": year,
            "tasks": len(parsed.tasks),
            "targets": len(parsed.targets),
            "conflicts": len(parsed.conflicts),
        },
        region_code=region.code if region else "",
    )
    return plan


def build_plan_structure(*, plan: Plan, parsed: ParsedPlan) -> None:
    """Sections, tasks, measures and targets of a freshly created plan (called inside the import transaction)."""
    # 1. Sections in order of first appearance.
    sections: dict[tuple[str, str], PlanSection] = {}
    for task in parsed.tasks:
        kind = str(task.kind)
        key = (kind, task.section or SECTION_TITLES.get(kind, "主要任务"))
        if key not in sections:
            sections[key] = PlanSection(
                plan=plan,
                number=str(len(sections) + 1),
                title=key[1][:300],
                kind=kind,
                order=len(sections) + 1,
            )
    PlanSection.objects.bulk_create(sections.values())

    # 2. Tasks with matched departments.
    refs = department_refs()
    city_name = plan.region.name if plan.region and plan.region.kind == "city" else _city_name()
    default_code = plan.region.code if plan.region else ""
    _, deadline = _year_bounds(plan.year)
    tasks: list[PlanTask] = []
    links: list[tuple[PlanTask, list[int], list[int]]] = []
    used_numbers: set[str] = set()
    for order, parsed_task in enumerate(parsed.tasks, start=1):
        kind = str(parsed_task.kind)
        # A plan that repeats a number (a pasted block twice, sloppy numbering) still imports: later duplicates
        # get a suffix ("3-2") for the reviewer to correct.
        number, copy = parsed_task.number[:17], 1
        while (number if copy == 1 else f"{number}-{copy}") in used_numbers:
            copy += 1
        number = number if copy == 1 else f"{number}-{copy}"
        used_numbers.add(number)
        lead_ids, co_ids, unmatched = [], [], []
        for names, ids in ((parsed_task.lead_units, lead_ids), (parsed_task.co_units, co_ids)):
            for name in names:
                found = match_unit(name, refs, city_name=city_name, default_region_code=default_code)
                ids.extend(found)
                if not found:
                    unmatched.append(name)
        task = PlanTask(
            plan=plan,
            section=sections[(kind, parsed_task.section or SECTION_TITLES.get(kind, "主要任务"))],
            number=number,
            kind=kind,
            title=parsed_task.title[:300] or "（无标题）",
            order=order,
            lead_units=list(parsed_task.lead_units),
            co_units=list(parsed_task.co_units),
            unmatched_units=unmatched,
            deadline=_task_deadline(parsed_task.deadline_text, plan.year, deadline),
        )
        tasks.append(task)
        links.append((task, lead_ids, co_ids))
    PlanTask.objects.bulk_create(tasks)
    lead_through = PlanTask.lead_departments.through
    co_through = PlanTask.co_departments.through
    lead_through.objects.bulk_create(
        [
            lead_through(plantask_id=task.pk, department_id=d)
            for task, lead, _ in links
            for d in dict.fromkeys(lead)
        ]
    )
    co_through.objects.bulk_create(
        [
            co_through(plantask_id=task.pk, department_id=d)
            for task, lead, co in links
            for d in dict.fromkeys(co)
            if d not in lead
        ]
    )
    measures: list[tuple[PlanMeasure, list[int], list[int]]] = []
    for task, parsed_task in zip(tasks, parsed.tasks, strict=True):
        units = list(parsed_task.measure_units) or [((), ())] * len(parsed_task.measures)
        for order, (text, (lead_units, co_units)) in enumerate(
            zip(parsed_task.measures or (parsed_task.title,), units or [((), ())], strict=False), start=1
        ):
            lead_ids = [
                d
                for name in lead_units
                for d in match_unit(name, refs, city_name=city_name, default_region_code=default_code)
            ]
            co_ids = [
                d
                for name in co_units
                for d in match_unit(name, refs, city_name=city_name, default_region_code=default_code)
            ]
            measures.append(
                (
                    PlanMeasure(
                        task=task,
                        order=order,
                        text=text,
                        lead_units=list(lead_units),
                        co_units=list(co_units),
                    ),
                    lead_ids,
                    co_ids,
                )
            )
    PlanMeasure.objects.bulk_create([measure for measure, _, _ in measures])
    measure_lead = PlanMeasure.lead_departments.through
    measure_co = PlanMeasure.co_departments.through
    measure_lead.objects.bulk_create(
        [
            measure_lead(planmeasure_id=m.pk, department_id=d)
            for m, lead, _ in measures
            for d in dict.fromkeys(lead)
        ]
    )
    measure_co.objects.bulk_create(
        [
            measure_co(planmeasure_id=m.pk, department_id=d)
            for m, lead, co in measures
            for d in dict.fromkeys(co)
            if d not in lead
        ]
    )

    # 3. Targets.
    by_number = {task.number: task for task in tasks}
    conflicting = {id(target) for conflict in parsed.conflicts for target in conflict.targets}
    start, end = _year_bounds(plan.year)
    PlanTarget.objects.bulk_create(
        [
            PlanTarget(
                plan=plan,
                task=by_number.get(target.task_number or ""),
                order=order,
                indicator=target.indicator[:200],
                indicator_key=indicator_key(target.indicator),
                comparator=target.comparator,
                value=_decimal(target.value),
                low=_decimal(target.low),
                high=_decimal(target.high),
                unit=target.unit,
                growth=target.growth,
                soft=target.soft,
                period=(target.period or "")[:20],
                text=target.text,
                effective_from=start,
                effective_to=end,
                in_conflict=id(target) in conflicting,
            )
            for order, target in enumerate(parsed.targets, start=1)
        ]
    )


def _task_deadline(text: str, year: int, default: dt.date) -> dt.date:
    """A task table's 时限 as a date within the plan year or the next; else the plan year's end."""
    from yingshang.plans.tables import parse_deadline

    day = parse_deadline(text, year) if text else None
    return day if day is not None and dt.date(year, 1, 1) <= day <= dt.date(year + 1, 12, 31) else default


def _city_name() -> str:
    city = Region.objects.filter(kind="city").order_by("sort_order").first()
    return city.name if city else ""


@transaction.atomic
def update_task_assignment(
    *,
    task: PlanTask,
    by,
    title: str | None = None,
    deadline: dt.date | None = None,
    start_date: dt.date | None = None,
    weight: Decimal | None = None,
    lead_departments: Sequence[Department] | None = None,
    co_departments: Sequence[Department] | None = None,
    reason: str = "",
) -> PlanTask:
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
            raise BusinessRuleError(
                f"完成时限 {deadline} 不在方案年度 {task.plan.year} 年（或次年）内。", field="deadline"
            )
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
        lead_ids = {
            d.pk for d in (lead_departments if lead_departments is not None else task.lead_departments.all())
        }
        task.co_departments.set([d for d in co_departments if d.pk not in lead_ids])
    task.save(update_fields=["title", "deadline", "start_date", "weight", "unmatched_units"])
    after = snapshot(task, TASK_FIELDS)
    after["lead_departments"] = sorted(task.lead_departments.values_list("pk", flat=True))
    after["co_departments"] = sorted(task.co_departments.values_list("pk", flat=True))
    if after != before:
        record_change(
            actor=by,
            action="plan.task.update",
            obj=task,
            before=before,
            after=after,
            reason=reason,
            region_code=task.plan.region.code if task.plan.region else "",
        )
    return task


def _target_values(
    comparator: str, value, low, high
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
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
def plan_task_by_number(plan: Plan, number: str) -> PlanTask | None:
    """A target's 所属任务 given by its task number: blank is the plan's overall goal (总体目标); a number the plan
    does not have is refused."""
    number = (number or "").strip()
    if not number:
        return None
    task = plan.tasks.filter(number=number).first()
    if task is None:
        raise BusinessRuleError(f"所属任务编号“{number[:20]}”不在本方案中（留空表示总体目标）。", field="task_number")
    return task


def update_plan_target(
    *,
    target: PlanTarget,
    by,
    indicator: str,
    comparator: str,
    value=None,
    low=None,
    high=None,
    unit: str = "",
    growth: bool = False,
    soft: bool = False,
    period: str = "",
    task: PlanTask | None = None,
) -> PlanTarget:
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
    record_change(
        actor=by,
        action="plan.target.update",
        obj=target,
        before=before,
        after=snapshot(target, TARGET_FIELDS),
    )
    return target


@transaction.atomic
def add_plan_target(
    *,
    plan: Plan,
    by,
    indicator: str,
    comparator: str,
    value=None,
    low=None,
    high=None,
    unit: str = "",
    growth: bool = False,
    soft: bool = False,
    period: str = "",
    text: str = "",
    task: PlanTask | None = None,
) -> PlanTarget:
    """Add a target the parser missed."""
    _require_editable(plan)
    if not indicator.strip():
        raise BusinessRuleError("指标名称不能为空。", field="indicator")
    value, low, high = _target_values(comparator, value, low, high)
    start, end = _year_bounds(plan.year)
    order = (plan.targets.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    target = PlanTarget.objects.create(
        plan=plan,
        task=task,
        order=order,
        indicator=indicator.strip()[:200],
        indicator_key=indicator_key(indicator),
        comparator=comparator,
        value=value,
        low=low,
        high=high,
        unit=unit[:20],
        growth=growth,
        soft=soft,
        period=period[:20],
        text=text or "（人工补充）",
        effective_from=start,
        effective_to=end,
    )
    record_change(actor=by, action="plan.target.add", obj=target, after=snapshot(target, TARGET_FIELDS))
    return target


@transaction.atomic
def set_target_active(*, target: PlanTarget, by, active: bool, reason: str = "") -> PlanTarget:
    """Keep or set aside a target (e.g. a misread sentence) during review."""
    _require_editable(target.plan)
    before = snapshot(target, ["is_active"])
    target.is_active = active
    target.save(update_fields=["is_active"])
    record_change(
        actor=by,
        action="plan.target.activate" if active else "plan.target.set_aside",
        obj=target,
        before=before,
        after={"is_active": active},
        reason=reason,
    )
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
        changes.append(
            Change(
                action="plan.target.resolve_conflict",
                object_type="plans.plantarget",
                object_id=str(target.pk),
                object_label=str(target),
                before=before,
                after={"is_active": target.is_active, "in_conflict": False},
            )
        )
    PlanTarget.objects.bulk_update(group, ["is_active", "in_conflict"])
    record_changes(changes, actor=by, reason=reason or f"保留“{keep.text[:60]}”中的目标")
    return group


def review_problems(plan: Plan) -> list[str]:
    """What still blocks making the plan official, in Chinese (empty when it can be confirmed)."""
    problems = []
    conflicts = sorted(set(plan.targets.filter(in_conflict=True).values_list("indicator", flat=True)))
    for name in conflicts:
        problems.append(f"指标“{name}”存在相互冲突的目标，请选择保留哪一个。")
    unassigned = list(
        plan.tasks.filter(lead_departments__isnull=True).order_by("order").values_list("number", flat=True)
    )
    if unassigned:
        problems.append(f"任务 {'、'.join(unassigned)} 尚未指定牵头单位。")
    return problems


@transaction.atomic
def change_plan_status(*, plan: Plan, to: str, by, now: dt.datetime, reason: str = "") -> Plan:
    """Move a plan along PLAN_TRANSITIONS; becoming official requires a clean review."""
    allowed = PLAN_TRANSITIONS.get(plan.status, {})
    if to not in allowed:
        raise ConflictError(
            f"方案当前为“{plan.get_status_display()}”，不能执行该操作。", code="bad_transition"
        )
    if to == PlanStatus.OFFICIAL:
        problems = review_problems(plan)
        if problems:
            raise BusinessRuleError(
                "方案还不能确认为正式任务清单：" + " ".join(problems),
                code="review_incomplete",
                details=problems,
            )
        existing = Plan.objects.filter(
            status=PlanStatus.OFFICIAL, year=plan.year, region=plan.region
        ).exclude(pk=plan.pk)
        if existing.exists():
            raise ConflictError(
                f"{plan.year} 年本区划已有正式任务清单“{existing.first().title}”，请先将其归档。",
                code="official_exists",
            )
        plan.official_at = now
    before = {"status": plan.status}
    plan.status = to
    plan.save(update_fields=["status", "official_at", "updated_at"])
    record_change(
        actor=by,
        action=f"plan.status.{to}",
        obj=plan,
        before=before,
        after={"status": to},
        reason=reason,
        region_code=plan.region.code if plan.region else "",
    )
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


# What each kind of evidence file starts with; a file whose content does not match its name is refused.
EVIDENCE_MAGIC = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8",),
    ".jpeg": (b"\xff\xd8",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def _check_evidence(files) -> None:
    """Refuse evidence (佐证材料) of a type not accepted, empty, too big, or whose content is not what its name says."""
    for upload in files:
        name = getattr(upload, "name", "") or ""
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if suffix not in EVIDENCE_SUFFIXES:
            raise InvalidUpload(
                f"佐证材料“{name}”的类型不支持，请上传 PDF、图片、Word、Excel 或压缩包。", field="evidence"
            )
        size = getattr(upload, "size", 0) or 0
        if size > MAX_EVIDENCE_BYTES:
            raise InvalidUpload(f"佐证材料“{name}”超过 20 MB。", field="evidence")
        if size == 0:
            raise InvalidUpload(f"佐证材料“{name}”是空文件。", field="evidence")
        upload.seek(0)
        head = upload.read(512)
        upload.seek(0)
        expected = EVIDENCE_MAGIC.get(suffix)
        if expected is not None and not head.startswith(expected):
            raise InvalidUpload(
                f"佐证材料“{name}”的内容与扩展名不符（不是真正的 {suffix[1:].upper()} 文件），"
                "请上传原始文件。",
                field="evidence",
            )
        if suffix == ".txt" and b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InvalidUpload(f"佐证材料“{name}”不是文本文件。", field="evidence")


def reporting_department(task: PlanTask, user) -> Department | None:
    """The department a user reports for on a task: theirs if it leads or supports the task or one of its measures."""
    department = getattr(user, "department", None)
    if department is None:
        return None
    if owns_task(task, department) or owned_measures(task, department):
        return department
    return None


def owns_task(task: PlanTask, department: Department) -> bool:
    """Whether the department leads or supports the task as a whole."""
    return (
        task.lead_departments.filter(pk=department.pk).exists()
        or task.co_departments.filter(pk=department.pk).exists()
    )


def owned_measures(task: PlanTask, department: Department) -> list[PlanMeasure]:
    """The task's measures named for the department itself (措施责任单位)."""
    return list(
        task.measures.filter(Q(lead_departments=department) | Q(co_departments=department)).distinct()
    )


@transaction.atomic
def update_measure_assignment(
    *,
    measure: PlanMeasure,
    by,
    lead_departments: Sequence[Department],
    co_departments: Sequence[Department],
    deadline: dt.date | None = None,
    reason: str = "",
) -> PlanMeasure:
    """Give a measure (具体措施) its own lead and co departments, or none (then it inherits the task's)."""
    task = measure.task
    if task.plan.status == PlanStatus.ARCHIVED:
        raise ConflictError("方案已归档，不能修改措施。", code="plan_archived")
    if task.closed_at is not None:
        raise ConflictError(f"任务“{task.number}”已办结，不能修改措施分工。", code="task_closed")
    if co_departments and not lead_departments:
        raise BusinessRuleError(
            "只填写配合单位时请同时指定牵头单位（都不填则沿用任务的责任单位）。", field="lead"
        )
    if deadline is not None and task.deadline and deadline > task.deadline:
        raise BusinessRuleError(
            f"措施完成时限 {deadline} 晚于任务完成时限 {task.deadline}。", field="deadline"
        )
    before = {
        "lead_departments": sorted(measure.lead_departments.values_list("pk", flat=True)),
        "co_departments": sorted(measure.co_departments.values_list("pk", flat=True)),
        "deadline": measure.deadline,
    }
    lead_ids = {d.pk for d in lead_departments}
    measure.lead_departments.set(lead_departments)
    measure.co_departments.set([d for d in co_departments if d.pk not in lead_ids])
    measure.deadline = deadline
    measure.save(update_fields=["deadline"])
    after = {
        "lead_departments": sorted(measure.lead_departments.values_list("pk", flat=True)),
        "co_departments": sorted(measure.co_departments.values_list("pk", flat=True)),
        "deadline": measure.deadline,
    }
    if after != before:
        record_change(
            actor=by,
            action="plan.measure.update",
            obj=measure,
            before=before,
            after=after,
            reason=reason,
            region_code=task.plan.region.code if task.plan.region else "",
        )
    return measure


@transaction.atomic
def record_progress(
    *,
    task: PlanTask,
    by,
    percent,
    text: str,
    now: dt.datetime,
    measure: PlanMeasure | None = None,
    evidence_files=(),
    target_values: dict[int, Decimal] | None = None,
) -> ProgressReport:
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
        raise BusinessRuleError(
            f"完成进度须在 0% 到 100% 之间（填写的是 {percent if percent is not None else '空'}）。",
            field="percent",
        )
    if not text or not text.strip():
        raise BusinessRuleError("请填写进展情况。", field="text")
    if measure is not None and measure.task_id != task.pk:
        raise BusinessRuleError("所选措施不属于该任务。", field="measure")
    _check_evidence(evidence_files)
    readings = []
    for target_id, value in (target_values or {}).items():
        target = task.targets.filter(pk=target_id, is_active=True).first()
        value = _decimal(value)
        if target is None:
            raise BusinessRuleError("填写的指标不属于该任务。", field="targets")
        if value is None or not value.is_finite() or abs(value) >= Decimal("1e15"):
            raise BusinessRuleError(
                f"指标“{target.indicator}”的实际值“{value}”不是有效数字。", field="targets"
            )
        readings.append((target, value))
    department = reporting_department(task, by)
    if department is not None and not owns_task(task, department):
        # A department named only for some measures reports on those measures.
        mine = owned_measures(task, department)
        if measure is None and len(mine) == 1:
            measure = mine[0]
        if measure is None or measure not in mine:
            raise PermissionDenied("本单位只负责该任务的部分措施，请选择本单位负责的措施报送进展。")
    if department is None:
        if not (supervises_task(by, task) or by.is_superuser):
            raise PermissionDenied("只有牵头或配合单位可以报送该任务的进展。")
        # The office enters a report on behalf of the lead department (代报).
        department = task.lead_departments.order_by("path").first()
    today = timezone.localtime(now).date()
    report = ProgressReport.objects.create(
        task=task,
        measure=measure,
        department=department,
        reported_by=by,
        period=month_start(today),
        percent=percent,
        text=text.strip(),
        reported_at=now,
    )
    for upload in evidence_files:
        ProgressEvidence.objects.create(report=report, file=upload, original_name=upload.name[:200])
    for target, value in readings:
        TargetReading.objects.create(
            target=target,
            value=value,
            as_of=today,
            source="progress",
            reported_by=by,
            note=f"进展报送 #{report.pk}",
        )
    before = {"progress": str(task.progress)}
    if measure is not None:
        measure.progress = percent
        measure.save(update_fields=["progress"])
        task.progress = rollup((m.progress, m.weight) for m in task.measures.all())
    else:
        task.progress = percent
    task.save(update_fields=["progress"])
    record_change(
        actor=by,
        action="plan.progress.report",
        obj=task,
        before=before,
        after={
            "progress": str(task.progress),
            "report": report.pk,
            "measure": measure.pk if measure else None,
        },
        region_code=task.plan.region.code if task.plan.region else "",
        department_path=department.path if department else "",
    )
    return report


@transaction.atomic
def set_weights(
    *, task: PlanTask | None = None, section: PlanSection | None = None, by, weights: dict[int, Decimal]
) -> None:
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
            changes.append(
                Change(
                    action="plan.weight.update",
                    object_type=row._meta.label_lower,
                    object_id=str(row.pk),
                    object_label=str(row),
                    before={"weight": str(row.weight)},
                    after={"weight": str(weight)},
                )
            )
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
    record_change(
        actor=by,
        action="plan.task.close",
        obj=task,
        before={"closed_at": None},
        after={"closed_at": now},
        reason=note,
    )
    return task


@transaction.atomic
def add_milestone(*, task: PlanTask, by, title: str, due_date: dt.date) -> PlanMilestone:
    """Add a milestone (节点) to a task; it must fall within the task's period."""
    if not title.strip():
        raise BusinessRuleError("请填写节点名称。", field="title")
    if task.deadline and due_date > task.deadline:
        raise BusinessRuleError(f"节点日期 {due_date} 晚于任务完成时限 {task.deadline}。", field="due_date")
    milestone = PlanMilestone.objects.create(
        task=task, title=title.strip()[:200], due_date=due_date, order=task.milestones.count() + 1
    )
    record_change(
        actor=by,
        action="plan.milestone.add",
        obj=milestone,
        after={"title": milestone.title, "due_date": due_date},
    )
    return milestone


@transaction.atomic
def complete_milestone(*, milestone: PlanMilestone, by, done_on: dt.date) -> PlanMilestone:
    if milestone.done_on is not None:
        raise ConflictError("该节点已完成。")
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record_change(
        actor=by,
        action="plan.milestone.done",
        obj=milestone,
        before={"done_on": None},
        after={"done_on": done_on},
    )
    return milestone


# -- supervision (督办) and the issue ledger (问题台账) ---------------------------------------------------

DEFAULT_REPLY_WORKING_DAYS = 5


def _department_users(departments):
    from yingshang.accounts.models import User

    return User.objects.filter(department__in=departments, is_active=True)


@transaction.atomic
def issue_supervision_notice(
    *, task: PlanTask, by, reason: str, now: dt.datetime, reply_working_days: int = DEFAULT_REPLY_WORKING_DAYS
) -> SupervisionNotice:
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
    notice = SupervisionNotice.objects.create(
        task=task,
        number=f"督办〔{today.year}〕{sequence}号",
        reason=reason.strip(),
        reply_due=reply_due,
        issued_by=by,
        issued_at=now,
    )
    record_change(
        actor=by,
        action="plan.notice.issue",
        obj=notice,
        after={"task": task.pk, "reply_due": reply_due, "reason": notice.reason},
    )
    link = f"/plans/notices/{notice.pk}/"
    recipients = list(_department_users(task.lead_departments.all()))
    transaction.on_commit(
        lambda: [
            notify(
                recipient=user,
                title=f"督办通知：{task.number} {task.title}",
                body=f"{notice.reason}\n请于 {reply_due:%Y年%m月%d日} 前回复。",
                link=link,
                dedupe_key=f"plans:notice:{notice.pk}:{user.pk}",
            )
            for user in recipients
        ]
    )
    return notice


def _notice_transition(notice: SupervisionNotice, to: str) -> None:
    if to not in NOTICE_TRANSITIONS[notice.status]:
        raise ConflictError(
            f"督办单当前为“{notice.get_status_display()}”，不能执行该操作。", code="bad_transition"
        )


@transaction.atomic
def reply_to_notice(*, notice: SupervisionNotice, by, text: str, now: dt.datetime) -> SupervisionReply:
    """The responsible department replies to a supervision notice."""
    _notice_transition(notice, NoticeStatus.REPLIED)
    if not text.strip():
        raise BusinessRuleError("请填写回复内容。", field="text")
    if reporting_department(notice.task, by) is None and not supervises_task(by, notice.task):
        raise PermissionDenied("只有责任单位可以回复督办。")
    reply = SupervisionReply.objects.create(
        notice=notice, kind=ReplyKind.REPLY, text=text.strip(), author=by, created_at=now
    )
    before = {"status": notice.status}
    notice.status = NoticeStatus.REPLIED
    notice.save(update_fields=["status"])
    record_change(
        actor=by,
        action="plan.notice.reply",
        obj=notice,
        before=before,
        after={"status": notice.status, "reply": reply.pk},
    )
    if notice.issued_by_id:
        issuer = notice.issued_by
        transaction.on_commit(
            lambda: notify(
                recipient=issuer,
                title=f"督办已回复：{notice.number}",
                body=reply.text[:200],
                link=f"/plans/notices/{notice.pk}/",
                dedupe_key=f"plans:notice-reply:{reply.pk}",
            )
        )
    return reply


@transaction.atomic
def follow_up_notice(
    *,
    notice: SupervisionNotice,
    by,
    text: str,
    now: dt.datetime,
    reply_working_days: int = DEFAULT_REPLY_WORKING_DAYS,
) -> SupervisionReply:
    """The city office follows up (跟踪督办) on a reply it finds insufficient: the notice reopens."""
    _notice_transition(notice, NoticeStatus.OPEN)
    if not text.strip():
        raise BusinessRuleError("请填写跟踪督办意见。", field="text")
    reply = SupervisionReply.objects.create(
        notice=notice, kind=ReplyKind.FOLLOW_UP, text=text.strip(), author=by, created_at=now
    )
    before = {"status": notice.status, "reply_due": notice.reply_due}
    notice.status = NoticeStatus.OPEN
    notice.reply_due = load_work_calendar().add_working_days(
        timezone.localtime(now).date(), reply_working_days
    )
    notice.save(update_fields=["status", "reply_due"])
    record_change(
        actor=by,
        action="plan.notice.follow_up",
        obj=notice,
        before=before,
        after={"status": notice.status, "reply_due": notice.reply_due},
    )
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
    record_change(
        actor=by, action="plan.notice.close", obj=notice, before=before, after={"status": notice.status}
    )
    return notice


@transaction.atomic
def raise_issue(
    *,
    task: PlanTask,
    by,
    description: str,
    now: dt.datetime,
    department: Department | None = None,
    due_date: dt.date | None = None,
    notice: SupervisionNotice | None = None,
) -> IssueItem:
    """Register a problem in the issue ledger (问题台账)."""
    if not description.strip():
        raise BusinessRuleError("请填写问题描述。", field="description")
    if notice is not None and notice.task_id != task.pk:
        raise BusinessRuleError("督办单不属于该任务。", field="notice")
    department = department or task.lead_departments.order_by("path").first()
    issue = IssueItem.objects.create(
        plan=task.plan,
        task=task,
        notice=notice,
        description=description.strip(),
        department=department,
        due_date=due_date,
        raised_by=by,
        raised_at=now,
    )
    record_change(
        actor=by,
        action="plan.issue.raise",
        obj=issue,
        after={"task": task.pk, "description": issue.description, "due_date": due_date},
    )
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
    record_change(
        actor=by,
        action="plan.issue.close",
        obj=issue,
        before={"status": IssueStatus.OPEN},
        after={
            "status": IssueStatus.CLOSED,
            "note": issue.closing_note,
            "evidence": issue.closing_evidence.name,
        },
    )
    return issue


def send_reminders(*, today: dt.date) -> int:
    """Notify department users of a monthly report due in 3 working days (not yet made this month) and of
    task deadlines 3 working days away; each reminder is sent once (dedupe key). Returns how many were sent."""
    from yingshang.plans.supervision import (
        REMINDER_WORKING_DAYS,
        milestone_due,
        reminder_date,
        report_due_date,
    )

    calendar = load_work_calendar()
    period = month_start(today)
    report_due = report_due_date(period, calendar)
    report_reminder = reminder_date(report_due, calendar) == today
    tasks = (
        PlanTask.objects.filter(plan__status=PlanStatus.OFFICIAL, closed_at__isnull=True)
        .select_related("plan")
        .prefetch_related(
            "lead_departments",
            "co_departments",
            "measures__lead_departments",
            "measures__co_departments",
            "milestones",
        )
    )
    reported = set(ProgressReport.objects.filter(period=period).values_list("task_id", "department_id"))
    sent = 0
    for task in tasks:
        departments = list(
            dict.fromkeys(
                [
                    *task.lead_departments.all(),
                    *task.co_departments.all(),
                    *(
                        d
                        for m in task.measures.all()
                        for d in (*m.lead_departments.all(), *m.co_departments.all())
                    ),
                ]
            )
        )
        deadline_soon = task.deadline is not None and reminder_date(task.deadline, calendar) == today
        # Milestones are reminded 3 working days before the working day they are really due.
        milestones_soon = [
            m
            for m in task.milestones.all()
            if m.done_on is None and reminder_date(milestone_due(m.due_date, calendar), calendar) == today
        ]
        for department in departments:
            for user in _department_users([department]):
                if report_reminder and (task.pk, department.pk) not in reported:
                    sent += (
                        notify(
                            recipient=user,
                            title=f"请于 {report_due:%m月%d日} 前报送任务进展",
                            body=f"{task.number} {task.title}：本月进展尚未报送。",
                            link=f"/plans/tasks/{task.pk}/",
                            dedupe_key=f"plans:report:{task.pk}:{period:%Y-%m}:{user.pk}",
                        )
                        is not None
                    )
                for milestone in milestones_soon:
                    sent += (
                        notify(
                            recipient=user,
                            title=f"任务节点将于 {REMINDER_WORKING_DAYS} 个工作日后到期",
                            body=f"{task.number} {task.title}：节点“{milestone.title}”计划 "
                            f"{milestone.due_date:%Y年%m月%d日} 完成。",
                            link=f"/plans/tasks/{task.pk}/",
                            dedupe_key=f"plans:milestone:{milestone.pk}:{milestone.due_date}:{user.pk}",
                        )
                        is not None
                    )
                if deadline_soon:
                    sent += (
                        notify(
                            recipient=user,
                            title=f"任务将于 {REMINDER_WORKING_DAYS} 个工作日后到期",
                            body=f"{task.number} {task.title}：完成时限 {task.deadline:%Y年%m月%d日}，"
                            f"当前进度 {task.progress}%。",
                            link=f"/plans/tasks/{task.pk}/",
                            dedupe_key=f"plans:deadline:{task.pk}:{task.deadline}:{user.pk}",
                        )
                        is not None
                    )
    return sent


@transaction.atomic
def open_supervision(
    *,
    title: str,
    department,
    reason: str,
    source: str,
    by,
    now: dt.datetime,
    plan_target_ids: Sequence[int] = (),
) -> SupervisionNotice:
    """Open a 督办 from outside task supervision (e.g. a lagging monitoring indicator).

    The notice goes on the official-plan task that owns one of the indicator's targets (the department
    responsible for it replies); without such a task there is nothing to supervise and a clear error says so.
    """
    targets = PlanTarget.objects.filter(
        pk__in=list(plan_target_ids),
        task__isnull=False,
        plan__status=PlanStatus.OFFICIAL,
        task__closed_at__isnull=True,
    )
    target = targets.select_related("task", "task__plan").order_by("-plan__year", "pk").first()
    task = target.task if target is not None else None
    if task is None and department is not None:
        # A goal-level target has no task: supervise the department's open task in the newest official plan.
        task = (
            PlanTask.objects.filter(
                plan__status=PlanStatus.OFFICIAL, closed_at__isnull=True, lead_departments=department
            )
            .order_by("-plan__year", "pk")
            .first()
        )
    if task is None:
        raise BusinessRuleError(
            "该指标没有关联到正式任务清单中由责任部门牵头的未办结任务，无法转督办。", code="no_task"
        )
    return issue_supervision_notice(
        task=task, by=by, now=now, reason=f"{title}：{reason}（来源：{source}）"[:1000]
    )


# -- 季度考核 and 年度评价 ------------------------------------------------------------------------------------


def current_weights() -> AssessmentWeights:
    """The weights in force: the newest version (the documented defaults become version 1 on first use)."""
    from yingshang.plans.scoring import DEFAULT_PERIOD_WEIGHTS

    weights = AssessmentWeights.objects.order_by("-version").first()
    if weights is None:
        weights, _ = AssessmentWeights.objects.get_or_create(
            version=1, defaults={**DEFAULT_PERIOD_WEIGHTS, "note": "默认权重", "created_at": timezone.now()}
        )
    return weights


@transaction.atomic
def set_assessment_weights(
    *, by, weights: dict[str, Decimal], note: str, now: dt.datetime
) -> AssessmentWeights:
    """Adopt new assessment weights (考核权重) as a new version; earlier assessments keep the version they used."""
    from yingshang.plans.scoring import PERIOD_COMPONENT_LABELS, PERIOD_COMPONENTS

    values = {}
    for name in PERIOD_COMPONENTS:
        value = _decimal(weights.get(name))
        if value is None or not value.is_finite() or value < 0 or value > 100:
            raise BusinessRuleError(f"{PERIOD_COMPONENT_LABELS[name]}权重须在 0 到 100 之间。", field=name)
        values[name] = value.quantize(Decimal("0.01"))
    if sum(values.values()) <= 0:
        raise BusinessRuleError("权重不能全部为 0。", field="completion")
    if not note.strip():
        raise BusinessRuleError("请填写调整说明。", field="note")
    previous = current_weights()
    if values == {k: Decimal(v) for k, v in previous.as_dict().items()}:
        raise ConflictError("权重与现行版本相同，无需调整。", code="unchanged")
    version = AssessmentWeights.objects.select_for_update().order_by("-version").first().version + 1
    adopted = AssessmentWeights.objects.create(
        version=version, note=note.strip()[:300], created_by=by, created_at=now, **values
    )
    record_change(
        actor=by,
        action="plan.assessment.weights",
        obj=adopted,
        before={k: str(v) for k, v in previous.as_dict().items()} | {"version": previous.version},
        after={k: str(v) for k, v in values.items()} | {"version": version},
        reason=note.strip(),
    )
    return adopted


def _period(period: str) -> tuple[int, int | None]:
    from yingshang.plans.scoring import parse_period

    parsed = parse_period(period)
    if parsed is None:
        raise BusinessRuleError(
            f"考核期“{period}”无效，应为“2025Q1”（季度）或“2025”（年度）。", field="period"
        )
    return parsed


@transaction.atomic
def generate_assessments(*, plan: Plan, period: str, by, now: dt.datetime) -> list[Assessment]:
    """Compute (or recompute) the drafts of a quarterly assessment or annual evaluation for every subject.

    A signed-off period is frozen. The annual evaluation needs the four quarters of the year signed off and
    averages their scores (scoring.ANNUAL_METHOD_TEXT).
    """
    from yingshang.plans.assessment import quarterly_results
    from yingshang.plans.scoring import annual_score

    year, quarter = _period(period)
    if plan.status not in (PlanStatus.OFFICIAL, PlanStatus.ARCHIVED):
        raise ConflictError("只能对正式任务清单进行考核。", code="plan_not_official")
    if year != plan.year:
        raise BusinessRuleError(f"考核期 {period} 不在方案年度 {plan.year} 年内。", field="period")
    if plan.assessments.filter(period=period, status="signed").exists():
        raise ConflictError(f"{period} 的考核结果已签发，不能重新计算。", code="signed")
    weights = current_weights()
    plan.assessments.filter(period=period).delete()
    rows: list[Assessment] = []
    if quarter is not None:
        for result in quarterly_results(plan, year=year, quarter=quarter, weights=weights.as_dict()):
            rows.append(
                Assessment(
                    plan=plan,
                    period=period,
                    subject_kind=result.subject_kind,
                    subject_key=result.subject_key,
                    subject_name=result.subject_name,
                    department_id=result.department_id,
                    region_id=result.region_id,
                    weights=weights,
                    components={k: None if v is None else str(v) for k, v in result.components.items()},
                    counts=result.counts,
                    score=result.score,
                    computed_at=now,
                )
            )
    else:
        quarters = [f"{year}Q{q}" for q in range(1, 5)]
        signed = plan.assessments.filter(period__in=quarters, status="signed")
        missing = [q for q in quarters if not signed.filter(period=q).exists()]
        if missing:
            raise BusinessRuleError(
                f"年度评价须在四个季度考核均签发后生成（尚未签发：{'、'.join(missing)}）。",
                code="quarters_missing",
            )
        by_subject: dict[str, list[Assessment]] = {}
        for row in signed.order_by("period"):
            by_subject.setdefault(row.subject_key, []).append(row)
        for key, quarterly in by_subject.items():
            first = quarterly[0]
            scores = {row.period: str(row.score) for row in quarterly}
            score = annual_score([Decimal(scores.get(q, "0")) for q in quarters])
            rows.append(
                Assessment(
                    plan=plan,
                    period=period,
                    subject_kind=first.subject_kind,
                    subject_key=key,
                    subject_name=first.subject_name,
                    department_id=first.department_id,
                    region_id=first.region_id,
                    weights=weights,
                    components={"quarters": scores},
                    counts={"quarters": len(quarterly)},
                    score=score,
                    computed_at=now,
                )
            )
    for kind in ("department", "county"):
        ranked = sorted((r for r in rows if r.subject_kind == kind), key=lambda r: (-r.score, r.subject_name))
        for rank, row in enumerate(ranked, start=1):
            row.rank = rank
    Assessment.objects.bulk_create(rows)
    record_change(
        actor=by,
        action="plan.assessment.generate",
        obj=plan,
        after={
            "period": period,
            "weights_version": weights.version,
            "subjects": len(rows),
            "scores": {r.subject_name: str(r.score) for r in rows},
        },
        region_code=plan.region.code if plan.region else "",
    )
    return rows


@transaction.atomic
def sign_assessments(*, plan: Plan, period: str, by, now: dt.datetime) -> int:
    """The city office signs off (签发) the period's results: they are frozen from then on."""
    _period(period)
    drafts = plan.assessments.select_for_update().filter(period=period, status="draft")
    if not drafts.exists():
        raise BusinessRuleError(f"{period} 没有待签发的考核结果，请先计算。", code="nothing_to_sign")
    changes = [
        Change(
            action="plan.assessment.sign",
            object_type="plans.assessment",
            object_id=str(row.pk),
            object_label=str(row),
            before={"status": "draft"},
            after={"status": "signed", "score": str(row.score)},
        )
        for row in drafts
    ]
    count = drafts.update(status="signed", signed_by=by, signed_at=now)
    record_changes(changes, actor=by)
    return count
