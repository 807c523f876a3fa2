"""Pages of the plans app: import and review, the task ledger, task detail with progress and 督办, exports."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from yingshang.core import dataversions
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Department
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import permission_required
from yingshang.plans import access, assessment, documents, selectors, services
from yingshang.plans.choices import Comparator, IssueStatus, Light, NoticeStatus, PlanStatus, TaskStatus
from yingshang.plans.forms import PlanUploadForm, ProgressForm
from yingshang.plans.models import IssueItem, Plan, PlanTask, SupervisionNotice

# The plans app's own templates (yingshang/plans/templates/plans/): task pages with measure departments.
TASK_TEMPLATE = "plans/task_page.html"
REVIEW_TEMPLATE = "plans/review_page.html"


def _error(request, error: BusinessRuleError, template: str, context: dict):
    """Render a page again with the service's Chinese message and a 4xx status."""
    context["error"] = error.message
    return render(request, template, context, status=error.status)


def _today() -> dt.date:
    return timezone.localdate()


def _departments():
    return (
        Department.objects.filter(is_active=True)
        .select_related("region")
        .order_by("region__sort_order", "path")
    )


def _plan_user(request) -> None:
    access.require_plan_user(request.user)


# -- plans: list, import, review ---------------------------------------------------------------------------


@permission_required("plan.view")
@kept_whole
def plan_list(request):
    """行动方案: official plans first, then staged imports waiting for review."""
    user = request.user
    can_import = user.can("plan.import")

    def table() -> str:
        plans = (
            Plan.objects.visible_to(user)
            .select_related("region", "created_by")
            .only("title", "year", "status", "created_at", "region__name", "created_by__full_name",
                  "created_by__username")
        )
        return render_to_string("plans/_plan_list_table.html", {"plans": plans, "can_import": can_import})

    # The table is kept per plan scope (access.plan_scope_key, which also decides who may import) until a plan, region
    # or user row is written.
    key = f"{access.plan_scope_key(user)}:{dataversions.data_key(*_plan_list_tables())}"
    return render(
        request,
        "plans/list.html",
        {
            "table": dataversions.cached_fragment("plans:list", key, table),
            "can_import": can_import,
            "form": PlanUploadForm(),
        },
    )


@functools.cache
def _plan_list_tables() -> tuple[str, ...]:
    from yingshang.accounts.models import User
    from yingshang.core.models import Region

    return dataversions.model_tables(Plan, Region, User)


