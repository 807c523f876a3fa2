"""The load benchmark's wide mix: many signed-in users, each reading what its own role and scope lets it read.

The narrow mix (`bench_load.prepare`) sends 84 fixed URLs as five demo users, so a page kept per viewer is nearly
always found kept. Here every enterprise of the demo data gets its own user (2,000 at full scale), every
department a staff member, every city department a leader, every county an administrator, the city three
administrators, three leaders and two 12345 operators; each request line is a role drawn by weight, a user of that
role drawn at random, and a page drawn from what that user may see (an enterprise of its scope out of 2,000, its own
appeals, a list page, a filter) — so kept pages are found only as often as a real crowd of that size would find
them.

`lines()` returns (path, header) pairs for the load generator, the same shape as `bench_load.expand()`:
"sessionid=…" (sent as Cookie), "Bearer …" (sent as Authorization) or "" (a visitor); a path starting with "POST "
carries a JSON body after a tab, with "{n}" replaced by a number unique to the request.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

ENTERPRISE_FILTERS = ("region={region}", "section={section}", "size=micro", "size=small", "size=medium",
                      "qualification=hnte", "status=active", "q=%E7%A7%91%E6%8A%80", "q=%E7%A7%8D%E4%B8%9A",
                      "q=%E5%95%86%E8%B4%B8")
APPEAL_BODY = {"title": "负载测试诉求", "description": "压力测试：企业反映办理施工许可时材料要求不一致，请协调。编号{n}",
               "client_key": "load-{n}"}
FILERS = 300  # enterprise users that also file appeals through the API (each with its own token)


@dataclass
class Crowd:
    """The load's users, their session cookies and what each may read."""

    enterprise: list[dict] = field(default_factory=list)  # {"cookie", "enterprise", "appeals", "token"}
    staff: list[dict] = field(default_factory=list)  # department staff and leaders: {"cookie", "enterprises", "appeals"}
    admins: list[dict] = field(default_factory=list)  # county and city administrators: {"cookie", "region", ...}
    leaders: list[dict] = field(default_factory=list)  # leaders and 12345 operators who read dashboards
    documents: list[int] = field(default_factory=list)
    clauses: list[int] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    category: str = ""


