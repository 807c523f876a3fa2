"""Enumerations of the enterprise registry (经营主体库)."""

from django.db import models


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL = "individual", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"
    OTHER = "other", "其他"


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    SUSPENDED = "suspended", "停业"
    REVOKED = "revoked", "吊销"
    CANCELLED = "cancelled", "注销"


class EnterpriseSize(models.TextChoices):
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"
    UNKNOWN = "unknown", "未知"


class CreditClass(models.TextChoices):
    NONE = "", "未评价"
    A = "A", "A 类（守信）"
    B = "B", "B 类（基本守信）"
    C = "C", "C 类（失信）"
    D = "D", "D 类（严重失信）"


class MembershipStatus(models.TextChoices):
    PENDING = "pending", "待核验"
    VERIFIED = "verified", "已核验"
    REJECTED = "rejected", "已驳回"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
