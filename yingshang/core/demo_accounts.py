"""Demo accounts: one per role, attached to real departments of the loaded city."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from yingshang.accounts.models import User
from yingshang.accounts.roles import Role
from yingshang.accounts.services import create_user
from yingshang.core.models import Department, Region


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str
    department_key: str  # function_key of the department; "" for none
    region_level: str  # "city" or "county" (the first county) or ""


DEMO_ACCOUNTS = (
    DemoAccount("qiye", Role.ENTERPRISE, "企业用户·王经理", "", ""),
    DemoAccount("bumen", Role.DEPARTMENT_STAFF, "市场监管局·李干事", "market", "city"),
    DemoAccount("bumen_xian", Role.DEPARTMENT_STAFF, "甘州区市场监管局·赵干事", "market", "county"),
    DemoAccount("bumen_lingdao", Role.DEPARTMENT_LEADER, "市场监管局·陈局长", "market", "city"),
    DemoAccount("xianqu", Role.COUNTY_ADMIN, "甘州区营商局·刘主任", "business_env", "county"),
    DemoAccount("shiji", Role.CITY_ADMIN, "市营商局·张科长", "business_env", "city"),
    DemoAccount("rexian", Role.OPERATOR_12345, "12345 话务员·孙", "hotline", "city"),
    DemoAccount("jiancha", Role.INSPECTOR, "执法支队·周检查员", "market_enforcement", "city"),
    DemoAccount("tiyanguan", Role.EXPERIENCE_OFFICER, "营商环境体验官·吴", "", ""),
    DemoAccount("lingdao", Role.LEADER, "市领导（只读）", "", ""),
)


def new_password(for_user: User | None = None) -> str:
    """A random 12-character password of letters and digits that the site's password validators accept for
    `for_user`: the similarity check refuses, now and then, a random one that happens to contain the username's
    letters (CI once drew 'dOaN4LIGHX6n' for `lingdao`), so such a draw is thrown away and another made."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(12))
        if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
            continue
        try:
            validate_password(password, for_user)
        except ValidationError:
            continue
        return password


def ensure_demo_accounts() -> list[tuple[str, str, str]]:
    """Create missing demo accounts; returns (username, role label, password) for the ones created now."""
    city = Region.objects.get(kind="city")
    county = Region.objects.filter(kind="county").order_by("sort_order").first()
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        region = {"city": city, "county": county}.get(account.region_level)
        department = None
        if account.department_key:
            department = Department.objects.filter(function_key=account.department_key, region=region).first()
        password = new_password(User(username=account.username, full_name=account.full_name))
        create_user(username=account.username, password=password, role=account.role, full_name=account.full_name,
                    department=department, region=region if account.role == Role.COUNTY_ADMIN else None)
        created.append((account.username, Role(account.role).label, password))
    return created
