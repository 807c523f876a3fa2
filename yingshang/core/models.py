"""Shared kernel models: regions, departments, the working-day override table, audit trail, notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class RegionKind(models.TextChoices):
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    ZONE = "zone", "园区"


class Region(models.Model):
    """An administrative division (行政区划, GB/T 2260 code) or a zone (园区) inside one."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类型", max_length=8, choices=RegionKind.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def county_code(self) -> str:
        """The county-level code this region belongs to (a zone belongs to its parent)."""
        if self.kind == RegionKind.ZONE and self.parent is not None:
            return self.parent.code
        return self.code


class DepartmentQuerySet(models.QuerySet):
    def subtree(self, department: Department) -> DepartmentQuerySet:
        """The department and everything below it: one prefix filter on the materialized path."""
        return self.filter(path__startswith=department.path)


class Department(models.Model):
    """A government department or service unit (部门/单位), a node in a materialized-path tree."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    function_key = models.CharField("职能标识", max_length=40, blank=True, db_index=True,
                                    help_text="跨层级对应的职能，例如 market（市场监管），用于找县区对口部门")
    is_active = models.BooleanField("启用", default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".")


class HolidayOverride(models.Model):
    """A day whose working status overrides the statutory calendar (节假日/调休补班), entered by an administrator."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'} {self.name}"


class CalendarYear(models.Model):
    """A year whose holiday schedule an administrator has entered completely in the override table."""

    year = models.PositiveIntegerField("年份", unique=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已录入的年度节假日安排"

    def __str__(self) -> str:
        return str(self.year)


class AuditEvent(models.Model):
    """One change to a business record (审计记录): who, when, what, before/after; hash-chained."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField("操作人（快照）", max_length=150, blank=True)
    action = models.CharField("动作", max_length=40, db_index=True)
    object_type = models.CharField("对象类型", max_length=60)  # indexed by audit_object_idx (type, id, id)
    object_id = models.CharField("对象编号", max_length=64, db_index=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    region_code = models.CharField("区划", max_length=12, blank=True, db_index=True)
    department_path = models.CharField("部门路径", max_length=255, blank=True)
    # The chain (分链) this event extends: each lane is its own hash chain, in id order (see core.audit).
    lane = models.PositiveSmallIntegerField("分链", default=1)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx"),
                   models.Index(fields=["lane", "id"], name="audit_lane_idx")]  # verify_chain walks each lane

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message (站内消息) to one user; SMS/e-mail adapters deliver copies."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    # Same key → same notification: lets a task run twice without notifying twice.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_dedupe")
        ]
        # The unread badge counts a user's unread messages on every page view.
        indexes = [models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class AuditChainHead(models.Model):
    """The newest hash of one audit lane (审计链末端; pk = lane number); its row lock serialises that lane's
    writers so the lane never forks."""

    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链末端"

    def __str__(self) -> str:
        return self.hash
