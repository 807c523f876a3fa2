"""Choices of the plans app and the allowed plan transitions, as data."""

from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿（待核对）"
    REVIEWING = "reviewing", "审核中"
    OFFICIAL = "official", "正式任务清单"
    ARCHIVED = "archived", "已归档"


class TaskKind(models.TextChoices):
    TASK = "task", "重点任务"
    KEY_ACTION = "key_action", "攻坚重点"
    SAFEGUARD = "safeguard", "保障措施"


class Comparator(models.TextChoices):
    AT_LEAST = ">=", "不低于"
    AT_MOST = "<=", "不高于"
    EQUAL = "=", "达到"
    RANGE = "range", "区间"


# Allowed plan status changes: from → {to: action label}.
PLAN_TRANSITIONS: dict[str, dict[str, str]] = {
    PlanStatus.DRAFT: {PlanStatus.REVIEWING: "提交审核", PlanStatus.OFFICIAL: "确认为正式任务清单"},
    PlanStatus.REVIEWING: {PlanStatus.DRAFT: "退回修改", PlanStatus.OFFICIAL: "确认为正式任务清单"},
    PlanStatus.OFFICIAL: {PlanStatus.ARCHIVED: "归档"},
    PlanStatus.ARCHIVED: {},
}
EDITABLE_PLAN_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.REVIEWING})


class TaskStatus(models.TextChoices):
    """Derived status of a task (never stored): see `yingshang.plans.supervision.task_status`."""

    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    LAGGING = "lagging", "滞后"
    OVERDUE = "overdue", "逾期"


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "待回复"
    REPLIED = "replied", "已回复"
    CLOSED = "closed", "已办结"


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeStatus.OPEN: frozenset({NoticeStatus.REPLIED, NoticeStatus.CLOSED}),
    NoticeStatus.REPLIED: frozenset({NoticeStatus.OPEN, NoticeStatus.CLOSED}),
    NoticeStatus.CLOSED: frozenset(),
}


class ReplyKind(models.TextChoices):
    REPLY = "reply", "办理回复"
    FOLLOW_UP = "follow_up", "跟踪督办"


class IssueStatus(models.TextChoices):
    OPEN = "open", "未销号"
    CLOSED = "closed", "已销号"
