"""Authentication backend that refuses logins for a locked username and counts failures."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from yingshang.accounts.models import LoginThrottle


class AccountLocked(PermissionDenied):
    def __init__(self, minutes: int) -> None:
        super().__init__(f"登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试。")
        self.minutes = minutes


def locked_minutes_left(username: str, now) -> int:
    throttle = LoginThrottle.objects.filter(username=username, locked_until__gt=now).first()
    if throttle is None:
        return 0
    return max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1)


def record_failure(username: str, now) -> None:
    """Count one failed login; lock the username when the limit is reached."""
    throttle, _ = LoginThrottle.objects.get_or_create(username=username)
    LoginThrottle.objects.filter(pk=throttle.pk).update(failures=F("failures") + 1, last_failure_at=now)
    throttle.refresh_from_db()
    if throttle.failures >= settings.LOGIN_MAX_FAILURES:
        LoginThrottle.objects.filter(pk=throttle.pk).update(
            locked_until=now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), failures=0
        )


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or kwargs.get("username")
        now = timezone.now()
        minutes = locked_minutes_left(username or "", now)
        if minutes:
            raise AccountLocked(minutes)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            if username:
                record_failure(username, now)
            return None
        LoginThrottle.objects.filter(username=username).delete()
        return user

    def get_user(self, user_id):
        """The signed-in user of a request, with the region and department (and its region) every scope check reads:
        one plain statement (`tokens.user_with_scope`) on each page view instead of three ORM queries."""
        from yingshang.accounts.tokens import user_with_scope

        try:
            user = user_with_scope(user_id)
        except (TypeError, ValueError):  # a session holding something that is not a user id
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
