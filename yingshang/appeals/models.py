"""The appeal closed loop (诉求闭环): appeals, their timeline, the dispatch catalogue, SLA rules, ratings,
revisits, visits (千企问需/体验官), monthly statistics and Open311 client keys."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from yingshang.accounts.roles import DataScope, Role
from yingshang.appeals.choices import (
    ACTIVE_STATUSES,
    AppealKind,
    AppealStatus,
    Channel,
    ExtensionStatus,
    RatingSource,
    RefusalKind,
    RequesterType,
    Resolution,
    RevisitChannel,
    SatisfactionLevel,
    Urgency,
    VisitKind,
)
from yingshang.core.models import Department, Region


class AppealCategory(models.Model):
    """A category of appeal (诉求类别), served as an Open311 service; carries its keyword rules."""

    code = models.CharField(
        "类别代码", max_length=10, unique=True, help_text="Open311 service_code，按文本处理"
    )
    name = models.CharField("名称", max_length=60)
    kind = models.CharField("诉求类型", max_length=12, choices=AppealKind.choices, default=AppealKind.HELP)
    group = models.CharField("分组", max_length=40, blank=True)
    description = models.CharField("说明", max_length=300, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True, help_text="派单建议的关键词规则")
    function_key = models.CharField("默认承办职能", max_length=40, help_text="对应部门的职能标识，如 market")
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "诉求类别"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class DispatchRoute(models.Model):
    """A line of the dispatch catalogue (派单目录): from a date (and until one), in this region, this category goes to
    this department (or, for the seeded lines, to this function's department in the region)."""

    category = models.ForeignKey(
        AppealCategory, verbose_name="类别", on_delete=models.CASCADE, related_name="routes"
    )
    region = models.ForeignKey(
        Region,
        verbose_name="区划",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空表示全市通用",
    )
    function_key = models.CharField("承办职能", max_length=40, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name="承办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="指定承办单位；留空则按承办职能在区划内查找",
    )
    effective_from = models.DateField("生效日期", default=dt.date(2000, 1, 1))
    effective_until = models.DateField(
        "失效日期", null=True, blank=True, help_text="含当日；留空表示长期有效"
    )

    class Meta:
        verbose_name = verbose_name_plural = "派单目录"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region", "effective_from"], name="dispatch_route_once_per_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.department or self.function_key}（{self.effective_from} 起）"

    def valid_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


