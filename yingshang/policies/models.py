"""The policy supermarket (政策超市): documents, versions, clauses with typed rules and benefits, matches,
applications (申报), disbursements (兑现), ratings (反向测评), gold-medal guides (金牌导办) and the search index."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.accounts.roles import DataScope, Role
from yingshang.core.models import Department, Region
from yingshang.enterprises.choices import MembershipStatus
from yingshang.enterprises.models import Enterprise
from yingshang.policies.choices import (
    ApplicationChannel,
    ApplicationStatus,
    BenefitType,
    ContactChannel,
    DeliveryMode,
    DeliveryStatus,
    DisbursementStatus,
    DocumentStatus,
    MatchStatus,
    PolicyLevel,
    PushChannel,
    RatingStage,
    ReviewStatus,
)


def _government_scope(user, *, department_field: str, region_field: str) -> Q | None:
    """The Q limiting government rows to the user's data scope; None means everything."""
    scope = user.data_scope
    if scope == DataScope.ALL:
        return None
    if scope == DataScope.REGION:
        return Q(**{region_field: user.scope_region}) if user.scope_region else None
    if scope == DataScope.DEPARTMENT and user.department_id:
        return Q(**{department_field: user.department_id})
    if scope == DataScope.DEPARTMENT_TREE and user.department_id:
        return Q(**{f"{department_field}__path__startswith": user.department.path})
    return Q(pk__in=[])


class PolicyDocumentQuerySet(models.QuerySet):
    def published(self) -> PolicyDocumentQuerySet:
        return self.filter(status=DocumentStatus.PUBLISHED)

    def visible_to(self, user) -> PolicyDocumentQuerySet:
        """Published documents for everyone; drafts only for policy staff within their department or region."""
        published = Q(status=DocumentStatus.PUBLISHED)
        if not user.is_authenticated or not user.is_active:
            return self.filter(published)
        if user.is_superuser:
            return self
        if not user.can("policy.view_admin"):
            return self.filter(published)
        scope = _government_scope(user, department_field="department", region_field="region")
        return self if scope is None else self.filter(published | scope)

    def editable_by(self, user) -> PolicyDocumentQuerySet:
        """Documents the user may draft or revise: within scope, whatever the status."""
        if not user.is_authenticated or not user.can("policy.draft"):
            return self.none()
        if user.is_superuser:
            return self
        scope = _government_scope(user, department_field="department", region_field="region")
        return self if scope is None else self.filter(scope)