def _session_cookie(user) -> str:
    """A signed-in session for `user`, stored as `login()` would store it (without its last_login write)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}"


def build_crowd(rng: random.Random) -> Crowd:
    """Create the load's users (idempotent: users made by an earlier run are reused) and sign each one in."""
    from django.contrib.auth.hashers import make_password

    from yingshang.accounts.models import User
    from yingshang.accounts.roles import Role
    from yingshang.accounts.services import issue_api_token
    from yingshang.appeals.models import Appeal, AppealCategory
    from yingshang.core.models import Department, Region
    from yingshang.enterprises.choices import MembershipStatus
    from yingshang.enterprises.models import Enterprise, EnterpriseMembership
    from yingshang.enterprises.selectors import EnterpriseFilters, enterprise_list
    from yingshang.monitoring.models import Dimension
    from yingshang.policies.models import Clause, PolicyDocument

    unusable = make_password(None)
    city = Region.objects.get(kind="city")
    counties = list(Region.objects.filter(kind="county").order_by("sort_order"))
    wanted: list[User] = []
    enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    for enterprise_id in enterprise_ids:
        wanted.append(User(username=f"load-qy-{enterprise_id}", role=Role.ENTERPRISE, password=unusable,
                           full_name=f"负载企业用户{enterprise_id}"))
    for department in Department.objects.filter(is_active=True).select_related("region"):
        wanted.append(User(username=f"load-bm-{department.pk}", role=Role.DEPARTMENT_STAFF, password=unusable,
                           department=department, full_name=f"{department.name}·负载"))
        if department.region_id == city.pk and department.parent_id is None:
            wanted.append(User(username=f"load-bl-{department.pk}", role=Role.DEPARTMENT_LEADER, password=unusable,
                               department=department, full_name=f"{department.name}·负责人"))
    for county in counties:
        office = Department.objects.filter(function_key="business_env", region=county).first()
        wanted.append(User(username=f"load-xq-{county.code}", role=Role.COUNTY_ADMIN, password=unusable,
                           region=county, department=office, full_name=f"{county.name}营商管理员"))
    city_office = Department.objects.filter(function_key="business_env", region=city).first()
    hotline = Department.objects.filter(function_key="hotline", region=city).first()
    for i in range(3):
        wanted.append(User(username=f"load-sj-{i}", role=Role.CITY_ADMIN, password=unusable, department=city_office,
                           full_name=f"市营商管理员{i}"))
        wanted.append(User(username=f"load-ld-{i}", role=Role.LEADER, password=unusable, full_name=f"市领导{i}"))
    for i in range(2):
        wanted.append(User(username=f"load-rx-{i}", role=Role.OPERATOR_12345, password=unusable, department=hotline,
                           full_name=f"话务员{i}"))
    User.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=500)
    users = {u.username: u for u in User.objects.filter(username__startswith="load-")}
    EnterpriseMembership.objects.bulk_create(
        [EnterpriseMembership(user=users[f"load-qy-{e}"], enterprise_id=e, status=MembershipStatus.VERIFIED)
         for e in enterprise_ids], ignore_conflicts=True, batch_size=500)

    crowd = Crowd()
    crowd.category = AppealCategory.objects.order_by("code").values_list("code", flat=True).first() or ""
    filers = set(rng.sample(enterprise_ids, min(FILERS, len(enterprise_ids))))
    own_appeals: dict[int, list[int]] = {}
    for appeal_id, enterprise_id in Appeal.objects.filter(enterprise_id__isnull=False).values_list("pk", "enterprise_id"):
        own_appeals.setdefault(enterprise_id, []).append(appeal_id)
    for enterprise_id in enterprise_ids:
        user = users[f"load-qy-{enterprise_id}"]
        token = issue_api_token(user=user, name="load") if enterprise_id in filers and crowd.category else ""
        crowd.enterprise.append({"cookie": _session_cookie(user), "enterprise": enterprise_id,
                                 "appeals": own_appeals.get(enterprise_id, [])[:20], "token": token})
    everyone = EnterpriseFilters.from_mapping({})
    for _username, user in sorted(users.items()):
        if user.role in (Role.DEPARTMENT_STAFF, Role.DEPARTMENT_LEADER):
            visible = list(enterprise_list(user, everyone).values_list("pk", flat=True)[:2000])
            appeals = list(Appeal.objects.visible_to(user).values_list("pk", flat=True)[:50])
            crowd.staff.append({"cookie": _session_cookie(user), "enterprises": visible, "appeals": appeals,
                                "pages": max(1, len(visible) // 20)})
        elif user.role in (Role.COUNTY_ADMIN, Role.CITY_ADMIN):
            visible = list(enterprise_list(user, everyone).values_list("pk", flat=True)[:2000])
            region = user.region.code if user.region_id else ""
            crowd.admins.append({"cookie": _session_cookie(user), "enterprises": visible, "region": region,
                                 "city": user.role == Role.CITY_ADMIN, "pages": max(1, len(visible) // 20)})
        elif user.role in (Role.LEADER, Role.OPERATOR_12345):
            crowd.leaders.append({"cookie": _session_cookie(user), "leader": user.role == Role.LEADER})
    crowd.documents = list(PolicyDocument.objects.filter(status="published").values_list("pk", flat=True)[:200])
    crowd.clauses = list(Clause.objects.filter(document_id__in=crowd.documents, review_status="confirmed")
                         .values_list("pk", flat=True)[:500])
    crowd.dimensions = list(Dimension.objects.values_list("code", flat=True))
    crowd.sections = sorted(set(Enterprise.objects.exclude(industry_section="")
                                .values_list("industry_section", flat=True)))
    crowd.counties = [c.code for c in counties]
    crowd.staff = [s for s in crowd.staff if s["enterprises"]]
    return crowd


# Request kinds: (name, weight per 1,000 requests, who). Groups: visitors 8 %, enterprises 36 %, department staff
# 27 %, county and city administrators 22.5 %, leaders 5.5 %, 12345 operators 1 %.
KINDS = (
    ("portal", 30, "visitor"), ("policy_search", 20, "visitor"), ("policy_document", 30, "visitor"),
    ("workspace", 50, "enterprise"), ("my_policies", 50, "enterprise"), ("my_matches_api", 30, "enterprise"),
    ("own_enterprise", 30, "enterprise"), ("my_appeals", 30, "enterprise"), ("own_appeal", 20, "enterprise"),
    ("policy_search_signed_in", 30, "enterprise"), ("policy_document_signed_in", 40, "enterprise"),
    ("clause", 30, "enterprise"), ("file_appeal", 30, "enterprise"), ("policies_api", 20, "enterprise"),
    ("workbench", 40, "staff"), ("inbox", 40, "staff"), ("staff_appeal", 20, "staff"),
    ("staff_enterprise", 80, "staff"), ("staff_enterprise_api", 30, "staff"), ("staff_appeals_api", 20, "staff"),
    ("my_tasks", 20, "staff"), ("staff_registry", 20, "staff"),
    ("registry_page", 40, "admin"), ("registry_filter", 40, "admin"), ("registry_api", 30, "admin"),
    ("admin_enterprise", 40, "admin"), ("ledger", 30, "admin"), ("plans", 15, "admin"),
    ("admin_dashboard", 15, "admin"), ("admin_monitoring", 15, "admin"),
    ("leader_dashboard", 15, "leader"), ("leader_monitoring", 20, "leader"), ("dimension", 10, "leader"),
    ("indicators_api", 10, "leader"), ("dispatch", 5, "operator"), ("hotline_ledger", 5, "operator"),
)


def _line(kind: str, crowd: Crowd, rng: random.Random) -> tuple[str, str] | None:
    """One request of `kind` by a user drawn at random; None when the data has nothing for it."""
    pick = rng.choice
    if kind == "portal":
        return "/", ""
    if kind in ("policy_search", "policy_search_signed_in"):
        query = pick(("", "?q=%E8%A1%A5%E8%B4%B4", "?q=%E5%87%8F%E5%85%8D", "?level=city", "?mode=apply",
                      "?q=%E4%BA%BA%E6%89%8D", "?page=2"))
        header = pick(crowd.enterprise)["cookie"] if kind.endswith("signed_in") else ""
        return f"/policies/{query}", header
    if kind in ("policy_document", "policy_document_signed_in"):
        if not crowd.documents:
            return None
        header = pick(crowd.enterprise)["cookie"] if kind.endswith("signed_in") else ""
        return f"/policies/documents/{pick(crowd.documents)}/", header
    if kind == "clause":
        return (f"/policies/clauses/{pick(crowd.clauses)}/", pick(crowd.enterprise)["cookie"]) if crowd.clauses \
            else None
    if kind == "file_appeal":
        filer = pick([e for e in crowd.enterprise if e["token"]] or [None])
        if filer is None:
            return None
        body = json.dumps({**APPEAL_BODY, "category": crowd.category, "enterprise_id": filer["enterprise"]},
                          ensure_ascii=False)
        return f"POST /api/v1/appeals\t{body}", f"Bearer {filer['token']}"
    if kind in ("workspace", "my_policies", "my_matches_api", "own_enterprise", "my_appeals", "own_appeal",
                "policies_api"):
        user = pick(crowd.enterprise)
        path = {"workspace": "/workspace/", "my_policies": "/policies/mine/",
                "my_matches_api": f"/api/v1/policies/enterprises/{user['enterprise']}/matches",
                "own_enterprise": f"/enterprises/{user['enterprise']}/", "my_appeals": "/appeals/mine/",
                "policies_api": "/api/v1/policies"}.get(kind)
        if kind == "own_appeal":
            with_appeals = [e for e in crowd.enterprise if e["appeals"]]
            if not with_appeals:
                return None
            user = pick(with_appeals)
            path = f"/appeals/{pick(user['appeals'])}/"
        return path, user["cookie"]
    if kind.startswith("staff"):
        user = pick(crowd.staff)
        if kind == "staff_appeal":
            with_appeals = [s for s in crowd.staff if s["appeals"]]
            if not with_appeals:
                return None
            user = pick(with_appeals)
            return f"/appeals/{pick(user['appeals'])}/", user["cookie"]
        enterprise = pick(user["enterprises"])
        return {"staff_enterprise": f"/enterprises/{enterprise}/",
                "staff_enterprise_api": f"/api/v1/enterprises/{enterprise}",
                "staff_appeals_api": "/api/v1/appeals",
                "staff_registry": f"/enterprises/?page={rng.randint(1, min(5, user['pages']))}"}[kind], user["cookie"]
    if kind in ("workbench", "inbox", "my_tasks"):
        user = pick(crowd.staff)
        return {"workbench": "/workbench/", "inbox": "/appeals/inbox/", "my_tasks": "/plans/mine/"}[kind], \
            user["cookie"]
    if kind.startswith(("registry", "admin")) or kind in ("ledger", "plans"):
        user = pick(crowd.admins)
        if kind == "registry_page":
            return f"/enterprises/?page={rng.randint(1, min(40, user['pages']))}", user["cookie"]
        if kind == "registry_filter":
            chosen = rng.sample(ENTERPRISE_FILTERS, rng.choice((1, 1, 2)))
            region = pick(crowd.counties) if user["city"] else user["region"]
            query = "&".join(q.format(region=region, section=pick(crowd.sections or ["A"])) for q in chosen)
            return f"/enterprises/?{query}", user["cookie"]
        if kind == "registry_api":
            return f"/api/v1/enterprises?page={rng.randint(1, min(40, user['pages']))}&page_size=20", user["cookie"]
        if kind == "admin_enterprise":
            return f"/enterprises/{pick(user['enterprises'])}/", user["cookie"]
        if kind == "admin_dashboard":  # the 领导驾驶舱 is the city's (county administrators have their monitoring)
            user = pick([a for a in crowd.admins if a["city"]])
        return {"ledger": f"/appeals/ledger/?page={pick((1, 1, 1, 2, 3))}", "plans": "/plans/",
                "admin_dashboard": "/dashboard/", "admin_monitoring": "/monitoring/"}[kind], user["cookie"]
    if kind in ("dispatch", "hotline_ledger"):
        user = pick([o for o in crowd.leaders if not o["leader"]])
        return {"dispatch": "/appeals/dispatch/", "hotline_ledger": "/appeals/ledger/"}[kind], user["cookie"]
    user = pick([o for o in crowd.leaders if o["leader"]])
    if kind == "dimension":
        return (f"/monitoring/dimensions/{pick(crowd.dimensions)}/", user["cookie"]) if crowd.dimensions else None
    return {"leader_dashboard": "/dashboard/", "leader_monitoring": "/monitoring/",
            "indicators_api": "/api/v1/monitoring/indicators"}[kind], user["cookie"]


def lines(count: int, *, seed: int = 7) -> tuple[list[tuple[str, str]], dict]:
    """`count` request lines drawn from the crowd, and a description of the mix (kinds, users, distinct pairs).

    A sample of every kind is asked once through Django's test client first; a kind that does not answer 200/201
    for its users is left out (and named), as the narrow mix does with capability pages.
    """
    from django.test import Client

    rng = random.Random(seed)
    crowd = build_crowd(rng)
    names = [name for name, _, _ in KINDS]
    weights = [weight for _, weight, _ in KINDS]
    dropped: dict[str, str] = {}
    for name in names:
        for _ in range(5):
            line = _line(name, crowd, rng)
            if line is None:
                dropped[name] = "无数据"
                break
            status = _probe(Client(raise_request_exception=False), *line)
            if status not in (200, 201):
                dropped[name] = f"HTTP {status} {line[0].split(chr(9))[0]}"
                break
    kept = [(n, w) for n, w in zip(names, weights, strict=True) if n not in dropped]
    drawn = rng.choices([n for n, _ in kept], weights=[w for _, w in kept], k=count)
    result: list[tuple[str, str]] = []
    kinds: Counter[str] = Counter()
    for name in drawn:
        line = _line(name, crowd, rng)
        if line is not None:
            result.append(line)
            kinds[name] += 1
    viewers = {header for _, header in result if header}
    description = {"lines": len(result), "distinct_pairs": len(set(result)), "distinct_paths": len({p for p, _ in result}),
                   "viewers": len(viewers), "enterprise_users": len(crowd.enterprise), "staff": len(crowd.staff),
                   "admins": len(crowd.admins), "leaders": len(crowd.leaders), "kinds": len(kinds),
                   "dropped": dropped}
    return result, description


def _probe(client, path: str, header: str) -> int:
    extra = {}
    if header.startswith("Bearer "):
        extra = {"headers": {"Authorization": header}}
    elif header:
        client.cookies["sessionid"] = header.split("=", 1)[1]
    if path.startswith("POST "):
        url, body = path[5:].split("\t", 1)
        return client.post(url, body.replace("{n}", f"probe-{time.time_ns()}"), content_type="application/json",
                           **extra).status_code
    return client.get(path, **extra).status_code
