"""Enumerations of the monitoring app (营商环境动态监测), with allowed transitions as data."""

from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "越高越好"
    LOWER = "lower", "越低越好"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "月度"
    QUARTERLY = "quarterly", "季度"
    ANNUAL = "annual", "年度"


class Aggregation(models.TextChoices):
    LEVEL = "level", "期末水平值"
    CUMULATIVE = "cumulative", "年初至今累计值"


class Source(models.TextChoices):
    MANUAL = "manual", "部门填报"
    COMPUTED = "computed", "平台自动计算"
    SURVEY = "survey", "满意度调查"


class ValueOrigin(models.TextChoices):
    FORM = "form", "网页填报"
    EXCEL = "excel", "Excel 模板导入"
    COMPUTED = "computed", "平台自动计算"
    SURVEY = "survey", "满意度调查"
    DEMO = "demo", "演示数据（合成）"


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "填报中"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已审核发布"
    RETURNED = "returned", "已退回"


SUBMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SubmissionStatus.DRAFT: frozenset({SubmissionStatus.SUBMITTED}),
    SubmissionStatus.SUBMITTED: frozenset({SubmissionStatus.APPROVED, SubmissionStatus.RETURNED}),
    SubmissionStatus.RETURNED: frozenset({SubmissionStatus.SUBMITTED}),
    SubmissionStatus.APPROVED: frozenset({SubmissionStatus.SUBMITTED}),  # a revision after publication
}


class AlertKind(models.TextChoices):
    BELOW_TARGET = "below_target", "未达目标"
    SCORE_DROP = "score_drop", "得分下降"
    RANK_FALL = "rank_fall", "排名下降"
    MISSING_DATA = "missing_data", "截止未报数据"
    REVISED_AFTER_PUBLICATION = "revised", "发布后修改数据"
    OFF_TRACK = "off_track", "预计年底难以完成"


class AlertStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已知悉"
    SUPERVISED = "supervised", "已转督办"


class TrackStatus(models.TextChoices):
    MET = "met", "已达标"
    ON_TRACK = "on_track", "预计可完成"
    AT_RISK = "at_risk", "有风险"
    OFF_TRACK = "off_track", "预计难以完成"
    NO_DATA = "no_data", "无数据"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "调查中"
    CLOSED = "closed", "已结束"


SURVEY_TRANSITIONS: dict[str, frozenset[str]] = {
    SurveyStatus.DRAFT: frozenset({SurveyStatus.OPEN}),
    SurveyStatus.OPEN: frozenset({SurveyStatus.CLOSED}),
    SurveyStatus.CLOSED: frozenset(),
}

# 5-level 好差评 scale of survey questions.
RATING_LABELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
SATISFIED_RATINGS = frozenset({4, 5})
DISSATISFIED_RATINGS = frozenset({1, 2})
