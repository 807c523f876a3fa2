"""Account use cases: create users, issue API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from yingshang.accounts.models import ApiToken, User
from yingshang.accounts.tokens import digest
from yingshang.core.audit import record_change


@transaction.atomic
def issue_api_token(*, user: User, name: str, by=None) -> str:
    """Create a token for a client system; returns the key, shown once and stored only as a hash."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=digest(key),
                                    key_prefix=key[:8])
    record_change(actor=by, action="api_token.issue", obj=token, after={"user": user.pk, "name": name})
    return key


@transaction.atomic
def create_user(*, username: str, password: str, role: str, full_name: str = "", department=None, region=None,
                phone: str = "", by=None, check_password: bool = True) -> User:
    """Create a user after checking the password policy."""
    user = User(username=username, role=role, full_name=full_name, department=department, region=region, phone=phone)
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    record_change(actor=by, action="user.create", obj=user,
                  after={"username": username, "role": role, "department": getattr(department, "pk", None),
                         "region": getattr(region, "pk", None)})
    return user