@permission_required("plan.import")
def plan_import(request):
    """Upload a plan file; it is staged as a draft and opened for review."""
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = services.stage_plan_import(
                data=upload.read(),
                filename=upload.name,
                by=request.user,
                now=timezone.now(),
                year=form.cleaned_data.get("year"),
            )
        except BusinessRuleError as error:
            return _error(request, error, "plans/import.html", context)
        messages.success(request, f"已导入《{plan.title}》为草稿，请核对任务、责任单位和量化目标后确认。")
        return redirect("plans:review", plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/import.html", context, status=status)


def _review_context(plan: Plan) -> dict:
    tasks = selectors.review_tasks(plan)
    targets = plan.targets.select_related("task").order_by("order")
    conflicts: dict[str, list] = {}
    for target in targets:
        if target.in_conflict:
            conflicts.setdefault(target.indicator_key, []).append(target)
    return {
        "plan": plan,
        "tasks": tasks,
        "targets": targets,
        "conflicts": list(conflicts.values()),
        "problems": services.review_problems(plan),
        "comparators": Comparator.choices,
        "editable": plan.status in (PlanStatus.DRAFT, PlanStatus.REVIEWING),
    }


@permission_required("plan.import")
def plan_review(request, plan_id: int):
    """方案核对: tasks, units, targets and conflicts of a staged import, corrected before it becomes official."""
    plan = access.get_plan_for_editing(request.user, plan_id)
    return render(request, REVIEW_TEMPLATE, _review_context(plan))


def _review_action(request, plan: Plan, action):
    try:
        action()
    except BusinessRuleError as error:
        return _error(request, error, REVIEW_TEMPLATE, _review_context(plan))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"/plans/{plan.pk}/review/"
    return redirect(target)


def _department_list(ids) -> list[Department]:
    ids = [int(i) for i in ids if str(i).isdigit()]
    return list(Department.objects.filter(pk__in=ids))


def _date(value: str | None, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise BusinessRuleError(f"{label}“{value}”不是有效日期（格式：2025-06-30）。", field=label) from error


def _number(value: str | None, label: str) -> Decimal | None:
    if value is None or value.strip() == "":
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation as error:
        raise BusinessRuleError(f"{label}“{value}”不是数字。", field=label) from error


@require_POST
@permission_required("plan.import")
def task_edit(request, task_id: int):
    """Correct a task: title, deadline, weight, lead and co departments (when its pickers were on the form)."""
    task = access.get_task_for_editing(request.user, task_id)
    post = request.POST
    # The pickers load on demand; a form without them leaves the departments as they are, and with them an
    # empty selection clears them (a multiple select that selects nothing is not posted at all).
    with_units = "units" in post or "lead" in post

    def action():
        services.update_task_assignment(
            task=task,
            by=request.user,
            title=post.get("title"),
            deadline=_date(post.get("deadline"), "完成时限"),
            start_date=_date(post.get("start_date"), "开始日期"),
            weight=_number(post.get("weight"), "权重"),
            lead_departments=_department_list(post.getlist("lead")) if with_units else None,
            co_departments=_department_list(post.getlist("co")) if with_units else None,
        )

    return _review_action(request, task.plan, action)


@require_POST
@permission_required("plan.import")
def measure_edit(request, measure_id: int):
    """Give a measure its own lead/co departments and deadline (none selected: it inherits the task's)."""
    measure = access.get_measure_for_editing(request.user, measure_id)
    post = request.POST
    return _review_action(
        request,
        measure.task.plan,
        lambda: services.update_measure_assignment(
            measure=measure,
            by=request.user,
            lead_departments=_department_list(post.getlist("lead")),
            co_departments=_department_list(post.getlist("co")),
            deadline=_date(post.get("deadline"), "完成时限"),
        ),
    )


@require_GET
@permission_required("plan.import")
def measure_form(request, measure_id: int):
    """A measure's department pickers: the review page loads them (htmx) when the measure is opened, which keeps
    the page small; without scripts, its link opens them as a page of their own."""
    measure = access.get_measure_for_editing(request.user, measure_id)
    return _pickers(request, "measure", measure, "plans/_measure_form.html", "plans/measure_form_page.html")


@require_GET
@permission_required("plan.import")
def task_form(request, task_id: int):
    """A task's department pickers: the review page loads them (htmx) when the task's 责任单位 is opened, as it does
    for measures; without scripts, its link opens them as a page of their own."""
    task = access.get_task_for_editing(request.user, task_id)
    return _pickers(request, "task", task, "plans/_task_pickers.html", "plans/task_form_page.html")


def _pickers(request, name: str, owner, fragment: str, page: str):
    """The lead / co department pickers of a task or measure: the fragment for htmx, else a page of their own."""
    context = {
        name: owner,
        "departments": _departments(),
        "lead_ids": set(owner.lead_departments.values_list("pk", flat=True)),
        "co_ids": set(owner.co_departments.values_list("pk", flat=True)),
    }
    return render(request, fragment if request.headers.get("HX-Request") else page, context)


@login_required
def evidence_download(request, evidence_id: int):
    """A progress report's evidence file (佐证材料), only for those who may see the task."""
    _plan_user(request)
    evidence = access.get_evidence_for_user(request.user, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("佐证材料文件不存在。") from error
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


def _target_fields(post) -> dict:
    return {
        "indicator": post.get("indicator", ""),
        "comparator": post.get("comparator", ""),
        "value": _number(post.get("value"), "目标值"),
        "low": _number(post.get("low"), "下限"),
        "high": _number(post.get("high"), "上限"),
        "unit": post.get("unit", ""),
        "growth": post.get("growth") == "on",
        "soft": post.get("soft") == "on",
        "period": post.get("period", ""),
    }


@require_POST
@permission_required("plan.import")
def target_edit(request, plan_id: int, target_id: int):
    plan = access.get_plan_for_editing(request.user, plan_id)
    target = get_object_or_404(plan.targets, pk=target_id)
    return _review_action(
        request,
        plan,
        lambda: services.update_plan_target(
            target=target, by=request.user, task=_target_task(plan, request.POST), **_target_fields(request.POST)
        ),
    )


def _target_task(plan: Plan, post) -> PlanTask | None:
    """所属任务 from the review page's task-number field (one shared list of the plan's numbers instead of a
    dropdown of every task under every target), or by id from other clients."""
    if "task_number" in post:
        return services.plan_task_by_number(plan, post["task_number"])
    return plan.tasks.filter(pk=post.get("task") or 0).first()


@require_POST
@permission_required("plan.import")
def target_add(request, plan_id: int):
    plan = access.get_plan_for_editing(request.user, plan_id)
    return _review_action(
        request,
        plan,
        lambda: services.add_plan_target(
            plan=plan,
            by=request.user,
            task=_target_task(plan, request.POST),
            text=request.POST.get("text", ""),
            **_target_fields(request.POST),
        ),
    )


@require_POST
@permission_required("plan.import")
def target_toggle(request, plan_id: int, target_id: int):
    plan = access.get_plan_for_editing(request.user, plan_id)
    target = get_object_or_404(plan.targets, pk=target_id)
    return _review_action(
        request,
        plan,
        lambda: services.set_target_active(target=target, by=request.user, active=not target.is_active),
    )


@require_POST
@permission_required("plan.import")
def conflict_resolve(request, plan_id: int):
    plan = access.get_plan_for_editing(request.user, plan_id)
    keep = get_object_or_404(plan.targets, pk=request.POST.get("keep") or 0)
    return _review_action(
        request,
        plan,
        lambda: services.resolve_target_conflict(
            keep=keep, by=request.user, reason=request.POST.get("reason", "")
        ),
    )


@require_POST
@permission_required("plan.import")
def plan_status(request, plan_id: int):
    plan = access.get_plan_for_editing(request.user, plan_id)
    try:
        services.change_plan_status(
            plan=plan,
            to=request.POST.get("to", ""),
            by=request.user,
            now=timezone.now(),
            reason=request.POST.get("reason", ""),
        )
    except BusinessRuleError as error:
        return _error(request, error, REVIEW_TEMPLATE, _review_context(plan))
    messages.success(request, f"方案状态已更新为“{plan.get_status_display()}”。")
    return (
        redirect("plans:detail", plan.pk)
        if plan.status == PlanStatus.OFFICIAL
        else redirect("plans:review", plan.pk)
    )


@require_POST
@permission_required("plan.import")
def plan_discard(request, plan_id: int):
    plan = access.get_plan_for_editing(request.user, plan_id)
    try:
        services.discard_plan(plan=plan, by=request.user)
    except BusinessRuleError as error:
        return _error(request, error, REVIEW_TEMPLATE, _review_context(plan))
    messages.success(request, "已删除该草稿导入。")
    return redirect("plans:list")


# -- the ledger ----------------------------------------------------------------------------------------------


def _filtered_rows(request, plan: Plan, calendar=None):
    rows = selectors.task_rows(PlanTask.objects.visible_to(request.user).filter(plan=plan), today=_today(),
                               calendar=calendar)
    status, light, department = (
        request.GET.get("status", ""),
        request.GET.get("light", ""),
        request.GET.get("department", ""),
    )
    shown = [
        r
        for r in rows
        if (not status or r.state.status == status)
        and (not light or r.state.light == light)
        and (not department or department in r.leads or department in r.co)
    ]
    return rows, shown


@login_required
def plan_detail(request, plan_id: int):
    """任务台账: sections with roll-up progress, each task's status and light, filters."""
    _plan_user(request)
    plan = access.get_plan_for_user(request.user, plan_id)
    calendar = selectors.ledger_calendar()
    rows, shown = _filtered_rows(request, plan, calendar)
    context = {
        "plan": plan,
        "calendar_note": selectors.estimate_note(calendar),
        "sections": selectors.section_rows(plan, shown),
        "counts": selectors.status_counts(rows),
        "total": len(rows),
        "plan_progress": selectors.plan_progress(plan),
        "statuses": TaskStatus.choices,
        "lights": Light.choices,
        "filters": request.GET,
        "can_assess": request.user.can("plan.assess"),
        "departments": sorted({name for r in rows for name in r.leads}),
    }
    return render(request, "plans/detail.html", context)


@login_required
@kept_whole
def my_tasks(request):
    """我的任务: tasks of official plans my department leads or supports."""
    _plan_user(request)
    tasks = PlanTask.objects.visible_to(request.user).filter(plan__status=PlanStatus.OFFICIAL)
    calendar = selectors.ledger_calendar()
    rows = selectors.task_rows(tasks, today=_today(), calendar=calendar)
    owned = selectors.measures_owned_by(request.user, tasks)
    by_id = {row.task.pk: row.task for row in rows}
    measure_rows = [
        {"task": by_id[task_id], "measure": measure, "deadline": measure.deadline or by_id[task_id].deadline}
        for task_id, measures in owned.items()
        if task_id in by_id
        for measure in measures
    ]
    return render(
        request,
        "plans/my_tasks_page.html",
        {
            "rows": rows,
            "calendar_note": selectors.estimate_note(calendar),
            "counts": selectors.status_counts(rows),
            "owned_measures": owned,
            "measure_rows": measure_rows,
        },
    )


@login_required
def task_detail(request, task_id: int):
    """One task: measures with weights, milestones, progress reports, 督办 and problems; forms by role."""
    _plan_user(request)
    task = access.get_task_for_user(request.user, task_id)
    return render(request, TASK_TEMPLATE, _task_context(request, task))


def _task_context(request, task: PlanTask, **extra) -> dict:
    row = selectors.task_rows(PlanTask.objects.filter(pk=task.pk), today=_today())[0]
    user = request.user
    can_report = (
        task.plan.status == PlanStatus.OFFICIAL
        and task.closed_at is None
        and (services.reporting_department(task, user) is not None or access.supervises_task(user, task))
    )
    department = services.reporting_department(task, user)
    measures_only = department is not None and not services.owns_task(task, department)
    report_measures = services.owned_measures(task, department) if measures_only else task.measures.all()
    return {
        "task": task,
        "row": row,
        "measures": task.measures.all(),
        "milestones": task.milestones.all(),
        "measure_rows": selectors.measure_rows(task),
        "measures_only": measures_only,
        "report_measures": report_measures,
        "reports": task.reports.select_related("department", "reported_by", "measure").prefetch_related(
            "evidence"
        ),
        "notices": task.notices.all(),
        "issues": task.issues.select_related("department"),
        "targets": task.targets.filter(is_active=True).prefetch_related("readings"),
        "can_report": can_report,
        "can_supervise": access.supervises_task(user, task),
        "form": extra.pop("form", None) or ProgressForm(),
        **extra,
    }


def _task_action(request, task: PlanTask, action, success: str):
    try:
        action()
    except BusinessRuleError as error:
        return _error(request, error, TASK_TEMPLATE, _task_context(request, task))
    messages.success(request, success)
    return redirect("plans:task", task.pk)


@require_POST
@login_required
def task_report(request, task_id: int):
    """Submit a progress report with evidence files."""
    _plan_user(request)
    task = access.get_task_for_user(request.user, task_id)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _task_context(request, task, form=form)
        context["error"] = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return render(request, TASK_TEMPLATE, context, status=400)
    measure = task.measures.filter(pk=form.cleaned_data.get("measure") or 0).first()
    target_values = {}
    for target in task.targets.filter(is_active=True):
        raw = request.POST.get(f"target_{target.pk}", "").strip()
        if raw:
            try:
                target_values[target.pk] = Decimal(raw)
            except InvalidOperation:
                return _error(
                    request,
                    BusinessRuleError(f"指标“{target.indicator}”的实际值“{raw}”不是数字。"),
                    TASK_TEMPLATE,
                    _task_context(request, task, form=form),
                )
    return _task_action(
        request,
        task,
        lambda: services.record_progress(
            task=task,
            by=request.user,
            percent=form.cleaned_data["percent"],
            text=form.cleaned_data["text"],
            now=timezone.now(),
            measure=measure,
            evidence_files=request.FILES.getlist("evidence"),
            target_values=target_values,
        ),
        "进展已报送。",
    )


@require_POST
@permission_required("plan.supervise")
def task_weights(request, task_id: int):
    task = access.get_task_for_supervision(request.user, task_id)

    def action():
        weights = {
            m.pk: _number(request.POST.get(f"weight_{m.pk}"), "权重")
            for m in task.measures.all()
            if request.POST.get(f"weight_{m.pk}")
        }
        services.set_weights(task=task, by=request.user, weights=weights)

    return _task_action(request, task, action, "权重已保存，进度已重新汇总。")


@require_POST
@permission_required("plan.supervise")
def task_close(request, task_id: int):
    task = access.get_task_for_supervision(request.user, task_id)
    return _task_action(
        request,
        task,
        lambda: services.close_task(
            task=task, by=request.user, now=timezone.now(), note=request.POST.get("note", "")
        ),
        "任务已办结。",
    )


@require_POST
@permission_required("plan.supervise")
def milestone_add(request, task_id: int):
    task = access.get_task_for_supervision(request.user, task_id)
    return _task_action(
        request,
        task,
        lambda: services.add_milestone(
            task=task,
            by=request.user,
            title=request.POST.get("title", ""),
            due_date=_date(request.POST.get("due_date"), "节点日期") or _required_date(),
        ),
        "节点已添加。",
    )


def _required_date():
    raise BusinessRuleError("请填写节点日期。", field="due_date")


@require_POST
@login_required
def milestone_done(request, task_id: int, milestone_id: int):
    _plan_user(request)
    task = access.get_task_for_user(request.user, task_id)
    if not (access.supervises_task(request.user, task) or services.reporting_department(task, request.user)):
        raise PermissionDenied("只有责任单位或督办人员可以标记节点完成。")
    milestone = get_object_or_404(task.milestones, pk=milestone_id)
    return _task_action(
        request,
        task,
        lambda: services.complete_milestone(milestone=milestone, by=request.user, done_on=_today()),
        "节点已标记完成。",
    )


@require_POST
@permission_required("plan.supervise")
def notice_issue(request, task_id: int):
    task = access.get_task_for_supervision(request.user, task_id)

    def action():
        days = int(request.POST.get("reply_working_days") or services.DEFAULT_REPLY_WORKING_DAYS)
        services.issue_supervision_notice(
            task=task,
            by=request.user,
            reason=request.POST.get("reason", ""),
            now=timezone.now(),
            reply_working_days=days,
        )

    return _task_action(request, task, action, "督办单已下发，责任单位将收到通知。")


@require_POST
@permission_required("plan.supervise")
def issue_raise(request, task_id: int):
    task = access.get_task_for_supervision(request.user, task_id)
    return _task_action(
        request,
        task,
        lambda: services.raise_issue(
            task=task,
            by=request.user,
            description=request.POST.get("description", ""),
            now=timezone.now(),
            due_date=_date(request.POST.get("due_date"), "整改时限"),
            notice=task.notices.filter(pk=request.POST.get("notice") or 0).first(),
        ),
        "问题已登记到问题台账。",
    )


# -- 督办 and the issue ledger -----------------------------------------------------------------------------------


@login_required
def notice_list(request):
    """督办单: open ones first, overdue replies highlighted."""
    _plan_user(request)
    notices = (
        SupervisionNotice.objects.visible_to(request.user)
        .select_related("task", "task__plan", "issued_by")
        .order_by("status", "reply_due")
    )
    issues = (
        IssueItem.objects.visible_to(request.user)
        .select_related("task", "department")
        .order_by("status", "due_date", "id")
    )
    return render(
        request,
        "plans/notices.html",
        {
            "notices": notices,
            "issues": issues,
            "today": _today(),
            "NoticeStatus": NoticeStatus,
            "IssueStatus": IssueStatus,
        },
    )


def _notice_context(request, notice):
    return {
        "notice": notice,
        "replies": notice.replies.select_related("author"),
        "today": _today(),
        "issues": notice.issues.all(),
        "can_supervise": access.supervises_task(request.user, notice.task),
        "can_reply": services.reporting_department(notice.task, request.user) is not None,
    }


@login_required
def notice_detail(request, notice_id: int):
    _plan_user(request)
    notice = access.get_notice_for_user(request.user, notice_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reply":
                services.reply_to_notice(
                    notice=notice, by=request.user, text=request.POST.get("text", ""), now=timezone.now()
                )
            elif action in ("follow_up", "close"):
                if not access.supervises_task(request.user, notice.task):
                    raise PermissionDenied("您无权跟踪或办结该督办单。")
                if action == "follow_up":
                    services.follow_up_notice(
                        notice=notice, by=request.user, text=request.POST.get("text", ""), now=timezone.now()
                    )
                else:
                    services.close_notice(notice=notice, by=request.user, now=timezone.now())
            else:
                raise BusinessRuleError("未知操作。")
        except BusinessRuleError as error:
            return _error(request, error, "plans/notice.html", _notice_context(request, notice))
        messages.success(request, "已保存。")
        return redirect("plans:notice", notice.pk)
    return render(request, "plans/notice.html", _notice_context(request, notice))


@require_POST
@login_required
def issue_close(request, issue_id: int):
    """销号: close an issue with a note and an evidence file."""
    _plan_user(request)
    issue = access.get_issue_for_user(request.user, issue_id)
    if not (
        access.supervises_task(request.user, issue.task)
        or services.reporting_department(issue.task, request.user)
    ):
        raise PermissionDenied("只有整改单位或督办人员可以销号。")
    try:
        services.close_issue(
            issue=issue,
            by=request.user,
            note=request.POST.get("note", ""),
            evidence=request.FILES.get("evidence"),
            now=timezone.now(),
        )
    except BusinessRuleError as error:
        messages.error(request, error.message)
        return redirect("plans:notices")
    messages.success(request, "问题已销号。")
    return redirect("plans:notices")


# -- exports, timeline, assessment -----------------------------------------------------------------------------


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def plan_export(request, plan_id: int):
    """XLSX in the office layout: 序号/任务/具体措施/牵头单位/配合单位/完成时限/进展情况/状态."""
    _plan_user(request)
    plan = access.get_plan_for_user(request.user, plan_id)
    rows = selectors.task_rows(PlanTask.objects.visible_to(request.user).filter(plan=plan), today=_today())
    return _download(documents.ledger_xlsx(rows), f"{plan.title}-任务台账.xlsx", documents.XLSX)


@login_required
def plan_gantt(request, plan_id: int):
    """任务时间轴 (Gantt): each task from start to deadline, milestones and today's line."""
    _plan_user(request)
    plan = access.get_plan_for_user(request.user, plan_id)
    rows = selectors.task_rows(PlanTask.objects.visible_to(request.user).filter(plan=plan), today=_today())
    return render(
        request, "plans/gantt.html", {"plan": plan, "gantt": selectors.gantt_data(plan, rows, _today())}
    )


@permission_required("plan.assess")
def plan_assessment(request, plan_id: int):
    """考核评价: department scores from completion, timeliness and target attainment, with the formula."""
    plan = access.get_plan_for_user(request.user, plan_id)
    as_of = _date(request.GET.get("as_of"), "考核日期") if request.GET.get("as_of") else _today()
    scores = assessment.department_scores(plan, as_of=as_of, region=request.user.scope_region)
    quarters = [(f"{plan.year}Q{q}", f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)]
    return render(
        request,
        "plans/assessment_page.html",
        {
            "plan": plan,
            "scores": scores,
            "as_of": as_of,
            "formula": assessment.FORMULA_TEXT,
            "quarters": quarters,
            "chart": assessment.chart_option(scores),
        },
    )


@permission_required("plan.assess")
def plan_bulletin(request, plan_id: int, fmt: str):
    """月通报 as PDF or DOCX."""
    if fmt not in ("pdf", "docx"):
        raise Http404("不支持的格式。")
    plan = access.get_plan_for_user(request.user, plan_id)
    bulletin = assessment.monthly_bulletin(plan, as_of=_today(), region=request.user.scope_region)
    if fmt == "pdf":
        return _download(documents.bulletin_pdf(bulletin), f"{bulletin.title}.pdf", "application/pdf")
    return _download(documents.bulletin_docx(bulletin), f"{bulletin.title}.docx", documents.DOCX)


# -- 季度考核 and 年度评价 ------------------------------------------------------------------------------------


def _assessment_period(plan: Plan, period: str) -> str:
    from yingshang.plans.scoring import parse_period

    parsed = parse_period(period)
    if parsed is None or parsed[0] != plan.year:
        raise Http404("考核期不存在。")
    return period


def _assessment_context(request, plan: Plan, period: str, **extra) -> dict:
    from yingshang.plans.scoring import ANNUAL_METHOD_TEXT, PERIOD_COMPONENT_LABELS, PERIOD_FORMULA_TEXT

    rows = list(
        plan.assessments.visible_to(request.user)
        .filter(period=period)
        .select_related("weights", "signed_by")
        .order_by("-subject_kind", "rank", "id")
    )
    return {
        "plan": plan,
        "period": period,
        "title": documents.assessment_title(plan, period),
        "departments": [r for r in rows if r.subject_kind == "department"],
        "counties": [r for r in rows if r.subject_kind == "county"],
        "annual": len(period) == 4,
        "periods": [(f"{plan.year}Q{q}", f"第{q}季度") for q in range(1, 5)] + [(str(plan.year), "年度评价")],
        "method": ANNUAL_METHOD_TEXT if len(period) == 4 else PERIOD_FORMULA_TEXT,
        "labels": PERIOD_COMPONENT_LABELS,
        "weights": services.current_weights(),
        "can_sign": request.user.can("plan.sign_assessment"),
        **extra,
    }


@permission_required("plan.assess")
def assessment_period(request, plan_id: int, period: str):
    """季度考核 / 年度评价 of one period: departments and counties, components, score, sign-off state."""
    plan = access.get_plan_for_user(request.user, plan_id)
    period = _assessment_period(plan, period)
    return render(request, "plans/assessments.html", _assessment_context(request, plan, period))


def _assessment_action(request, plan_id: int, period: str, action, success: str):
    plan = access.get_plan_for_user(request.user, plan_id)
    period = _assessment_period(plan, period)
    try:
        action(plan, period)
    except BusinessRuleError as error:
        return render(
            request,
            "plans/assessments.html",
            _assessment_context(request, plan, period, error=error.message),
            status=error.status,
        )
    messages.success(request, success)
    return redirect("plans:assessment_period", plan.pk, period)


@require_POST
@permission_required("plan.sign_assessment")
def assessment_generate(request, plan_id: int, period: str):
    return _assessment_action(
        request,
        plan_id,
        period,
        lambda plan, p: services.generate_assessments(
            plan=plan, period=p, by=request.user, now=timezone.now()
        ),
        "已按现行权重计算考核结果（待签发）。",
    )


@require_POST
@permission_required("plan.sign_assessment")
def assessment_sign(request, plan_id: int, period: str):
    return _assessment_action(
        request,
        plan_id,
        period,
        lambda plan, p: services.sign_assessments(plan=plan, period=p, by=request.user, now=timezone.now()),
        "考核结果已签发。",
    )


@permission_required("plan.assess")
def assessment_export(request, plan_id: int, period: str, fmt: str):
    """The period's results (those the user may see) as printable PDF or XLSX."""
    if fmt not in ("pdf", "xlsx"):
        raise Http404("不支持的格式。")
    plan = access.get_plan_for_user(request.user, plan_id)
    period = _assessment_period(plan, period)
    rows = list(
        plan.assessments.visible_to(request.user)
        .filter(period=period)
        .select_related("weights", "signed_by")
        .order_by("-subject_kind", "rank", "id")
    )
    title = documents.assessment_title(plan, period)
    if fmt == "pdf":
        return _download(documents.assessment_pdf(plan, period, rows), f"{title}.pdf", "application/pdf")
    return _download(documents.assessment_xlsx(plan, period, rows), f"{title}.xlsx", documents.XLSX)


@permission_required("plan.assess")
def assessment_weights(request):
    """考核权重: the versions so far; the city office adopts a new version (audited)."""
    from yingshang.core.permissions import require
    from yingshang.plans.models import AssessmentWeights
    from yingshang.plans.scoring import PERIOD_COMPONENT_LABELS

    current = services.current_weights()
    context = {
        "current": current,
        "versions": AssessmentWeights.objects.select_related("created_by"),
        "labels": PERIOD_COMPONENT_LABELS,
        "can_edit": request.user.can("plan.sign_assessment"),
    }
    if request.method == "POST":
        require(request.user, "plan.sign_assessment")
        try:
            weights = {
                name: _number(request.POST.get(name), label)
                for name, label in PERIOD_COMPONENT_LABELS.items()
            }
            services.set_assessment_weights(
                by=request.user, weights=weights, note=request.POST.get("note", ""), now=timezone.now()
            )
        except BusinessRuleError as error:
            return render(
                request,
                "plans/assessment_weights.html",
                {**context, "error": error.message},
                status=error.status,
            )
        messages.success(request, "已启用新版考核权重。")
        return redirect("plans:assessment_weights")
    return render(request, "plans/assessment_weights.html", context)
