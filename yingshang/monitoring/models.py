"""Monitoring (营商环境动态监测): indicator catalogue, targets linked to the plan, collected values with provenance,
scoring parameters and weights (versioned), index snapshots, alerts and 经营主体满意度 surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.accounts.roles import DataScope
from yingshang.core.models import Department, Region
from yingshang.monitoring.choices import (
    Aggregation,
    AlertKind,
    AlertStatus,
    Direction,
    Frequency,
    Source,
    SubmissionStatus,
    SurveyStatus,
    ValueOrigin,
)


def monitoring_scope(user) -> tuple | None:
    """What bounds a user's monitoring data, as plain values (None: nothing visible).

    ("all",), ("region", region id), ("tree", department path) or ("department", department id). Two users with the
    same scope see the same monitoring rows, so pages may be kept per scope rather than per user.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ("all",)
    if not (user.can("monitoring.view") or user.can("monitoring.submit")):
        return None
    scope = user.data_scope
    if scope == DataScope.ALL:
        return ("all",)
    if scope == DataScope.REGION and user.scope_region is not None:
        return ("region", user.scope_region.pk)
    if user.department_id is None:
        return None
    if scope == DataScope.DEPARTMENT_TREE:
        return ("tree", user.department.path)
    if scope == DataScope.DEPARTMENT:
        return ("department", user.department_id)
    return None


def _scope_filter(user, *, region_field: str, department_field: str) -> Q | None:
    """The Q bounding a user's monitoring data (None: nothing visible). City-wide roles see everything."""
    scope = monitoring_scope(user)
    if scope is None:
        return None
    kind = scope[0]
    if kind == "all":
        return Q()
    if kind == "region":
        return Q(**{region_field: scope[1]})
    if kind == "tree":
        return Q(**{f"{department_field}__path__startswith": scope[1]})
    return Q(**{department_field: scope[1]})


