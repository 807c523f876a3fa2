"""Roles (角色), their data scope (数据权限) and permissions — as data, not scattered checks."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from django.db import models


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户"
    DEPARTMENT_STAFF = "dept_staff", "部门工作人员"
    DEPARTMENT_LEADER = "dept_leader", "部门负责人"
    COUNTY_ADMIN = "county_admin", "县区营商管理员"
    CITY_ADMIN = "city_admin", "市营商管理员"
    OPERATOR_12345 = "operator", "12345 话务员"
    INSPECTOR = "inspector", "执法检查员"
    EXPERIENCE_OFFICER = "experience_officer", "营商环境体验官"
    LEADER = "leader", "领导（只读）"


class DataScope(models.TextChoices):
    SELF = "self", "本人"
    DEPARTMENT = "department", "本部门"
    DEPARTMENT_TREE = "department_tree", "本部门及下级"
    REGION = "region", "本区域"
    ALL = "all", "全市"


ROLE_SCOPE: dict[str, str] = {
    Role.ENTERPRISE: DataScope.SELF,
    Role.DEPARTMENT_STAFF: DataScope.DEPARTMENT,
    Role.DEPARTMENT_LEADER: DataScope.DEPARTMENT_TREE,
    Role.COUNTY_ADMIN: DataScope.REGION,
    Role.CITY_ADMIN: DataScope.ALL,
    Role.OPERATOR_12345: DataScope.ALL,
    Role.INSPECTOR: DataScope.REGION,
    Role.EXPERIENCE_OFFICER: DataScope.SELF,
    Role.LEADER: DataScope.ALL,
}

GOVERNMENT_ROLES = frozenset(ROLE_SCOPE) - {Role.ENTERPRISE, Role.EXPERIENCE_OFFICER}

# Permission codes per role. An app adds its own codes here so that one table shows who may do what.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ENTERPRISE: frozenset({"enterprise.claim", "policy.apply", "appeal.file", "appeal.rate"}),
    Role.DEPARTMENT_STAFF: frozenset(
        {"enterprise.view", "policy.view_admin", "policy.draft", "policy.review_application", "appeal.handle",
         "plan.report_progress", "monitoring.submit", "workbench.view"}
    ),
    Role.DEPARTMENT_LEADER: frozenset(
        {"enterprise.view", "policy.view_admin", "policy.draft", "policy.publish", "policy.review_application",
         "appeal.handle", "appeal.approve_extension", "plan.report_progress", "monitoring.submit",
         "monitoring.view", "workbench.view"}
    ),
    Role.COUNTY_ADMIN: frozenset(
        {"enterprise.view", "enterprise.edit", "enterprise.import", "enterprise.verify_member", "enterprise.export",
         "policy.view_admin", "appeal.dispatch", "appeal.handle", "appeal.supervise", "plan.view", "plan.supervise",
         "monitoring.view", "monitoring.submit", "audit.view", "workbench.view"}
    ),
    Role.CITY_ADMIN: frozenset(
        {"enterprise.view", "enterprise.edit", "enterprise.import", "enterprise.verify_member", "enterprise.export",
         "policy.view_admin", "policy.draft", "policy.publish", "policy.review_application", "appeal.dispatch",
         "appeal.supervise", "appeal.approve_extension", "appeal.configure", "plan.view", "plan.import",
         "plan.supervise", "monitoring.view", "monitoring.review", "monitoring.configure", "audit.view",
         "calendar.edit", "workbench.view", "admin.dashboard"}
    ),
    Role.OPERATOR_12345: frozenset(
        {"enterprise.view", "appeal.intake", "appeal.dispatch", "appeal.revisit", "workbench.view"}
    ),
    Role.INSPECTOR: frozenset({"enterprise.view", "inspection.perform", "workbench.view"}),
    Role.EXPERIENCE_OFFICER: frozenset({"appeal.file", "appeal.record_visit"}),
    Role.LEADER: frozenset(
        {"enterprise.view", "policy.view_admin", "plan.view", "monitoring.view", "appeal.view_all",
         "workbench.view", "admin.dashboard"}
    ),
}


def role_has_permission(role: str, permission: str) -> bool:
    return permission in _merged_permissions().get(role, frozenset())


@cache
def _merged_permissions() -> dict[str, frozenset[str]]:
    """ROLE_PERMISSIONS plus each app's `permissions.EXTRA_ROLE_PERMISSIONS` (role → set of codes)."""
    from django.apps import apps

    merged = {role: set(codes) for role, codes in ROLE_PERMISSIONS.items()}
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        for role, codes in getattr(module, "EXTRA_ROLE_PERMISSIONS", {}).items():
            merged.setdefault(role, set()).update(codes)
    return {role: frozenset(codes) for role, codes in merged.items()}
