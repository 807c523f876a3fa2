"""View helpers that check role permissions; data scope is checked by access functions and visible_to()."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def permission_required(permission: str):
    """Login required, then the role must grant `permission`; otherwise 403 with a Chinese message."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.can(permission):
                raise PermissionDenied("您的角色无权访问此页面。")
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # read by the permission-matrix test
        return wrapped

    return decorator


def require(user, permission: str) -> None:
    """Raise PermissionDenied unless `user` may do `permission` (for API endpoints and services)."""
    if not user.is_authenticated or not user.can(permission):
        raise PermissionDenied("您没有执行此操作的权限。")
