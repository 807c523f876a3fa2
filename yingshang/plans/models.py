"""Action plans (行动方案), their tasks, measures and quantitative targets, progress and supervision (督办).

Stable field names (the monitoring app links indicators to these; do not rename):

- Plan: title, year, region (FK core.Region), status (draft/reviewing/official/archived), goals (list),
  source_text, source_file, source_filename, created_by, created_at, updated_at, official_at.
- PlanSection: plan, number, title, kind (task/key_action/safeguard), order, weight.
- PlanTask: plan, section (FK, nullable), number, kind (task/key_action/safeguard), title, order,
  lead_departments / co_departments (M2M core.Department), lead_units / co_units (raw names, lists),
  unmatched_units (list), start_date, deadline, weight, progress (cached roll-up, 0–100), closed_at.
- PlanMeasure: task, order, text, weight, deadline (nullable → task deadline), progress (0–100),
  lead_departments / co_departments (M2M, empty → the task's), lead_units / co_units (raw names).
- PlanTarget: plan, task (nullable), indicator, comparator (">=", "<=", "=", "range"), value, low, high
  (Decimal, nullable), unit, growth, soft, period, text, indicator_key (normalised name for matching),
  effective_from, effective_to, order, in_conflict, is_active (False once set aside in conflict resolution).
- Read targets through `yingshang.plans.selectors.targets_for_plan(plan)` / `official_targets(year, region)`.
- Also: PlanMilestone, ProgressReport (+ ProgressEvidence), TargetReading (actual values: source "progress" or
  "monitoring"), SupervisionNotice (督办单) with SupervisionReply, IssueItem (问题台账, 销号 with evidence).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.core.models import Department, Region
from yingshang.plans.choices import Comparator, IssueStatus, NoticeStatus, PlanStatus, ReplyKind, TaskKind


class PlanQuerySet(models.QuerySet):
    def official(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.OFFICIAL)

    def visible_to(self, user) -> PlanQuerySet:
        """Plans a user may see (see `yingshang.plans.access.plan_scope_filter` for the rules)."""
        from yingshang.plans.access import plan_scope_filter

        scope = plan_scope_filter(user)
        return self.none() if scope is None else self.filter(scope)


class Plan(models.Model):
    """An action plan (行动方案) imported from a document; a draft until a person makes it official."""

    title = models.CharField("方案名称", max_length=200)
    year = models.PositiveIntegerField("年度", db_index=True)
    region = models.ForeignKey(
        Region, verbose_name="区划", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(
        "状态", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    goals = models.JSONField("总体目标", default=list, blank=True)
    source_text = models.TextField("原文", blank=True)
    source_file = models.FileField("原文件", upload_to="plans/sources/%Y/", blank=True)
    source_filename = models.CharField("原文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    official_at = models.DateTimeField("确认为正式清单时间", null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "行动方案"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class PlanSection(models.Model):
    """A heading grouping tasks (（一）优化政务服务…), or a whole part such as 攻坚重点 / 保障措施."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField("编号", max_length=20, blank=True)
    title = models.CharField("标题", max_length=300)
    kind = models.CharField("类别", max_length=12, choices=TaskKind.choices, default=TaskKind.TASK)
    order = models.PositiveIntegerField("排序", default=0)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=1)

    class Meta:
        verbose_name = verbose_name_plural = "方案板块"
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.title


class PlanTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanTaskQuerySet:
        """Tasks a user may see (see `yingshang.plans.access` for the rules)."""
        from yingshang.plans.access import task_scope_filter

        scope = task_scope_filter(user)
        if scope is None:
            return self.none()
        # No DISTINCT: the scope is a set of IN (subquery) conditions and a plan's region, none of which repeats a row.
        return self.filter(plan__in=Plan.objects.visible_to(user)).filter(scope)


