"""Page-only middleware: skipped for an API request that carries a bearer token.

A client system's `POST /api/v1/…` with `Authorization: Bearer <key>` is authenticated by its token alone
(`core.api_support.TokenAuth`): it has no session, no flash messages and no language choice, yet the session,
locale, authentication, session keep-alive and messages middleware ran for it — about a fifteenth of the CPU of
an API create. `settings.MIDDLEWARE` names them through `pages_only(...)` wrappers (subclasses, so the admin's
checks still find them) that pass such a request straight on; every other request (pages, and the API with a
session) runs them unchanged. CsrfViewMiddleware stays as it is: `check --deploy` looks for it by name, and for
such a request it does next to nothing (the API's views are CSRF-exempt; session auth checks CSRF itself).

What such a request gets instead: `request.user` is anonymous until its token authenticates it (so a bad token is
a 401, never a fall-back to a session cookie), and the site's default language is active. What still runs for
it: security headers, request id, the NUL check, CommonMiddleware, CSRF, X-Frame-Options and the CSP header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware, get_user
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from yingshang.core.middleware import SessionKeepAliveMiddleware


def is_bearer_api_request(request) -> bool:
    """An API request that authenticates with a bearer token (the scheme named as ninja's HttpBearer reads it)."""
    return request.path_info.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION", "")[:7].lower() == (
        "bearer "
    )


def pages_only(middleware_class: type, *, instead: Callable | None = None) -> type:
    """`middleware_class`, except that a bearer-token API request passes it by (after `instead(request)`).

    A subclass, so checks that look for the middleware (the admin's, for sessions, authentication and messages)
    still find it."""

    class PagesOnly(middleware_class):  # type: ignore[valid-type, misc]
        def __call__(self, request):
            if is_bearer_api_request(request):
                if instead is not None:
                    instead(request)
                return self.get_response(request)
            return super().__call__(request)

    # Django collects these hooks from the instance: skip the wrapped middleware's own for such a request.
    for hook in ("process_view", "process_exception", "process_template_response"):
        if hasattr(middleware_class, hook):
            setattr(PagesOnly, hook, _skipping(getattr(middleware_class, hook)))
    PagesOnly.__name__ = PagesOnly.__qualname__ = f"PagesOnly{middleware_class.__name__}"
    PagesOnly.__doc__ = f"{middleware_class.__name__}, passed by for a bearer-token API request."
    return PagesOnly


def _skipping(method: Callable) -> Callable:
    def hook(self, request, *args):
        return None if is_bearer_api_request(request) else method(self, request, *args)

    return hook


class EagerAuthenticationMiddleware(AuthenticationMiddleware):
    """AuthenticationMiddleware with `request.user` the user itself rather than Django's lazy proxy.

    Every page reads the user (the frame shows the menu and the sign-out button; views check role and scope), and
    each attribute read through a SimpleLazyObject is a failed lookup on the proxy, then __getattr__ — about 190
    of them on a plain signed-in page (benchmarks/README.md, Load, session 8). A request without a session cookie
    costs nothing more (no query: anonymous at once); one with a cookie was going to load its user anyway.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = get_user(request)


def _anonymous(request) -> None:
    request.user = AnonymousUser()


def _default_language(request) -> None:
    # A thread's language is left active by the request before it (LocaleMiddleware does not reset it).
    translation.activate(settings.LANGUAGE_CODE)
    request.LANGUAGE_CODE = settings.LANGUAGE_CODE


Session = pages_only(SessionMiddleware)
Locale = pages_only(LocaleMiddleware, instead=_default_language)
Authentication = pages_only(EagerAuthenticationMiddleware, instead=_anonymous)
SessionKeepAlive = pages_only(SessionKeepAliveMiddleware)
Messages = pages_only(MessageMiddleware)
