"""Who may see which plan task (方案任务), and the only way interfaces fetch plan objects by id.

Departments see the tasks they lead or support (a department leader: their department and below),
county administrators the tasks of their county's plans or owned by their county's departments,
the city administrator and leaders everything. Other roles see no tasks.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from yingshang.accounts.roles import DataScope


def task_scope_filter(user) -> Q | None:
    """A Q over PlanTask for the user's data scope, or None when the user sees no task at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    if not (user.can("plan.view") or user.can("plan.report_progress")):
        return None
    scope = user.data_scope
    if scope == DataScope.ALL:
        return Q()
    if scope == DataScope.REGION:
        region = user.scope_region
        if region is None:
            return Q()
        return (Q(plan__region=region) | Q(lead_departments__region=region) | Q(co_departments__region=region)
                | Q(lead_departments__region__parent=region) | Q(co_departments__region__parent=region))
    department = user.department
    if department is None:
        return None
    if scope == DataScope.DEPARTMENT_TREE:
        return Q(lead_departments__path__startswith=department.path) | Q(
            co_departments__path__startswith=department.path)
    return Q(lead_departments=department) | Q(co_departments=department)


def get_plan_for_user(user, plan_id: int):
    """A plan the user may see (404 otherwise)."""
    from yingshang.plans.models import Plan

    return get_object_or_404(Plan.objects.visible_to(user), pk=plan_id)


def get_plan_for_editing(user, plan_id: int):
    """A plan the user may import/correct: needs plan.import (404 if invisible, 403 if visible only)."""
    plan = get_plan_for_user(user, plan_id)
    if not user.can("plan.import"):
        raise PermissionDenied("您没有维护行动方案的权限。")
    return plan


def get_task_for_user(user, task_id: int):
    """A task within the user's scope (404 for missing and not-yours)."""
    from yingshang.plans.models import PlanTask

    return get_object_or_404(PlanTask.objects.visible_to(user).select_related("plan", "section"), pk=task_id)
