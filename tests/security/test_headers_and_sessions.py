"""Security headers on every kind of response, CSRF enforcement, session expiry, lockout, ids that cannot be guessed
into another county's records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from conftest import make_enterprise


def _assert_hardened(response) -> None:
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'",
                      "form-action 'self'"):
        assert directive in csp, (directive, csp)
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    if response["Content-Type"].startswith("text/html"):
        assert "'nonce-" in script_src
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert len(response["X-Request-Id"]) >= 8


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/", "/api/v1/enterprises",
                                  "/api/v1/openapi.json"])
def test_every_response_carries_the_security_headers(db, path):
    _assert_hardened(Client().get(path))


def test_signed_in_pages_and_errors_carry_the_security_headers(cast, client_for):
    client = client_for(cast.gz_staff)
    for path, status in (("/workbench/", 200), ("/dashboard/", 403), (f"/enterprises/{cast.lz_enterprise.pk}/", 404)):
        response = client.get(path)
        assert response.status_code == status
        _assert_hardened(response)


def test_script_nonce_changes_per_response(db):
    first = Client().get("/")["Content-Security-Policy"]
    second = Client().get("/")["Content-Security-Policy"]
    assert first != second


def test_login_form_without_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"})
    assert response.status_code == 403
    assert "安全校验未通过" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_post_without_csrf_token_is_refused(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.gz_admin)
    response = client.post(f"/enterprises/memberships/{cast.gz_enterprise.memberships.get(user=cast.stranger).pk}"
                           "/decide/", {"decision": "approve"})
    assert response.status_code == 403
    assert cast.gz_enterprise.memberships.get(user=cast.stranger).status == "pending"


def test_api_write_with_session_but_without_csrf_token_is_refused(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingshang.enterprises.models import EnterpriseImport

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.gz_admin)
    response = client.post("/api/v1/enterprises/imports", {"file": SimpleUploadedFile("a.csv", b"a,b\n")})
    assert response.status_code in (401, 403)
    assert EnterpriseImport.objects.count() == 0


def test_api_write_with_bearer_token_needs_no_csrf_token(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.gz_admin, name="client")
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/enterprises/imports", {"file": SimpleUploadedFile("a.csv", "统一社会信用代码,企业名称\n".encode())},
        headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 202


def test_revoked_or_wrong_token_is_401(cast):
    from yingshang.accounts.models import ApiToken
    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.city_admin, name="client")
    assert Client().get("/api/v1/enterprises", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert Client().get("/api/v1/enterprises", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert Client().get("/api/v1/enterprises", headers={"Authorization": "Bearer guessed"}).status_code == 401


def test_idle_session_expires(cast):
    client = Client()
    assert client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"}).status_code == 302
    assert client.get("/workbench/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_session_cookie_is_httponly_and_lax_and_ends_with_the_browser(cast):
    client = Client()
    response = client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie


def test_lockout_applies_to_unknown_usernames_too(db, settings):
    """Guessing usernames gives no signal: an unknown name is locked out exactly like a real one."""
    client = Client()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "no-such-user", "password": "wrong"})
    body = client.post("/accounts/login/", {"username": "no-such-user", "password": "wrong"}).content.decode()
    assert "账户已临时锁定" in body


def test_ids_cannot_be_guessed_into_another_county(cast, client_for):
    """Walking every enterprise id as 临泽县 staff: own county 200, everything else 404 — never 403 or 500."""
    for i in range(6):
        make_enterprise(name=f"甘州区企业{i}", county_code="620702", seed=300 + i)
    make_enterprise(name="临泽县企业甲", county_code="620723", seed=400)
    from yingshang.enterprises.models import Enterprise

    own = set(Enterprise.objects.filter(region__code="620723").values_list("pk", flat=True))
    top = Enterprise.objects.order_by("-pk").values_list("pk", flat=True).first()
    for person in ("lz_staff", "lz_admin", "lz_owner"):
        client = client_for(cast[person])
        visible = set(own) if person != "lz_owner" else {cast.lz_enterprise.pk}
        for pk in range(1, top + 3):
            page = client.get(f"/enterprises/{pk}/").status_code
            api = client.get(f"/api/v1/enterprises/{pk}").status_code
            expected = 200 if pk in visible else 404
            assert (page, api) == (expected, expected), (person, pk)
