"""A bearer-token API request passes the page-only middleware by; every other request still runs it."""

import pytest
from django.test import Client
from django.utils import translation

from yingshang.accounts.services import issue_api_token
from yingshang.core import api_middleware


@pytest.mark.parametrize(("path", "authorization", "expected"), [
    ("/api/v1/appeals", "Bearer abc", True),
    ("/api/v1/appeals", "bearer abc", True),  # the scheme as ninja's HttpBearer reads it
    ("/api/v1/appeals", "", False),
    ("/api/v1/appeals", "Basic abc", False),
    ("/appeals/", "Bearer abc", False),
])
def test_only_api_paths_with_a_bearer_token_are_passed_by(rf, path, authorization, expected):
    request = rf.post(path, headers={"Authorization": authorization} if authorization else {})
    assert api_middleware.is_bearer_api_request(request) is expected


def test_a_bearer_token_request_gets_no_session_or_csrf_cookie_and_keeps_the_security_headers(cast):
    key = issue_api_token(user=cast.city_admin, name="client")
    response = Client(enforce_csrf_checks=True).get("/api/v1/enterprises", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Content-Language" not in response  # LocaleMiddleware did not run
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-Id"]) >= 8


def test_a_wrong_bearer_token_is_401_even_with_a_signed_in_session(cast, client_for):
    """The token alone authenticates such a request: a session cookie beside a bad token is not a way in."""
    client = client_for(cast.city_admin)
    assert client.get("/api/v1/enterprises").status_code == 200  # the session alone
    assert client.get("/api/v1/enterprises", headers={"Authorization": "Bearer guessed"}).status_code == 401


def test_a_session_api_request_still_runs_the_page_middleware(cast, client_for):
    client = client_for(cast.city_admin)
    response = client.get("/api/v1/enterprises", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_a_bearer_token_request_runs_in_the_default_language_whatever_the_thread_ran_before(cast):
    key = issue_api_token(user=cast.city_admin, name="client")
    translation.activate("en")  # as a page request in English leaves the worker thread
    try:
        response = Client().get("/api/v1/enterprises", headers={"Authorization": f"Bearer {key}",
                                                                 "Accept-Language": "en"})
        assert response.status_code == 200
        assert translation.get_language() == "zh-hans"
    finally:
        translation.deactivate()