class PolicyDocument(models.Model):
    """A policy document (政策文件) with its 文号, issuing body, level, dates and review status."""

    title = models.CharField("标题", max_length=300)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.CharField("发文机关", max_length=200, blank=True)
    level = models.CharField("层级", max_length=12, choices=PolicyLevel.choices, default=PolicyLevel.CITY)
    region = models.ForeignKey(
        Region, verbose_name="适用区域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name="起草部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True, db_index=True)
    status = models.CharField(
        "状态", max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, db_index=True
    )
    source_file = models.FileField("原文文件", upload_to="policies/sources/%Y/%m/", blank=True)
    source_url = models.URLField("原文链接", max_length=500, blank=True)
    summary = models.TextField("摘要", blank=True)
    budget_yuan = models.BigIntegerField("兑现预算（元）", null=True, blank=True)
    tags = models.JSONField("适用特色产业", default=list, blank=True)
    is_example = models.BooleanField("示例数据", default=False)
    current_version = models.PositiveIntegerField("当前版本", default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    expiry_reminded_at = models.DateTimeField("到期提醒时间", null=True, blank=True)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策文件"
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """A text snapshot of a document (版本); consecutive versions are compared with a visible diff."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("正文")
    note = models.CharField("修订说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策版本"
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="policy_version_once")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class ClauseQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClauseQuerySet:
        return self.filter(document__in=PolicyDocument.objects.visible_to(user))

    def active(self) -> ClauseQuerySet:
        """Confirmed clauses of published documents: what enterprises are matched against."""
        return self.filter(document__status=DocumentStatus.PUBLISHED, review_status=ReviewStatus.CONFIRMED)


class Clause(models.Model):
    """One support measure (条款): verbatim text, typed eligibility rules, benefits, how and where to apply."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="clauses")
    position = models.PositiveIntegerField("顺序", default=0)
    number = models.CharField("条号", max_length=30, blank=True)
    section = models.CharField("所属章节", max_length=200, blank=True)
    title = models.CharField("条款名称", max_length=200)
    text = models.TextField("原文")
    topic = models.CharField("主题", max_length=20, blank=True, db_index=True)
    support_types = models.JSONField("支持方式", default=list, blank=True)
    rules = models.JSONField("申报条件（结构化）", default=dict, blank=True)
    rules_version = models.PositiveIntegerField("条件版本", default=1)
    extraction = models.JSONField("机器解读结果", default=dict, blank=True)
    review_status = models.CharField(
        "人工确认", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("确认时间", null=True, blank=True)
    delivery_mode = models.CharField(
        "兑现方式", max_length=12, choices=DeliveryMode.choices, default=DeliveryMode.APPLICATION
    )
    application_opens_on = models.DateField("申报开始", null=True, blank=True)
    application_closes_on = models.DateField("申报截止", null=True, blank=True)
    materials = models.JSONField(
        "申报材料", default=list, blank=True, help_text='[{"name": "营业执照", "required": true}]'
    )
    handling_department = models.ForeignKey(
        Department, verbose_name="受理部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact = models.CharField("咨询电话", max_length=100, blank=True)
    service_days = models.PositiveIntegerField("承诺办理时限（工作日）", null=True, blank=True)
    allows_missing_materials = models.BooleanField("容缺受理", default=True)
    allows_commitment = models.BooleanField("承诺制", default=False)

    objects = ClauseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策条款"
        ordering = ["document", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def cite(self) -> str:
        return f"〔{self.number or f'第{self.position}项'}〕"


class Benefit(models.Model):
    """What a clause gives (兑现内容): type, maximum in yuan, ratio, cap and per-year limit."""

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="benefits")
    benefit_type = models.CharField("支持方式", max_length=12, choices=BenefitType.choices)
    description = models.CharField("说明", max_length=300, blank=True)
    max_amount_yuan = models.BigIntegerField("最高金额（元）", null=True, blank=True)
    ratio = models.FloatField("比例", null=True, blank=True)
    cap_yuan = models.BigIntegerField("封顶（元）", null=True, blank=True)
    per_year_limit_yuan = models.BigIntegerField("每年上限（元）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "兑现内容"
        ordering = ["clause", "id"]

    def __str__(self) -> str:
        return f"{self.clause} · {self.get_benefit_type_display()}"

    def as_dict(self) -> dict:
        return {
            "type": self.benefit_type,
            "max_amount_yuan": self.max_amount_yuan,
            "ratio": self.ratio,
            "cap_yuan": self.cap_yuan,
            "per_year_limit_yuan": self.per_year_limit_yuan,
        }


class EnterpriseDeclaration(models.Model):
    """Facts an enterprise declares itself (企业自报) that the registry lacks: R&D share, tax paid."""

    enterprise = models.OneToOneField(Enterprise, on_delete=models.CASCADE, related_name="policy_declaration")
    rd_ratio = models.DecimalField(
        "研发费用占营业收入比例（%）", max_digits=6, decimal_places=2, null=True, blank=True
    )
    tax_paid_10k = models.DecimalField(
        "上年纳税额（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField("填报时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业自报信息"

    def __str__(self) -> str:
        return f"{self.enterprise} 自报"


class PolicyMatch(models.Model):
    """The stored result of matching one enterprise to one clause (met or unknown); explained on read."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_matches")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="matches")
    status = models.CharField("结果", max_length=10, choices=MatchStatus.choices)
    estimated_max_yuan = models.BigIntegerField("预计最高金额（元）", null=True, blank=True)
    decidable_from_registry = models.BooleanField("可由登记数据判定", default=False)
    computed_at = models.DateTimeField("计算时间")
    notified_at = models.DateTimeField("推送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策匹配结果"
        constraints = [models.UniqueConstraint(fields=["enterprise", "clause"], name="policy_match_once")]
        indexes = [models.Index(fields=["clause", "status"], name="policy_match_clause_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.clause} · {self.get_status_display()}"


class PolicyApplicationQuerySet(models.QuerySet):
    def visible_to(self, user) -> PolicyApplicationQuerySet:
        """Enterprise users their own enterprises'; reviewers by handling department or county; city-wide all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.role == Role.ENTERPRISE:
            return self.filter(
                enterprise__memberships__user=user, enterprise__memberships__status=MembershipStatus.VERIFIED
            )
        if not (user.can("policy.review_application") or user.can("policy.view_admin")):
            return self.none()
        scope = _government_scope(
            user, department_field="clause__handling_department", region_field="enterprise__region"
        )
        return self if scope is None else self.filter(scope)


class PolicyApplication(models.Model):
    """An application (申报) by an enterprise for one clause, or its 免申即享 willingness confirmation."""

    tracking_number = models.CharField("受理编号", max_length=30, unique=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="policy_applications")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="applications")
    channel = models.CharField(
        "渠道", max_length=10, choices=ApplicationChannel.choices, default=ApplicationChannel.APPLIED
    )
    status = models.CharField(
        "状态",
        max_length=14,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    year = models.PositiveIntegerField("申报年度")
    prefill = models.JSONField("登记信息（只读）", default=dict)
    answers = models.JSONField("企业填写", default=dict, blank=True)
    requested_yuan = models.BigIntegerField("申请金额（元）", null=True, blank=True)
    approved_yuan = models.BigIntegerField("核定金额（元）", null=True, blank=True)
    commitment = models.BooleanField("承诺制", default=False)
    missing_materials = models.JSONField("容缺材料", default=list, blank=True)
    promised_on = models.DateField("承诺补齐日期", null=True, blank=True)
    decision_reason = models.CharField("审核意见", max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")
    due_at = models.DateTimeField("审核期限", null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PolicyApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "政策申报"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One live application per enterprise, clause and year: a second is a duplicate.
            models.UniqueConstraint(
                fields=["enterprise", "clause", "year"],
                condition=~Q(status__in=["rejected", "withdrawn"]),
                name="policy_application_once_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.enterprise}"


class ApplicationMaterial(models.Model):
    """A file uploaded with an application (申报材料), checked for type and size."""

    application = models.ForeignKey(
        PolicyApplication, on_delete=models.CASCADE, related_name="material_files"
    )
    name = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to="policies/materials/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报材料"
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return self.name


class ApplicationEvent(models.Model):
    """One step of an application's timeline (受理、退回、补正、通过、拨付…): append-only."""

    application = models.ForeignKey(PolicyApplication, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    from_status = models.CharField("原状态", max_length=14, blank=True)
    to_status = models.CharField("新状态", max_length=14)
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申报进度"
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.from_status}→{self.to_status}"


class Disbursement(models.Model):
    """A payout (兑现) for an approved application: approved → instructed → paid, with expected dates."""

    application = models.OneToOneField(
        PolicyApplication, on_delete=models.PROTECT, related_name="disbursement"
    )
    amount_yuan = models.BigIntegerField("金额（元）")
    status = models.CharField(
        "状态",
        max_length=12,
        choices=DisbursementStatus.choices,
        default=DisbursementStatus.APPROVED,
        db_index=True,
    )
    approved_at = models.DateTimeField("批准时间")
    expected_instructed_on = models.DateField("预计下达拨付指令", null=True, blank=True)
    instructed_at = models.DateTimeField("下达拨付指令时间", null=True, blank=True)
    expected_paid_on = models.DateField("预计到账", null=True, blank=True)
    paid_at = models.DateTimeField("到账时间", null=True, blank=True)
    voucher = models.CharField("凭证号", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "兑现台账"
        ordering = ["-approved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application} ¥{self.amount_yuan}"


class PolicyRating(models.Model):
    """An enterprise's rating of a clause or a stage of its chain (反向测评), 1–5."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_ratings")
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="ratings")
    stage = models.CharField("评价环节", max_length=10, choices=RatingStage.choices)
    score = models.PositiveSmallIntegerField("评分")
    comment = models.CharField("意见", max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField("时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策评价"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "clause", "stage"], name="policy_rating_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="policy_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.clause} {self.get_stage_display()} {self.score}"


class GuideAssignment(models.Model):
    """A named gold-medal guide (金牌导办) assigned to an enterprise."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_guides")
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guided_enterprises"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField("指派时间")
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "金牌导办"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(ended_at__isnull=True),
                name="one_active_guide_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guide} → {self.enterprise}"


class GuideContact(models.Model):
    """One contact between a guide and the enterprise (联系记录)."""

    assignment = models.ForeignKey(GuideAssignment, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField("时间")
    channel = models.CharField("方式", max_length=10, choices=ContactChannel.choices)
    note = models.CharField("内容", max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "导办联系记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment} {self.at:%Y-%m-%d}"


class SearchEntry(models.Model):
    """One searchable unit (a document or a clause) with its segmented text and facet values.

    SQLite indexes `segmented` in an FTS5 table, PostgreSQL in a GIN index over to_tsvector('simple', …);
    both are created by migration 0002 and queried through `search.py`.
    """

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="+")
    clause = models.OneToOneField(Clause, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=300)
    body = models.TextField()
    segmented = models.TextField()
    topic = models.CharField(max_length=20, blank=True)
    support_types = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=12, blank=True)
    delivery_mode = models.CharField(max_length=12, blank=True)
    region_code = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策检索索引"

    def __str__(self) -> str:
        return self.title


class PushPreference(models.Model):
    """A user's push channels and interests (推送偏好): in-app messages always; SMS and e-mail only when opted in,
    and only for matches in the chosen topics and support types (empty = everything)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_push_preference"
    )
    sms = models.BooleanField("短信推送", default=False)
    email = models.BooleanField("邮件推送", default=False)
    phone = models.CharField("接收短信的手机号", max_length=20, blank=True)
    email_address = models.EmailField("接收邮件的地址", blank=True)
    topics = models.JSONField("关注的主题", default=list, blank=True, help_text="空 = 全部主题")
    support_types = models.JSONField(
        "关注的支持方式", default=list, blank=True, help_text="空 = 全部支持方式"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送渠道偏好"

    def __str__(self) -> str:
        return f"{self.user} 推送偏好"

    def wants(self, *, topic: str, support_types: Sequence[str]) -> bool:
        """Whether a match in this topic with these support types is one the user chose (empty = everything)."""
        if self.topics and topic not in self.topics:
            return False
        return not self.support_types or bool(set(self.support_types) & set(support_types))


class PushDelivery(models.Model):
    """One push over one external channel (短信/邮件), with its status and attempts; unique per dedupe key."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        "core.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField("渠道", max_length=8, choices=PushChannel.choices)
    address = models.CharField("发送地址", max_length=254)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    dedupe_key = models.CharField(max_length=220, unique=True)
    status = models.CharField(
        "状态", max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    provider_reference = models.CharField("服务商回执", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间")
    next_attempt_at = models.DateTimeField("下次尝试", db_index=True)
    claimed_at = models.DateTimeField("开始发送", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "推送发送记录"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="policy_delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address}（{self.get_status_display()}）"
