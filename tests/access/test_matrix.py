"""Every page and API operation × every member of the cast × own/other county object → the expected outcome."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.access.matrix import (
    ALLOW,
    ANONYMOUS,
    CAST,
    EVERYONE,
    LOGIN,
    api_operations,
    kept_routes,
    load_tables,
    matches,
    observed_outcome,
    page_routes,
)

TABLES = load_tables()
KEYS = sorted(TABLES.cases)
PARAMS = [pytest.param(key, index, id=f"{key}[{case.label or index}]")
          for key in KEYS for index, case in enumerate(TABLES.cases[key])]


KEPT = kept_routes()
KEPT_PARAMS = [pytest.param(key, index, id=f"{key}[{case.label or index}]")
               for key in KEYS if key in KEPT for index, case in enumerate(TABLES.cases[key])
               if key.startswith("GET ") or case.method == "get"]


def test_every_route_and_operation_has_an_entry():
    known = set(TABLES.cases) | set(TABLES.excluded)
    missing = [key for key in [*page_routes(), *api_operations()]
               if key not in known and not matches(key, TABLES.excluded) and not matches(key, TABLES.pending)]
    assert missing == [], "这些页面/接口在权限矩阵里没有条目（tests/access/table_<app>.py）：" + "、".join(missing)


def test_every_entry_is_a_real_route():
    real = set(page_routes()) | set(api_operations())
    assert sorted(set(TABLES.cases) - real) == []


def test_pending_routes_are_reported():
    pending = sorted(k for k in [*page_routes(), *api_operations()]
                     if k not in TABLES.cases and matches(k, TABLES.pending))
    print(f"\n权限矩阵待补充（{len(pending)}）：{', '.join(pending) or '无'}")
    assert all(isinstance(p, str) for p in TABLES.pending)


def _url(key: str, kwargs: dict) -> str:
    if " " in key:  # an API operation: 'METHOD /path/{param}'
        path = key.split(" ", 1)[1]
        for name, value in kwargs.items():
            path = path.replace("{" + name + "}", str(value))
        return path
    return reverse(key, kwargs=kwargs or None)


def _method(key: str, case) -> str:
    return key.split(" ", 1)[0].lower() if " " in key else case.method


def _send(client: Client, method: str, url: str, case, world):
    """GET with the case's query data; JSON body when the case has one; else form data (multipart for POST)."""
    if case.json is not None:
        body = json.dumps(case.json(world), ensure_ascii=False)
        return getattr(client, method)(url, data=body, content_type="application/json")
    data = case.data(world)
    if method == "get":
        return client.get(url, data=data) if data else client.get(url)
    return getattr(client, method)(url, data=data)


@pytest.mark.parametrize(("key", "index"), PARAMS)
def test_route_outcome_for_every_cast_member(world, key, index):
    case = TABLES.cases[key][index]
    assert set(case.outcomes) == set(EVERYONE), "a case must cover the whole cast and anonymous"
    url = _url(key, case.kwargs(world)) + case.query
    observed = {}
    for person in EVERYONE:
        client = Client()
        if person != ANONYMOUS:
            client.force_login(world[person])
        observed[person] = observed_outcome(_send(client, _method(key, case), url, case, world))
    mismatches = {p: f"expected {case.outcomes[p]}, got {observed[p]}" for p in EVERYONE
                  if observed[p] != case.outcomes[p]}
    assert mismatches == {}, f"{url}"


def test_kept_routes_are_covered():
    assert len(KEPT_PARAMS) >= 20 and {"core:workbench", "policies:mine", "GET /api/v1/enterprises"} <= KEPT


@pytest.mark.parametrize(("key", "index"), KEPT_PARAMS)
def test_kept_route_outcome_is_the_same_when_answered_from_the_cache(world, key, index, settings):
    """core.page_cache on: the whole cast asks three times in turn, so later answers may come from the cache —
    none reaches anyone the rendered page would not, and each member's outcome stays what the table says."""
    settings.KEEP_WHOLE_PAGES = True
    case = TABLES.cases[key][index]
    url = _url(key, case.kwargs(world)) + case.query
    clients = {}
    for person in EVERYONE:
        clients[person] = Client()
        if person != ANONYMOUS:
            clients[person].force_login(world[person])
    kept = 0
    for _ in range(3):
        for person in EVERYONE:
            response = _send(clients[person], "get", url, case, world)
            assert observed_outcome(response) == case.outcomes[person], (url, person)
            kept += bool(getattr(response.wsgi_request, "page_cache_hit", False))
    if any(outcome == ALLOW for outcome in case.outcomes.values()):
        assert kept, f"{url}: 三轮请求都没有命中缓存"


def test_admin_is_superuser_only(world, django_user_model):
    """Every Django admin page without arguments: the cast goes to the admin login; a superuser gets in."""
    admin_urls = [name for name in page_routes() if name.startswith("admin:") and name not in ("admin:logout",)]
    plain = []
    for name in admin_urls:
        try:
            plain.append(reverse(name))
        except Exception:  # noqa: S112 - routes that need an object id are guarded by the same admin_view
            continue
    assert "/django-admin/" in plain and len(plain) > 10
    superuser = django_user_model.objects.create_superuser("root", password="Root-pass-2025")
    root = Client()
    root.force_login(superuser)
    for person in CAST:
        client = Client()
        client.force_login(world[person])
        for url in plain:
            if url.endswith("/login/"):
                continue
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/django-admin/login/"), (
                person, url, response.status_code)
    for url in plain:
        # 403 where even a superuser may not act (append-only audit and task results, autocomplete without query).
        response = root.get(url)
        assert response.status_code in (200, 302, 403) and "/login/" not in response.get("Location", ""), url
    assert root.get("/django-admin/").status_code == 200
    assert observed_outcome(Client().get("/django-admin/"), login_url="/django-admin/login/") == LOGIN