class SlaRule(models.Model):
    """A time-limit rule (时限规则): category × kind × urgency × requester type → sign/contact/reply limits."""

    category = models.ForeignKey(
        AppealCategory,
        verbose_name="类别",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_rules",
    )
    kind = models.CharField("诉求类型", max_length=12, choices=AppealKind.choices, blank=True)
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, blank=True)
    requester_type = models.CharField("诉求人类型", max_length=12, choices=RequesterType.choices, blank=True)
    sign_hours = models.DecimalField("签收时限（工作小时）", max_digits=6, decimal_places=2)
    contact_hours = models.DecimalField("先行联系时限（工作小时）", max_digits=6, decimal_places=2)
    reply_days = models.DecimalField("答复时限（工作日）", max_digits=6, decimal_places=2)
    reply_hours = models.DecimalField(
        "答复时限（工作小时，紧急诉求）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    note = models.CharField("依据", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)
    # Versions (版本): an edit publishes a new row from a date and ends the old one the day before, so an appeal
    # dispatched on a day is always timed by the rule in force that day.
    effective_from = models.DateField("生效日期", default=dt.date(2000, 1, 1))
    effective_until = models.DateField("失效日期", null=True, blank=True, help_text="含当日；空表示长期有效")
    previous = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "时限规则"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"时限规则 #{self.pk}"


class Visit(models.Model):
    """A 千企问需 visit, 体验官 activity or monitoring-station report that produced one or more appeals."""

    kind = models.CharField("类型", max_length=12, choices=VisitKind.choices)
    title = models.CharField("活动名称", max_length=100)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="走访企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name="县区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField("日期")
    place = models.CharField("地点", max_length=200, blank=True)
    summary = models.TextField("情况记录", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访与体验活动"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return self.title


CO_HANDLED_LIMIT = 20000


class AppealQuerySet(models.QuerySet):
    def visible_to(self, user) -> AppealQuerySet:
        """Appeals `user` may see (see access.py for the table of who sees what)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if (
            user.is_superuser
            or user.role in (Role.CITY_ADMIN, Role.OPERATOR_12345)
            or user.can("appeal.view_all")
        ):
            return self
        if user.role == Role.ENTERPRISE:
            from yingshang.enterprises.choices import MembershipStatus
            from yingshang.enterprises.models import EnterpriseMembership

            mine = EnterpriseMembership.objects.filter(
                enterprise=OuterRef("enterprise"), user=user, status=MembershipStatus.VERIFIED
            )
            return self.filter(Q(submitted_by=user) | Exists(mine))
        if user.role == Role.EXPERIENCE_OFFICER:
            return self.filter(Q(recorded_by=user) | Q(submitted_by=user))
        if user.role == Role.COUNTY_ADMIN:
            region = user.scope_region
            return self.filter(region=region) if region is not None else self
        if user.role in (Role.DEPARTMENT_STAFF, Role.DEPARTMENT_LEADER) and user.department_id:
            # Ids are read first so the database can combine two index scans (a large table stays fast).
            if user.data_scope == DataScope.DEPARTMENT_TREE:
                departments = list(Department.objects.subtree(user.department).values_list("pk", flat=True))
            else:
                departments = [user.department_id]
            co_handled = list(
                AppealCoHandler.objects.filter(department__in=departments).values_list(
                    "appeal_id", flat=True
                )[:CO_HANDLED_LIMIT]
            )
            mine = Q(handling_department__in=departments)
            return self.filter(mine | Q(pk__in=co_handled)) if co_handled else self.filter(mine)
        return self.none()

    def open(self) -> AppealQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self, now) -> AppealQuerySet:
        """Open appeals past their reply deadline (超期)."""
        return self.filter(status__in=ACTIVE_STATUSES, due_at__lt=now)


class Appeal(models.Model):
    """An enterprise's appeal (诉求): from any channel, through dispatch and handling, to a verified close."""

    tracking_number = models.CharField("诉求编号", max_length=24, unique=True)
    token = models.CharField("查询凭证", max_length=32, unique=True)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    requester_type = models.CharField(
        "诉求人类型", max_length=12, choices=RequesterType.choices, default=RequesterType.ENTERPRISE
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    category = models.ForeignKey(
        AppealCategory, verbose_name="类别", on_delete=models.PROTECT, related_name="appeals", db_index=False
    )
    kind = models.CharField("诉求类型", max_length=12, choices=AppealKind.choices)
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("诉求内容")
    region = models.ForeignKey(
        Region,
        verbose_name="县区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    address = models.CharField("地点", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    media_url = models.URLField(
        "图片链接",
        max_length=1000,
        blank=True,
        help_text="Open311 客户端随诉求提交的 http/https 链接（只保存链接，不下载）",
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    anonymous = models.BooleanField("匿名", default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_appeals",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_appeals",
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name="来源活动",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    external_id = models.CharField("外部工单号", max_length=40, blank=True)
    client_key = models.CharField("防重复提交标识", max_length=64, blank=True)
    policy_clause_id = models.PositiveIntegerField("政策条款编号", null=True, blank=True, db_index=True)
    policy_clause_title = models.CharField("政策条款", max_length=200, blank=True)
    approval_item = models.CharField("审批事项", max_length=200, blank=True)

    status = models.CharField(
        "状态", max_length=12, choices=AppealStatus.choices, default=AppealStatus.RECEIVED
    )
    handling_department = models.ForeignKey(
        Department,
        verbose_name="主办单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_appeals",
        db_index=False,
    )
    suggested_department = models.ForeignKey(
        Department,
        verbose_name="建议承办单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    suggested_category = models.ForeignKey(
        AppealCategory,
        verbose_name="建议类别",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    suggestion_source = models.CharField("建议来源", max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="并入诉求",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_appeals",
    )
    refusal_kind = models.CharField("不予受理类型", max_length=16, choices=RefusalKind.choices, blank=True)
    refusal_reason = models.CharField("不予受理理由", max_length=500, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    archive_evidence = models.TextField("销号依据", blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号签批人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    # Timestamps of the lifecycle (every metric is a function of these and the rating answers).
    received_at = models.DateTimeField("受理时间")
    month = models.DateField("受理月份", help_text="受理时间所在月份的第一天，用于统计")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    contacted_at = models.DateTimeField("先行联系时间", null=True, blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    archived_at = models.DateTimeField("销号时间", null=True, blank=True)
    # Deadlines in indexed columns; the sweeper reads next_escalation_at.
    sign_due_at = models.DateTimeField("签收期限", null=True, blank=True, db_index=True)
    contact_due_at = models.DateTimeField("联系期限", null=True, blank=True)
    due_at = models.DateTimeField("答复期限", null=True, blank=True, db_index=True)
    sla_text = models.CharField("适用时限", max_length=200, blank=True)
    next_escalation_at = models.DateTimeField("下次升级时间", null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField("升级等级", default=0)
    sign_reminded_at = models.DateTimeField("签收提醒时间", null=True, blank=True)
    paused_at = models.DateTimeField("暂停时间", null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("累计暂停（工作秒）", default=0)
    extension_days = models.PositiveSmallIntegerField("已延期（工作日）", default=0)
    extension_count = models.PositiveSmallIntegerField("延期次数", default=0)
    dispute_count = models.PositiveSmallIntegerField("退单次数", default=0)
    redispatch_count = models.PositiveSmallIntegerField("改派次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    # Metric facts, set by services when they become known (null = not yet known).
    signed_in_time = models.BooleanField("及时签收", null=True, blank=True)
    contacted_in_time = models.BooleanField("及时联系", null=True, blank=True)
    replied_in_time = models.BooleanField("按时答复", null=True, blank=True)
    rating_level = models.PositiveSmallIntegerField(
        "满意度", choices=SatisfactionLevel.choices, null=True, blank=True
    )
    resolution = models.CharField("是否解决", max_length=12, choices=Resolution.choices, blank=True)
    revisited = models.BooleanField("已回访", default=False)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "诉求"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["handling_department", "status", "-id"], name="appeal_dept_status_idx"),
            models.Index(fields=["handling_department", "-id"], name="appeal_dept_idx"),
            models.Index(fields=["region", "status", "-id"], name="appeal_region_status_idx"),
            models.Index(fields=["status", "-id"], name="appeal_status_idx"),
            models.Index(fields=["category", "-id"], name="appeal_category_idx"),
            models.Index(fields=["month", "handling_department"], name="appeal_month_dept_idx"),
            models.Index(fields=["enterprise", "-id"], name="appeal_enterprise_idx"),
            models.Index(fields=["received_at"], name="appeal_received_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~Q(external_id=""),
                name="appeal_external_id_once",
            ),
            models.UniqueConstraint(
                fields=["channel", "client_key"], condition=~Q(client_key=""), name="appeal_client_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.title}"


class AppealCoHandler(models.Model):
    """A co-handling department (协办单位) of an appeal; the main department (主办) answers for it."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="co_handlers")
    department = models.ForeignKey(
        Department, verbose_name="协办单位", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("加入时间")

    class Meta:
        verbose_name = verbose_name_plural = "协办单位"
        constraints = [models.UniqueConstraint(fields=["appeal", "department"], name="co_handler_once")]

    def __str__(self) -> str:
        return f"{self.appeal_id} · {self.department}"


class AppealAttachment(models.Model):
    """A file attached to an appeal, a reply or ledger-closure evidence; its type was sniffed from content."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="attachments")
    purpose = models.CharField(
        "用途",
        max_length=12,
        default="appeal",
        choices=[("appeal", "诉求材料"), ("reply", "答复材料"), ("evidence", "销号依据")],
    )
    file = models.FileField("文件", upload_to="appeals/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求附件"

    def __str__(self) -> str:
        return self.original_name


class AppealEvent(models.Model):
    """One step on an appeal's timeline (append-only): who, when, which action, from which state to which."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField("操作人", max_length=150)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField("动作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("数据", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求办理记录"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["appeal", "id"], name="appeal_event_idx"),
            models.Index(fields=["action", "at"], name="appeal_event_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        from yingshang.appeals.choices import AppealAction

        return (
            AppealAction(self.action).label
            if self.action in AppealAction.values
            else {"merged_in": "并入重复诉求"}.get(self.action, self.action)
        )

    @property
    def to_status_label(self) -> str:
        return AppealStatus(self.to_status).label if self.to_status in AppealStatus.values else ""


class AppealLink(models.Model):
    """A duplicate link (并单), stored in both directions so each appeal shows the other."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        "关系", max_length=12, default="duplicate", choices=[("duplicate", "重复诉求"), ("primary", "主诉求")]
    )
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "诉求关联"
        constraints = [models.UniqueConstraint(fields=["appeal", "other"], name="appeal_link_once")]

    def __str__(self) -> str:
        return f"{self.appeal_id} ↔ {self.other_id}"


class ExtensionRequest(models.Model):
    """A request to extend the reply deadline (延期申请), decided by an approver."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField("延期工作日")
    reason = models.CharField("理由", max_length=500)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("申请时间")
    status = models.CharField(
        "状态", max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} 延期 {self.days} 天"


class Revisit(models.Model):
    """A revisit (回访) by someone independent of the handling unit."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="revisits")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("方式", max_length=10, choices=RevisitChannel.choices)
    reached = models.BooleanField("联系上诉求人", default=True)
    note = models.CharField("回访记录", max_length=500, blank=True)
    at = models.DateTimeField("回访时间")

    class Meta:
        verbose_name = verbose_name_plural = "回访记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} 回访"


class Rating(models.Model):
    """A 好差评 rating: 5 levels plus whether the problem was solved, by the requester or on a revisit."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="ratings")
    source = models.CharField("来源", max_length=10, choices=RatingSource.choices)
    revisit = models.OneToOneField(
        Revisit, null=True, blank=True, on_delete=models.CASCADE, related_name="rating"
    )
    level = models.PositiveSmallIntegerField("满意度", choices=SatisfactionLevel.choices)
    resolution = models.CharField("问题是否解决", max_length=12, choices=Resolution.choices)
    contacted = models.BooleanField("承办单位是否及时联系", null=True, blank=True)
    caused_by_unit = models.BooleanField("不满意是否因承办单位", default=False)
    comment = models.CharField("评价意见", max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("评价时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.get_level_display()}"


class AppealMonthlyStat(models.Model):
    """Pre-aggregated monthly counts per handling department and county, split by requester type (企业/个人)."""

    month = models.DateField("月份")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    dispatched = models.PositiveIntegerField(default=0)
    signed_in_time = models.PositiveIntegerField(default=0)
    contacted_in_time = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    replied_in_time = models.PositiveIntegerField(default=0)
    overdue_open = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    partly_resolved = models.PositiveIntegerField(default=0)
    very_satisfied = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    revisited = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    disputed = models.PositiveIntegerField(default=0)
    redispatched = models.PositiveIntegerField(default=0)
    contact_asked = models.PositiveIntegerField(default=0)
    contact_confirmed = models.PositiveIntegerField(default=0)
    requester_type = models.CharField(
        "诉求人类型",
        max_length=12,
        choices=RequesterType.choices,
        blank=True,
        help_text="企业/个人分开统计，便于只算涉企诉求",
    )
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "诉求月度统计"
        indexes = [models.Index(fields=["month", "department"], name="appeal_stat_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_id}"


class Open311Client(models.Model):
    """A client system allowed to POST Open311 requests (api_key); only the key's hash is stored."""

    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "Open311 接入系统"

    def __str__(self) -> str:
        return f"{self.name}（{self.key_prefix}…）"
