"""The permission matrix (权限矩阵): every page and API operation × every member of the cast → expected outcome.

Each app has one table file `tests/access/table_<app>.py` with:

    CASES: dict[str, list[Case]]   route name ("enterprises:detail") or API operation ("GET /api/v1/enterprises")
    EXCLUDED: dict[str, str]       route → why it is not in the matrix (tested elsewhere); "ns:*" matches a namespace
    PENDING_ROUTES: set[str]       routes still being built (same "ns:*" wildcard); reported, not failed

A route or operation that appears in the URL map / OpenAPI document with no entry anywhere fails
`test_every_route_and_operation_has_an_entry`.
"""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

ALLOW = "allow"  # 2xx, or a redirect that is not to the login page
LOGIN = "login"  # 302 to the login page (anonymous on a protected page)
FORBIDDEN = "403"
NOT_FOUND = "404"
UNAUTHENTICATED = "401"  # API without session or token
OUTCOMES = (ALLOW, LOGIN, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED)

ANONYMOUS = "anonymous"
CAST = ("city_admin", "leader", "operator", "city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin",
        "lz_staff", "inspector", "officer", "gz_owner", "lz_owner", "stranger")
EVERYONE = (*CAST, ANONYMOUS)
GOVERNMENT = frozenset({"city_admin", "leader", "operator", "city_staff", "city_dept_lead", "gz_admin", "gz_staff",
                        "lz_admin", "lz_staff", "inspector"})
ENTERPRISE_SIDE = frozenset({"officer", "gz_owner", "lz_owner", "stranger"})
SIGNED_IN = frozenset(CAST)
# Who sees every enterprise in the city (city-wide data scope with enterprise.view).
CITY_WIDE_REGISTRY = frozenset({"city_admin", "leader", "operator", "city_staff", "city_dept_lead", "inspector"})
REGISTRY_ADMINS = frozenset({"city_admin", "gz_admin", "lz_admin"})


def expect(*, otherwise: str | None = None, anonymous: str = LOGIN, **groups: Iterable[str]) -> dict[str, str]:
    """Outcome per cast member: `expect(allow=GOVERNMENT, otherwise=FORBIDDEN)`; `not_found=`, `forbidden=` too.

    Every member must be covered (explicitly or by `otherwise`); a member named twice is an error.
    """
    keyword = {"allow": ALLOW, "forbidden": FORBIDDEN, "not_found": NOT_FOUND, "login": LOGIN,
               "unauthenticated": UNAUTHENTICATED}
    result: dict[str, str] = {ANONYMOUS: anonymous}
    for key, people in groups.items():
        outcome = keyword[key]
        for person in people:
            if person in result and person != ANONYMOUS:
                raise ValueError(f"{person} listed twice")
            if person not in EVERYONE:
                raise ValueError(f"unknown cast member {person}")
            result[person] = outcome
    for person in CAST:
        if person not in result:
            if otherwise is None:
                raise ValueError(f"no expectation for {person}")
            result[person] = otherwise
    return result


def api_expect(**kwargs) -> dict[str, str]:
    """Like `expect`, for API operations: anonymous callers get 401, never a login redirect."""
    kwargs.setdefault("anonymous", UNAUTHENTICATED)
    return expect(**kwargs)


@dataclass(frozen=True)
class Case:
    """One request shape (method, arguments from the test world) and its expected outcome per cast member."""

    outcomes: Mapping[str, str]
    kwargs: Callable[[Any], dict[str, Any]] = lambda world: {}
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = lambda world: {}
    # A JSON request body (API operations that read one); sent as application/json instead of `data`.
    json: Callable[[Any], Any] | None = None
    label: str = ""
    query: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _patterns() -> list[tuple[str, str, URLPattern]]:
    """(route name with namespaces, or the pattern for unnamed routes; pattern; the URLPattern) for every URL."""
    found: list[tuple[str, str, URLPattern]] = []

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                ns = namespaces + ((item.namespace,) if item.namespace else ())
                walk(item, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                pattern = prefix + str(item.pattern)
                name = ":".join((*namespaces, item.name)) if item.name else f"pattern:{pattern}"
                found.append((name, pattern, item))

    walk(get_resolver(), "", ())
    return found


def walk_routes() -> list[tuple[str, str]]:
    """(route name with namespaces, or the pattern for unnamed routes; pattern) for every URL of the site."""
    return [(name, pattern) for name, pattern, _ in _patterns()]


def kept_routes() -> set[str]:
    """Matrix keys of the GET pages and API operations whose responses core.page_cache may keep whole."""
    import re

    from yingshang.core.page_cache import _lifetime

    def key(name: str, pattern: str) -> str:
        return "GET /" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern) if pattern.startswith("api/") else name

    return {key(name, pattern) for name, pattern, item in _patterns() if _lifetime(item.callback) is not None}


def api_operations() -> list[str]:
    """'METHOD /path' for every operation in the OpenAPI document."""
    from config.api import api

    schema = api.get_openapi_schema()
    return sorted(f"{method.upper()} {path}" for path, operations in schema["paths"].items()
                  for method in operations)


def page_routes() -> list[str]:
    """Route names of pages (API operations are covered through the OpenAPI document instead)."""
    return sorted({name for name, pattern in walk_routes()
                   if not (name.startswith("api-v1:") and name not in API_DOC_ROUTES)})


API_DOC_ROUTES = frozenset({"api-v1:openapi-json", "api-v1:openapi-view", "api-v1:api-root"})


@dataclass
class Tables:
    cases: dict[str, list[Case]]
    excluded: dict[str, str]
    pending: set[str]
    owners: dict[str, str]


def load_tables() -> Tables:
    """Merge every `table_<app>.py` of this package; the same route in two tables is an error."""
    import tests.access as package

    tables = Tables({}, {}, set(), {})
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("table_"):
            continue
        module = importlib.import_module(f"tests.access.{info.name}")
        for key, cases in getattr(module, "CASES", {}).items():
            if key in tables.owners:
                raise ValueError(f"{key} is in both {tables.owners[key]} and {info.name}")
            tables.owners[key] = info.name
            tables.cases[key] = list(cases)
        tables.excluded.update(getattr(module, "EXCLUDED", {}))
        tables.pending |= set(getattr(module, "PENDING_ROUTES", set()))
    return tables


def matches(key: str, patterns: Iterable[str]) -> bool:
    return any(key == p or fnmatch.fnmatchcase(key, p) for p in patterns)


def observed_outcome(response, *, login_url: str = "/accounts/login/") -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return LOGIN if location.startswith(login_url) or "/login/" in location else ALLOW
    if status < 400:
        return ALLOW
    if status == 401:
        return UNAUTHENTICATED
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    return f"status {status}"
