"""Menu entries per role. Each app declares `NAV_ITEMS` in its own `navigation.py`; core collects them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str = ""  # empty: any logged-in user
    roles: tuple[str, ...] = ()  # non-empty: only these roles (besides the permission check)
    order: int = 100


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError:
            continue
        items.extend(getattr(module, "NAV_ITEMS", ()))
    return tuple(sorted(items, key=lambda i: i.order))


def items_for(user) -> list[dict]:
    result = []
    for item in all_items():
        if item.permission and not user.can(item.permission):
            continue
        if item.roles and user.role not in item.roles and not user.is_superuser:
            continue
        try:
            result.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return result


NAV_ITEMS = (
    NavItem("企业空间", "core:workspace", roles=("enterprise", "experience_officer"), order=1),
    NavItem("驾驶舱", "core:dashboard", "admin.dashboard", order=2),
    NavItem("工作台", "core:workbench", "workbench.view", order=3),
    NavItem("审计记录", "core:audit_trail", "audit.view", order=90),
    NavItem("部门", "core:departments", "workbench.view", order=91),
)
