"""Who may see which plan (行动方案) and task (方案任务), and the only way interfaces fetch plan objects by id.

Plans: a staged import (草稿/审核中) is seen only by those who may import plans; an official or archived plan by
holders of plan.view (a county administrator: the city's plans and their own county's) and by departments that
own one of its tasks. Tasks: departments see the tasks they lead or support (a department leader: their
department and below), county administrators the tasks of their county's plans or owned by their county's
departments, the city administrator and leaders everything. Other roles see no tasks.

Supervising a task (督办, 权重, 节点, 办结, 代报) needs plan.supervise and, for a county administrator, a task of
their county: one of their county's plans, or led by one of their county's departments (supporting a city task
does not hand the county office the city's task).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from yingshang.accounts.roles import DataScope

PUBLISHED_STATUSES = ("official", "archived")


def is_plan_user(user) -> bool:
    """Whether the user's role takes part in task supervision at all (view, report or supervise)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.can("plan.view") or user.can("plan.report_progress"))
    )


def require_plan_user(user) -> None:
    """403 for roles that have nothing to do with the task ledger."""
    if not is_plan_user(user):
        raise PermissionDenied("您的角色无权访问任务台账。")


def _plan_users_only(scope_filter: Callable[..., Q | None]) -> Callable[..., Q | None]:
    """The opening every scope filter shares: nothing for anonymous, inactive or non-plan users, all for a superuser."""

    @functools.wraps(scope_filter)
    def opening(user) -> Q | None:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return None
        if user.is_superuser:
            return Q()
        if not is_plan_user(user):
            return None
        return scope_filter(user)

    return opening


@_plan_users_only
def task_scope_filter(user) -> Q | None:
    """A Q over PlanTask for the user's data scope, or None when the user sees no task at all."""
    from yingshang.core.models import Department

    scope = user.data_scope
    if scope == DataScope.ALL:
        return Q()
    if scope == DataScope.REGION:
        region = user.scope_region
        if region is None:
            return Q()
        in_region = Department.objects.filter(region=region).values("pk")
        return Q(plan__region=region) | Q(pk__in=owned_task_ids(
            Department.objects.filter(Q(region=region) | Q(region__parent=region)).values("pk"), measures=in_region
        ))
    department = user.department
    if department is None:
        return None
    if scope == DataScope.DEPARTMENT_TREE:
        return Q(pk__in=owned_task_ids(Department.objects.filter(path__startswith=department.path).values("pk")))
    # A department that owns only one measure (措施) of a task sees the task, and reports on that measure.
    return Q(pk__in=owned_task_ids([department.pk]))


def owned_task_ids(departments, *, measures=None) -> list[int]:
    """The ids of the tasks that one of `departments` (ids, or a query of them) leads or supports, or one of whose
    measures it leads or supports (`measures`, when given, names those departments instead).

    Read first, in one UNION of the four link tables: a task query that joined them multiplied its rows (every lead ×
    every co-department × every measure's) and needed DISTINCT, and one holding them as subqueries took PostgreSQL
    3 ms to plan for 0.7 ms of work — on every 我的任务 and 任务台账 page.
    """
    from yingshang.plans.models import PlanMeasure, PlanTask

    measures = departments if measures is None else measures
    parts = [
        PlanTask.lead_departments.through.objects.filter(department__in=departments).values_list("plantask_id"),
        PlanTask.co_departments.through.objects.filter(department__in=departments).values_list("plantask_id"),
        PlanMeasure.lead_departments.through.objects.filter(department__in=measures)
        .values_list("planmeasure__task_id"),
        PlanMeasure.co_departments.through.objects.filter(department__in=measures).values_list("planmeasure__task_id"),
    ]
    return [task_id for (task_id,) in parts[0].union(*parts[1:])]


@_plan_users_only
def plan_scope_filter(user) -> Q | None:
    """A Q over Plan for the user (see the module docstring), or None when the user sees no plan."""
    from yingshang.plans.models import PlanTask

    region = user.scope_region
    in_region = Q() if region is None else Q(region__isnull=True) | Q(region__kind="city") | Q(region=region)
    if user.can("plan.import"):
        return in_region
    published = Q(status__in=PUBLISHED_STATUSES)
    if user.can("plan.view"):
        return published & in_region
    tasks = task_scope_filter(user)
    if tasks is None:
        return None
    return published & Q(pk__in=PlanTask.objects.filter(tasks).values("plan_id"))


