"""Users (用户) with one role, a department and a data scope; login throttling."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from yingshang.accounts.roles import GOVERNMENT_ROLES, ROLE_SCOPE, Role, role_has_permission
from yingshang.core.models import Department, Region


class User(AbstractUser):
    """A person who logs in: enterprise staff, department staff, officials, operators, inspectors, 体验官."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    role = models.CharField("角色", max_length=24, choices=Role.choices, default=Role.ENTERPRISE)
    department = models.ForeignKey(Department, verbose_name="所属部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")
    region = models.ForeignKey(Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="users", help_text="县区管理员、检查员的管辖区域；部门人员取部门所在区划")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def data_scope(self) -> str:
        return ROLE_SCOPE.get(self.role, "self")

    @property
    def is_government(self) -> bool:
        return self.role in GOVERNMENT_ROLES

    @property
    def scope_region(self) -> Region | None:
        """The region this user's data scope is bounded by (None for city-wide roles)."""
        region = self.region or (self.department.region if self.department is not None else None)
        if region is None or region.kind == "city":
            return None
        return region

    def can(self, permission: str) -> bool:
        """Whether this user's role grants `permission` (superusers may do anything)."""
        return self.is_active and (self.is_superuser or role_has_permission(self.role, permission))


class LoginThrottle(models.Model):
    """Failed-login counter per username, for lockout after repeated failures (登录失败锁定)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录失败记录"

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


class ApiToken(models.Model):
    """A key for a client system calling the API as a service user (接口令牌); only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"
