"""Kept responses: a page (or API answer) that a view marks `@kept_whole` is kept whole, per viewer, until a table
it read is written — the next identical request is answered without running the view.

Why: under the load benchmark's wide mix most requests are a user coming back to a page of their own (workbench,
我的政策, an enterprise of their scope), and rendering it again cost 2–10 ms of CPU where answering from the shared
cache costs a fraction of one (benchmarks/README.md, Load, session 9).

What a kept response depends on, and so what its key or its validity holds:

- **The viewer**: every field of the signed-in user, of its department and region (as loaded with the session's
  user) and its unread-message count; the session's data (but its keep-alive stamp); the language; cookies other
  than the session's and the CSRF cookie. A role changed, a user moved to another county, a new message: another
  key. Two users never share an entry; visitors without a session do (the portal, the policy pages).
- **The request**: host, scheme, full path with query, htmx's HX-* headers, and today's date (pages say "overdue").
- **The data**: the tables the view read — every SELECT it ran (`dataversions.Reading`) and every data-version
  token it asked for (kept fragments, values kept in process). Their tokens are taken *before* the view runs, from
  the tables this route has been seen to read (learnt per process; a response that read a table not yet known is
  not kept, and the table is added), so a write committed during the render leaves the entry under the older token:
  one needless render, never a stale answer.

Kept only: GET of a `@kept_whole` view, not a bearer-token API call, no flash message waiting; a 200 response of
HTML or JSON up to 1 MB that sets no cookie, is no download, does not say `no-store`, changed nothing in the session,
queued no message and wrote nothing to the database (a GET with side effects runs every time).

Per request, never kept: the CSRF token and the CSP nonce. They are cut out when the response is kept and the
current request's own are put in when it is answered from the cache, so each visitor gets a token for their own
CSRF cookie (and the cookie is set or renewed as on a rendered page) and each response a fresh nonce.

On a hit the view does not run, so neither do its permission checks: they depend only on what the key holds (the
user's role and scope fields) and on data whose tables were read while checking. Tables read before the view (the
session's user, in the authentication middleware) are covered by the viewer's fields instead. Values kept in a
process outside the data versions (the city's name, the registry's filter choices: five minutes) are not seen.

Entries live `dataversions.FRAGMENT_SECONDS`; `KEEP_WHOLE_PAGES` (YINGSHANG_KEEP_WHOLE_PAGES=0) turns this off; it
is off wherever `dataversions.enabled()` is false, and in the test suite except where a test turns it on.
"""

from __future__ import annotations

import hashlib
import re
import time
import zlib
from collections.abc import Callable
from contextvars import Token
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, _unmask_cipher_token, get_token  # type: ignore[attr-defined]
from django.utils import timezone

from yingshang.core import dataversions
from yingshang.core.api_middleware import is_bearer_api_request

MAX_BODY_BYTES = 1024 * 1024
_COMPRESS_FROM = 2048
_ENTRY_VERSION = 1
# Stand-ins for the per-request values in a kept body: private-use characters, never in our pages' own text (a
# body that holds one already is not kept).
_CSRF_MARK = "\ue000csrf\ue000".encode()
_NONCE_MARK = "\ue000nonce\ue000".encode()
_TOKEN = re.compile(rb"[A-Za-z0-9]{%d}" % CSRF_TOKEN_LENGTH)
_KEPT_CONTENT_TYPES = ("text/html", "application/json")
_UNKEPT_RESPONSE_ATTRIBUTES = ("xframe_options_exempt", "_csp_config", "_csp_ro_config")
_SESSION_STAMPS = frozenset({"_seen"})  # written by SessionKeepAliveMiddleware, not read by any view

# Route (view name) → the tables its responses have been seen to read, in this process.
_route_tables: dict[str, frozenset[str]] = {}
# Endpoint functions of the JSON API marked @kept_whole (ninja wraps them in one view per path) → lifetime.
_kept_endpoints: dict[Callable, int] = {}


