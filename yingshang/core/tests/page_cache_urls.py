"""Views for the page cache's own tests (core/tests/test_page_cache.py), mounted beside the platform's URLs."""

import secrets

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from yingshang.core import dataversions
from yingshang.core.models import Region
from yingshang.core.page_cache import kept_whole

RENDERS: list[str] = []  # the views' names, once per time they actually ran


@kept_whole
def city(request):
    RENDERS.append("city")
    return HttpResponse(Region.objects.get(kind="city").name)


@kept_whole
def city_then_write_elsewhere(request):
    """Reads the city; another process then commits a write to the regions before this response is kept."""
    RENDERS.append("racing")
    name = Region.objects.get(kind="city").name
    dataversions.bump(["core_region"])
    return HttpResponse(name)


@kept_whole
def writes(request):
    RENDERS.append("writes")
    Region.objects.filter(kind="city").update(sort_order=0)
    return HttpResponse("written")


@kept_whole
def session_note(request):
    RENDERS.append("session")
    request.session["visits"] = request.session.get("visits", 0) + 1
    return HttpResponse(str(request.session["visits"]))


@kept_whole
def not_found(request):
    RENDERS.append("missing")
    return JsonResponse({"detail": "不存在"}, status=404)


@kept_whole
def hidden_token(request):
    """Uses the CSRF token in a form the cache cannot recognise (reversed): such a page must never be shared."""
    from django.middleware.csrf import get_token

    RENDERS.append("hidden")
    return HttpResponse(get_token(request)[::-1])


def unmarked(request):
    RENDERS.append("unmarked")
    return HttpResponse(secrets.token_hex(4))


urlpatterns = [
    path("kept/city/", city, name="kept_city"),
    path("kept/racing/", city_then_write_elsewhere, name="kept_racing"),
    path("kept/writes/", writes, name="kept_writes"),
    path("kept/session/", session_note, name="kept_session"),
    path("kept/missing/", not_found, name="kept_missing"),
    path("kept/unmarked/", unmarked, name="kept_unmarked"),
    path("kept/hidden-token/", hidden_token, name="kept_hidden_token"),
    path("", include("config.urls")),
]