def plan_scope_key(user) -> str:
    """A name for the plans `plan_scope_filter` lets the user see: users with equal keys see the same plans.

    Holders of plan.view or plan.import see by permission and county alone; anyone else (plans through their
    department's tasks) gets a key of their own.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return "none"
    if user.is_superuser:
        return "all"
    if not is_plan_user(user):
        return "none"
    region = user.scope_region
    where = "city" if region is None else str(region.pk)
    if user.can("plan.import"):
        return f"import.{where}"
    if user.can("plan.view"):
        return f"view.{where}"
    return f"user.{user.pk}.{user.role}.{user.department_id}.{user.region_id}"


def supervises_task(user, task) -> bool:
    """Whether the user may supervise this (visible) task: plan.supervise, and for a county office its county's."""
    if not user.can("plan.supervise"):
        return False
    region = user.scope_region
    if region is None or user.is_superuser:
        return True
    if task.plan.region_id == region.pk:
        return True
    return task.lead_departments.filter(Q(region=region) | Q(region__parent=region)).exists()


def get_plan_for_user(user, plan_id: int):
    """A plan the user may see (404 otherwise)."""
    from yingshang.plans.models import Plan

    return get_object_or_404(Plan.objects.visible_to(user).select_related("region"), pk=plan_id)


def get_plan_for_editing(user, plan_id: int):
    """A plan the user may import/correct: needs plan.import (404 if invisible, 403 if visible only)."""
    plan = get_plan_for_user(user, plan_id)
    if not user.can("plan.import"):
        raise PermissionDenied("您没有维护行动方案的权限。")
    return plan


def get_measure_for_editing(user, measure_id: int):
    """A measure (具体措施) of a plan the user may see, to correct its departments: needs plan.import (404 if
    invisible, 403 if visible only)."""
    from yingshang.plans.models import Plan, PlanMeasure

    measure = get_object_or_404(
        PlanMeasure.objects.filter(task__plan__in=Plan.objects.visible_to(user)).select_related(
            "task", "task__plan"
        ),
        pk=measure_id,
    )
    if not user.can("plan.import"):
        raise PermissionDenied("您没有维护行动方案的权限。")
    return measure


def get_task_for_editing(user, task_id: int):
    """A task of a plan the user may see, to correct its title, deadline and departments: needs plan.import (404 if
    invisible, 403 if visible only)."""
    from yingshang.plans.models import Plan, PlanTask

    task = get_object_or_404(
        PlanTask.objects.filter(plan__in=Plan.objects.visible_to(user)).select_related("plan"), pk=task_id
    )
    if not user.can("plan.import"):
        raise PermissionDenied("您没有维护行动方案的权限。")
    return task


def get_task_for_user(user, task_id: int):
    """A task within the user's scope (404 for missing and not-yours)."""
    from yingshang.plans.models import PlanTask

    return get_object_or_404(
        PlanTask.objects.visible_to(user).select_related("plan", "plan__region", "section"), pk=task_id
    )


def get_task_for_supervision(user, task_id: int):
    """A task the user may supervise: 404 if not visible, 403 if visible but not theirs to supervise."""
    task = get_task_for_user(user, task_id)
    if not supervises_task(user, task):
        raise PermissionDenied("您无权督办该任务（县区只能督办本县区的任务）。")
    return task


def get_evidence_for_user(user, evidence_id: int):
    """An evidence file (佐证材料) of a progress report on a task within the user's scope (404 otherwise)."""
    from yingshang.plans.models import PlanTask, ProgressEvidence

    return get_object_or_404(
        ProgressEvidence.objects.filter(report__task__in=PlanTask.objects.visible_to(user)), pk=evidence_id
    )


def get_notice_for_user(user, notice_id: int):
    """A supervision notice (督办单) on a task within the user's scope (404 otherwise)."""
    from yingshang.plans.models import SupervisionNotice

    return get_object_or_404(
        SupervisionNotice.objects.visible_to(user).select_related("task", "task__plan"), pk=notice_id
    )


def get_issue_for_user(user, issue_id: int):
    """An issue ledger item (问题台账) on a task within the user's scope (404 otherwise)."""
    from yingshang.plans.models import IssueItem

    return get_object_or_404(
        IssueItem.objects.visible_to(user).select_related("task", "task__plan"), pk=issue_id
    )
