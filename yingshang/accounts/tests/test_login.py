"""Login: lockout after repeated failures, password policy, session expiry settings."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from yingshang.accounts.models import LoginThrottle


def test_login_succeeds_and_reaches_role_home(cast, client):
    response = client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"})
    assert response.status_code == 302
    assert client.get("/home/").url == "/workbench/"


def test_enterprise_home_is_workspace(cast, client):
    client.post("/accounts/login/", {"username": "gz_owner", "password": "Test-pass-2025"})
    assert client.get("/home/").url == "/workspace/"


def test_lockout_after_five_failures_even_with_right_password(cast, client):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = client.post("/accounts/login/", {"username": "gz_staff", "password": "wrong"})
        assert response.status_code == 200
    assert LoginThrottle.objects.get(username="gz_staff").locked_until is not None
    response = client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"})
    assert response.status_code == 200
    assert "账户已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_success_resets_failure_count(cast, client):
    client.post("/accounts/login/", {"username": "gz_staff", "password": "wrong"})
    client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"})
    assert not LoginThrottle.objects.filter(username="gz_staff").exists()


@pytest.mark.parametrize(("password", "fragment"), [
    ("short1", "至少"), ("abcdefghijkl", "字母和数字"), ("1234567890123", "数字"), ("password123", "常见")])
def test_password_policy_rejects_weak_passwords(password, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert any(fragment in m for m in exc.value.messages), exc.value.messages


def test_session_expires_when_idle():
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_activity_moves_the_idle_deadline_at_most_once_every_five_minutes(cast, client):
    import time

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    def last_seen(seconds_ago: int) -> None:
        """Activity recorded `seconds_ago`, and the stored deadline 5 minutes away (so a write shows as 30)."""
        data = client.session
        data["_seen"] = int(time.time()) - seconds_ago
        data.save()
        Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=5))

    client.post("/accounts/login/", {"username": "gz_staff", "password": "Test-pass-2025"})
    client.get("/workbench/")  # first request after login records the activity
    last_seen(240)  # four minutes ago: still within the interval
    client.get("/workbench/")  # no write
    assert Session.objects.get().expire_date < timezone.now() + timezone.timedelta(minutes=6)
    last_seen(301)  # just over five minutes ago
    client.get("/workbench/")  # the next request after five minutes moves the deadline to 30 minutes from now
    assert Session.objects.get().expire_date > timezone.now() + timezone.timedelta(minutes=29)