class PlanTask(models.Model):
    """One item of a plan: a task (任务), key action (攻坚重点) or safeguard (保障措施), owned by departments."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        PlanSection,
        verbose_name="板块",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    number = models.CharField("编号", max_length=20)
    kind = models.CharField("类别", max_length=12, choices=TaskKind.choices, default=TaskKind.TASK)
    title = models.CharField("任务", max_length=300)
    order = models.PositiveIntegerField("排序", default=0)
    lead_departments = models.ManyToManyField(
        Department, verbose_name="牵头单位", blank=True, related_name="plan_tasks_led"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合单位", blank=True, related_name="plan_tasks_supported"
    )
    lead_units = models.JSONField("牵头单位（原文）", default=list, blank=True)
    co_units = models.JSONField("配合单位（原文）", default=list, blank=True)
    unmatched_units = models.JSONField("未匹配的单位", default=list, blank=True)
    start_date = models.DateField("开始日期", null=True, blank=True)
    deadline = models.DateField("完成时限", null=True, blank=True, db_index=True)
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=1)
    progress = models.DecimalField("进度（%）", max_digits=5, decimal_places=1, default=0)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = PlanTaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "方案任务"
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_task_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PlanMeasure(models.Model):
    """A concrete measure (具体措施) of a task: one sentence or clause of the plan."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveIntegerField("排序", default=0)
    text = models.TextField("具体措施")
    weight = models.DecimalField("权重", max_digits=6, decimal_places=2, default=1)
    deadline = models.DateField("完成时限", null=True, blank=True)
    progress = models.DecimalField("进度（%）", max_digits=5, decimal_places=1, default=0)
    # Departments of this measure alone; none → the task's (see `effective_departments`).
    lead_departments = models.ManyToManyField(
        Department, verbose_name="牵头单位", blank=True, related_name="plan_measures_led"
    )
    co_departments = models.ManyToManyField(
        Department, verbose_name="配合单位", blank=True, related_name="plan_measures_supported"
    )
    lead_units = models.JSONField("牵头单位（原文）", default=list, blank=True)
    co_units = models.JSONField("配合单位（原文）", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "具体措施"
        ordering = ["task", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class PlanTarget(models.Model):
    """A quantitative target (量化目标) of a plan; the single source of truth the monitoring app reads."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    task = models.ForeignKey(
        PlanTask,
        verbose_name="所属任务",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    order = models.PositiveIntegerField("排序", default=0)
    indicator = models.CharField("指标", max_length=200)
    indicator_key = models.CharField(
        "指标标识", max_length=200, db_index=True, help_text="规范化后的指标名称，用于与监测指标匹配"
    )
    comparator = models.CharField("比较", max_length=5, choices=Comparator.choices)
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4, null=True, blank=True)
    low = models.DecimalField("下限", max_digits=20, decimal_places=4, null=True, blank=True)
    high = models.DecimalField("上限", max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    growth = models.BooleanField("增幅目标", default=False)
    soft = models.BooleanField("力争目标", default=False)
    period = models.CharField("期限", max_length=20, blank=True)
    text = models.TextField("原文")
    effective_from = models.DateField("生效日期", null=True, blank=True)
    effective_to = models.DateField("截止日期", null=True, blank=True)
    in_conflict = models.BooleanField("存在冲突", default=False)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "量化目标"
        ordering = ["plan", "order", "id"]
        indexes = [models.Index(fields=["indicator_key", "plan"], name="plan_target_key_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(comparator="range", low__isnull=False, high__isnull=False)
                | (~Q(comparator="range") & Q(value__isnull=False)),
                name="plan_target_value_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.comparator} {self.value if self.comparator != 'range' else ''}"


class PlanMilestone(models.Model):
    """An optional milestone (节点目标) of a task with its own due date."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_date = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "任务节点"
        ordering = ["task", "due_date", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A department's progress report (进展报送) on a task or one of its measures: text, percent, evidence."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="reports")
    measure = models.ForeignKey(
        PlanMeasure,
        verbose_name="具体措施",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reports",
    )
    department = models.ForeignKey(
        Department,
        verbose_name="报送单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_reports",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period = models.DateField("报送月份", help_text="所属月份的第一天", db_index=True)
    percent = models.DecimalField("完成进度（%）", max_digits=5, decimal_places=1)
    text = models.TextField("进展情况")
    reported_at = models.DateTimeField("报送时间", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "进展报送"
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task.number} {self.period:%Y-%m} {self.percent}%"


class ProgressEvidence(models.Model):
    """An evidence file (佐证材料) attached to a progress report or to closing an issue."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("文件", upload_to="plans/evidence/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class TargetReading(models.Model):
    """A reported actual value of a target (指标实际值), from a progress report or the monitoring app."""

    target = models.ForeignKey(PlanTarget, on_delete=models.CASCADE, related_name="readings")
    value = models.DecimalField("实际值", max_digits=20, decimal_places=4)
    as_of = models.DateField("数据截至")
    source = models.CharField("来源", max_length=20, default="progress")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标实际值"
        ordering = ["target", "-as_of", "-id"]

    def __str__(self) -> str:
        return f"{self.target.indicator} {self.value} ({self.as_of})"


class SupervisionNoticeQuerySet(models.QuerySet):
    def visible_to(self, user) -> SupervisionNoticeQuerySet:
        return self.filter(task__in=PlanTask.objects.visible_to(user))


class SupervisionNotice(models.Model):
    """A supervision notice (督办单) the city office issues on a lagging task, with a reply deadline."""

    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField("督办编号", max_length=30, unique=True)
    reason = models.TextField("督办事由")
    reply_due = models.DateField("回复期限", db_index=True)
    status = models.CharField(
        "状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN, db_index=True
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="督办人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField("督办时间")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = SupervisionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "督办单"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class SupervisionReply(models.Model):
    """A reply by the responsible department, or a follow-up (跟踪督办) by the city office, on a notice."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField("类型", max_length=10, choices=ReplyKind.choices)
    text = models.TextField("内容")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "督办回复"
        ordering = ["notice", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.notice.number} {self.get_kind_display()}"


class IssueItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> IssueItemQuerySet:
        return self.filter(task__in=PlanTask.objects.visible_to(user))


class IssueItem(models.Model):
    """An item of the issue ledger (问题台账); closed (销号) only with evidence."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="issues")
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="issues")
    notice = models.ForeignKey(
        SupervisionNotice, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues"
    )
    description = models.TextField("问题描述")
    department = models.ForeignKey(
        Department,
        verbose_name="整改单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_issues",
    )
    due_date = models.DateField("整改时限", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN, db_index=True
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField("登记时间")
    closing_note = models.TextField("整改情况", blank=True)
    closing_evidence = models.FileField("销号佐证", upload_to="plans/issues/%Y/", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    objects = IssueItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "问题台账"
        ordering = ["status", "due_date", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class AssessmentWeights(models.Model):
    """A version of the weights (考核权重) of the quarterly assessment; the newest version is in force."""

    version = models.PositiveIntegerField("版本", unique=True)
    completion = models.DecimalField("完成度权重", max_digits=5, decimal_places=2)
    timeliness = models.DecimalField("及时率权重", max_digits=5, decimal_places=2)
    supervision = models.DecimalField("督办响应率权重", max_digits=5, decimal_places=2)
    problems = models.DecimalField("问题销号率权重", max_digits=5, decimal_places=2)
    note = models.CharField("调整说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("生效时间")

    class Meta:
        verbose_name = verbose_name_plural = "考核权重"
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"第 {self.version} 版"

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in ("completion", "timeliness", "supervision", "problems")}


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        """City-wide assessors see every row; a county office its county's row and its county's departments'."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.can("plan.assess"):
            return self.none()
        region = user.scope_region
        if region is None:
            return self.filter(plan__in=Plan.objects.visible_to(user))
        return self.filter(plan__in=Plan.objects.visible_to(user)).filter(
            Q(region=region) | Q(department__region=region) | Q(department__region__parent=region)
        )


class Assessment(models.Model):
    """A quarterly assessment (季度考核, period "2025Q1") or annual evaluation (年度评价, period "2025") of one
    department or one county on a plan; a draft until the city office signs it off (签发), then frozen."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assessments")
    period = models.CharField("考核期", max_length=6, db_index=True)
    subject_kind = models.CharField(
        "对象", max_length=10, choices=[("department", "单位"), ("county", "县区")]
    )
    subject_key = models.CharField("对象标识", max_length=30)
    subject_name = models.CharField("被考核单位", max_length=100)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    weights = models.ForeignKey(
        AssessmentWeights, verbose_name="权重版本", on_delete=models.PROTECT, related_name="assessments"
    )
    components = models.JSONField("分项", default=dict)
    counts = models.JSONField("计数", default=dict)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField("排名", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=[("draft", "待签发"), ("signed", "已签发")], default="draft"
    )
    computed_at = models.DateTimeField("计算时间")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField("签发时间", null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考核结果"
        ordering = ["plan", "period", "subject_kind", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "period", "subject_kind", "subject_key"],
                name="plan_assessment_unique_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.subject_name} {self.score}"