def kept_whole(view=None, *, seconds: int | None = None):
    """Mark a view (or a ninja GET endpoint, under its route decorator) whose response may be kept whole: what it
    shows follows from the viewer, the request, today's date and the database alone — nothing random, nothing
    from outside, no side effect. `seconds`: a shorter life for a page that shows a clock running within the day
    (an appeal's time left); the key then also holds the current window of that many seconds."""

    def mark(function):
        lifetime = seconds or dataversions.FRAGMENT_SECONDS
        function.kept_whole = lifetime
        _kept_endpoints[function] = lifetime
        return function

    return mark(view) if view is not None else mark


def enabled() -> bool:
    return getattr(settings, "KEEP_WHOLE_PAGES", False) and dataversions.enabled()


def _lifetime(view_func) -> int | None:
    """How long this view's responses may be kept; None when they are not kept."""
    lifetime = getattr(view_func, "kept_whole", None)
    if lifetime:
        return lifetime
    # A ninja path view: a closure over its PathView, whose operations hold the endpoint functions. Anything
    # else (another ninja version) is simply not kept.
    for cell in getattr(view_func, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if isinstance(operations, list):
            for operation in operations:
                endpoint = getattr(operation, "view_func", None)
                if "GET" in getattr(operation, "methods", ()) and endpoint is not None:
                    return _kept_endpoints.get(endpoint)
    return None


def _pending_messages(request) -> bool:
    return bool(request.COOKIES.get("messages")) or "_messages" in request.session


def _session_values(request) -> str:
    session = request.session
    return repr(sorted((k, v) for k, v in session.items() if k not in _SESSION_STAMPS)) if session.session_key else ""


def _viewer(user) -> str | None:
    """The user's fields that a page may show or depend on; None when this user cannot be kept for."""
    if not user.is_authenticated:
        return "-"
    unread = getattr(user, "unread_notifications_at_load", None)
    if unread is None:  # not loaded through the session (the badge would need its own query)
        return None
    values: list[object] = [unread]
    for obj in (user, user._state.fields_cache.get("department"), user._state.fields_cache.get("region")):
        if obj is None:
            values.append(None)
            continue
        values.extend(getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname != "last_login")
        region = obj._state.fields_cache.get("region") if obj is not user else None
        if region is not None:
            values.extend(getattr(region, f.attname) for f in region._meta.concrete_fields)
    return repr(values)


def _key(request, route: str, viewer: str, lifetime: int) -> str:
    headers = sorted((k.lower(), v) for k, v in request.headers.items() if k.lower().startswith("hx-"))
    cookies = sorted((k, v) for k, v in request.COOKIES.items()
                     if k not in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME))
    parts = (route, request.get_host(), request.scheme, request.get_full_path(), getattr(request, "LANGUAGE_CODE", ""),
             timezone.localdate().isoformat(), viewer, _session_values(request), headers, cookies,
             int(time.time()) // lifetime if lifetime < dataversions.FRAGMENT_SECONDS else 0)
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


class PageCacheMiddleware:
    """Answer a repeated request for a `@kept_whole` view from the shared cache (see the module docstring).

    Innermost in MIDDLEWARE: session, user, language, CSRF and CSP are settled before it, and their response
    headers and cookies are added after it, on a kept answer as on a rendered one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            miss = request.__dict__.pop("_page_cache_miss", None)
            if miss is not None:
                dataversions.stop_reading(miss.reading_token)
        if miss is not None:
            _store(request, response, miss)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "GET" or not enabled() or is_bearer_api_request(request):
            return None
        lifetime = _lifetime(view_func)
        if lifetime is None:
            return None
        if _pending_messages(request):
            return None
        viewer = _viewer(request.user)
        if viewer is None:
            return None
        route = request.resolver_match.view_name
        key = _key(request, route, viewer, lifetime)
        known = _route_tables.get(route, frozenset())
        entry, tokens = dataversions.tokens_and_value(known, key)
        if isinstance(entry, tuple) and entry[0] == _ENTRY_VERSION:
            kept_tokens = entry[1]
            unknown = set(kept_tokens) - known
            if unknown:  # kept by another process that knows more of this route's tables
                _route_tables[route] = known = known | unknown
                tokens.update(dataversions.tokens_and_value(unknown)[1])
            if all(tokens.get(table) == token for table, token in kept_tokens.items()):
                request.page_cache_hit = True
                return _answer(request, entry)
        request.page_cache_hit = False
        noted, reading_token = dataversions.start_reading()
        request._page_cache_miss = _Miss(key, route, lifetime, tokens, noted, reading_token,
                                         _session_values(request), request.META.get("CSRF_COOKIE"))
        return None


@dataclass(slots=True)
class _Miss:
    """A request being rendered that may be kept: its key, and what was true before its view ran."""

    key: str
    route: str
    lifetime: int
    tokens: dict[str, str]  # every known table's token, taken before the view read anything
    noted: dataversions.Reading
    reading_token: Token
    session_before: str
    csrf_secret_before: str | None


def _store(request, response, miss: _Miss) -> None:
    noted = miss.noted
    known = _route_tables.get(miss.route, frozenset())
    if not noted.tables <= known:
        _route_tables[miss.route] = known | noted.tables  # learnt: kept from this route's next request on
        return
    if noted.wrote or not _keepable(response) or _session_values(request) != miss.session_before:
        return
    messages = getattr(request, "_messages", None)
    if getattr(messages, "_queued_messages", None):
        return
    if miss.csrf_secret_before is not None and request.META.get("CSRF_COOKIE") != miss.csrf_secret_before:
        return  # the CSRF secret was rotated (a new one made for a visitor without the cookie is as on a hit)
    body = response.content
    if _CSRF_MARK in body or _NONCE_MARK in body:
        return
    secret = request.META.get("CSRF_COOKIE")
    if secret:  # whatever token of this visitor's secret the body holds is cut out
        for token in set(_TOKEN.findall(body)):
            if _unmask_cipher_token(token.decode()) == secret:
                body = body.replace(token, _CSRF_MARK)
    uses_csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if uses_csrf and _CSRF_MARK not in body:
        return  # a token was asked for but not found where it can be cut out: this page is not shared
    nonce = getattr(request, "_csp_nonce", None)
    uses_nonce = bool(nonce)
    if uses_nonce:
        body = body.replace(str(nonce).encode(), _NONCE_MARK)
    compressed = len(body) >= _COMPRESS_FROM
    if compressed:
        body = zlib.compress(body, 1)
    headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
    entry = (_ENTRY_VERSION, {table: miss.tokens[table] for table in noted.tables}, response.status_code, headers,
             body, compressed, uses_csrf, uses_nonce)
    caches["default"].set(miss.key, entry, miss.lifetime)


def _keepable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if any(hasattr(response, name) for name in _UNKEPT_RESPONSE_ATTRIBUTES):
        return False
    if response.has_header("Content-Disposition") or "no-store" in response.get("Cache-Control", ""):
        return False
    if not response.get("Content-Type", "").startswith(_KEPT_CONTENT_TYPES):
        return False
    return len(response.content) <= MAX_BODY_BYTES


def _answer(request, entry) -> HttpResponse:
    _, _, status, headers, body, compressed, uses_csrf, uses_nonce = entry
    if compressed:
        body = zlib.decompress(body)
    if uses_csrf:  # as the render would: the visitor's own token, and the CSRF cookie set or renewed
        body = body.replace(_CSRF_MARK, get_token(request).encode())
    if uses_nonce:  # a fresh nonce, which the CSP middleware then names in the header
        body = body.replace(_NONCE_MARK, str(request._csp_nonce).encode())
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response