class Dimension(models.Model):
    """A dimension of the index (维度): 市场化 / 法治化 / 国际化 / 便利化."""

    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "监测维度"
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A first-level indicator of the national evaluation (一级指标), e.g. 开办企业, 办理破产."""

    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    dimension = models.ForeignKey(
        Dimension, verbose_name="维度", on_delete=models.PROTECT, related_name="topics"
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "一级指标"
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A monitored indicator (监测指标) with its definition, unit, direction, owner and data source."""

    code = models.SlugField("标识", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    topic = models.ForeignKey(
        Topic, verbose_name="一级指标", on_delete=models.PROTECT, related_name="indicators"
    )
    unit = models.CharField("单位", max_length=20)
    direction = models.CharField("方向", max_length=8, choices=Direction.choices)
    frequency = models.CharField("频次", max_length=10, choices=Frequency.choices)
    aggregation = models.CharField(
        "口径", max_length=12, choices=Aggregation.choices, default=Aggregation.LEVEL
    )
    function_key = models.CharField("责任部门职能", max_length=40, db_index=True)
    source = models.CharField("数据来源", max_length=10, choices=Source.choices)
    definition = models.TextField("定义")
    formula = models.CharField("计算公式", max_length=300)
    plan_names = models.JSONField("方案中的指标名称", default=list, blank=True)
    min_value = models.DecimalField("允许最小值", max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField("允许最大值", max_digits=20, decimal_places=4, null=True, blank=True)
    jump_ratio = models.FloatField(
        "环比跳变阈值", default=0.5, help_text="与上期相比变化超过该比例时要求填写说明"
    )
    in_index = models.BooleanField("计入指数", default=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    catalogue_version = models.CharField("目录版本", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监测指标"
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


class IndicatorTarget(models.Model):
    """The link from an indicator to a plan's quantitative target (plans.PlanTarget is the source of truth)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="target_links")
    plan_target = models.ForeignKey(
        "plans.PlanTarget", on_delete=models.CASCADE, related_name="monitoring_links"
    )
    linked_at = models.DateTimeField("关联时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标与方案目标关联"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "plan_target"], name="indicator_target_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} → {self.plan_target_id}"


class ScoringParameter(models.Model):
    """Best and worst values (前沿值/下限值) of an indicator for one plan year; versioned, newest wins."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="parameters")
    plan_year = models.PositiveIntegerField("方案年度")
    version = models.PositiveIntegerField("版本")
    best = models.DecimalField("最优值（得 100 分）", max_digits=20, decimal_places=4)
    worst = models.DecimalField("最差值（得 0 分）", max_digits=20, decimal_places=4)
    basis = models.CharField("取值依据", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分参数"
        ordering = ["indicator", "plan_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "plan_year", "version"], name="scoring_parameter_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.plan_year} v{self.version}"


class WeightSet(models.Model):
    """One version of the index weights (权重): dimensions, first-level indicators and indicators, effective-dated."""

    version = models.PositiveIntegerField("版本", unique=True)
    effective_from = models.CharField("生效期（YYYY-MM）", max_length=7)
    weights = models.JSONField(
        "权重", help_text='{"dimension": {code: w}, "topic": {…}, "indicator": {…}}，同级合计 100'
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指数权重版本"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"权重 v{self.version}（{self.effective_from} 起）"


class SubmissionRound(models.Model):
    """A data-collection round (填报轮次) for one month; quarterly/annual indicators join at quarter/year end."""

    period = models.CharField("所属期（YYYY-MM）", max_length=7, unique=True)
    deadline = models.DateField("截止日期", db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    reminded_at = models.DateTimeField("催报时间", null=True, blank=True)
    closed_at = models.DateTimeField("截止处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "填报轮次"
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period} 填报"


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user) -> SubmissionQuerySet:
        """Submissions a user may see: own department (tree), own county, or all for city-wide roles."""
        scope = _scope_filter(user, region_field="department__region", department_field="department")
        return self.none() if scope is None else self.filter(scope)


class Submission(models.Model):
    """One department's figures for one round (部门填报), reviewed by the city office (市营商局)."""

    round = models.ForeignKey(
        SubmissionRound, verbose_name="轮次", on_delete=models.PROTECT, related_name="submissions"
    )
    department = models.ForeignKey(
        Department, verbose_name="填报部门", on_delete=models.PROTECT, related_name="monitoring_submissions"
    )
    status = models.CharField(
        "状态", max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    late = models.BooleanField("逾期提交", default=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "部门填报"
        ordering = ["-round__period", "department__path"]
        constraints = [models.UniqueConstraint(fields=["round", "department"], name="submission_once")]

    def __str__(self) -> str:
        return f"{self.department} {self.round.period}"


class IndicatorValueQuerySet(models.QuerySet):
    def visible_to(self, user) -> IndicatorValueQuerySet:
        """Values a user may see: own department's (tree), own county's, or all for city-wide roles."""
        scope = _scope_filter(user, region_field="region", department_field="department")
        return self.none() if scope is None else self.filter(scope)

    def published(self) -> IndicatorValueQuerySet:
        return self.filter(is_published=True)


class IndicatorValue(models.Model):
    """One version of an indicator's value for a region and month, with its provenance (数据来源留痕).

    Versions are never overwritten: a revision adds a row that `replaces` the previous one with a reason.
    `is_current` marks the newest version; `is_published` the version approved for scoring (at most one each).
    "No data" (`no_data`) is a state of its own, never a zero.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values"
    )
    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("所属期", max_length=7, db_index=True)
    value = models.DecimalField("数值", max_digits=20, decimal_places=4, null=True, blank=True)
    no_data = models.BooleanField("无数据", default=False)
    note = models.CharField("说明", max_length=500, blank=True)
    origin = models.CharField("来源方式", max_length=10, choices=ValueOrigin.choices)
    department = models.ForeignKey(
        Department, verbose_name="报送部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="values"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField("填报时间")
    source_file = models.CharField("来源文件", max_length=200, blank=True)
    computation = models.CharField("计算来源", max_length=500, blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name="替代的版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    revision_reason = models.CharField("修改原因", max_length=500, blank=True)
    is_current = models.BooleanField("最新版本", default=True)
    is_published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "指标数值"
        ordering = ["-period", "indicator__sort_order", "region__sort_order", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "period"],
                condition=Q(is_current=True),
                name="indicator_value_one_current",
            ),
            models.UniqueConstraint(
                fields=["indicator", "region", "period"],
                condition=Q(is_published=True),
                name="indicator_value_one_published",
            ),
            models.CheckConstraint(
                condition=Q(no_data=True, value__isnull=True) | Q(no_data=False, value__isnull=False),
                name="indicator_value_or_no_data",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "is_published"], name="indicator_value_period_idx"),
            # Covers the index recompute's read (published values of a period range) without touching the table.
            models.Index(
                fields=["is_published", "period", "no_data", "region", "indicator", "value"],
                name="indicator_value_scoring_idx",
            ),
        ]

    def __str__(self) -> str:
        shown = "无数据" if self.no_data else f"{self.value}"
        return f"{self.indicator} {self.region} {self.period}: {shown}"

    @property
    def shown_value(self) -> str:
        """The value as reported, without the column's trailing zeros (65.0200 → 65.02); 无数据 for no data."""
        if self.no_data or self.value is None:
            return "无数据"
        return format(self.value.normalize(), "f")


class IndexSnapshot(models.Model):
    """The computed 便利度指数 of one region for one month, with every score and input behind it."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    period = models.CharField("所属期", max_length=7, db_index=True)
    index_score = models.FloatField("便利度指数", null=True, blank=True)
    rank = models.PositiveIntegerField("县区排名", null=True, blank=True)
    tier = models.CharField("档次", max_length=20, blank=True)
    dimension_scores = models.JSONField(default=dict)
    topic_scores = models.JSONField(default=dict)
    # {indicator code: {"value", "score", "best", "worst"}}
    indicator_scores = models.JSONField(default=dict)
    weight_version = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "指数快照"
        ordering = ["-period", "region__sort_order"]
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="index_snapshot_once")]

    def __str__(self) -> str:
        return f"{self.region} {self.period}: {self.index_score}"


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> AlertQuerySet:
        """Alerts a user may see: own department's (tree), own county's, or all for city-wide roles."""
        scope = _scope_filter(user, region_field="region", department_field="department")
        return self.none() if scope is None else self.filter(scope)


class Alert(models.Model):
    """A monitoring alert (预警) sent to the responsible department; may be escalated to a 督办."""

    kind = models.CharField("类型", max_length=16, choices=AlertKind.choices)
    indicator = models.ForeignKey(
        Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    period = models.CharField("所属期", max_length=7)
    message = models.CharField("内容", max_length=500)
    department = models.ForeignKey(
        Department,
        verbose_name="责任部门",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField("状态", max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    dedupe_key = models.CharField(max_length=200, unique=True)
    supervision_ref = models.CharField("督办编号", max_length=100, blank=True)
    created_at = models.DateTimeField("时间")

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "监测预警"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.message


class Survey(models.Model):
    """A 经营主体满意度 survey: 5-level 好差评 questions plus free text, sent to a stratified sample."""

    title = models.CharField("标题", max_length=200)
    period = models.CharField("所属期（YYYY-MM）", max_length=7)
    questions = models.JSONField(
        "题目", help_text='[{"code", "text", "kind": "rating"|"text"}]，第一题为总体满意度'
    )
    status = models.CharField("状态", max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    sample_size = models.PositiveIntegerField("样本量", default=0)
    sample_seed = models.BigIntegerField("抽样种子", null=True, blank=True)
    pool = models.JSONField("抽样框（主体编号）", default=list, blank=True)
    strata = models.JSONField("分层（层 → 样本数）", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    opened_at = models.DateTimeField("发放时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "满意度调查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyInvitation(models.Model):
    """One sampled enterprise's invitation (link/QR with a secret token) to answer a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    stratum = models.CharField("层", max_length=80)
    responded_at = models.DateTimeField("答卷时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调查邀请"
        constraints = [
            models.UniqueConstraint(fields=["survey", "enterprise"], name="survey_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.enterprise_id}"


class SurveyResponse(models.Model):
    """An enterprise's answers (答卷) to a survey: ratings 1–5 per question and free text."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    answers = models.JSONField("答案")
    overall = models.PositiveSmallIntegerField("总体满意度（1–5）")
    comment = models.TextField("意见建议", blank=True)
    submitted_at = models.DateTimeField("提交时间")
    appeal_ref = models.CharField("转诉求编号", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "调查答卷"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"答卷 {self.invitation_id}：{self.overall}"
