"""Enumerations of the policy supermarket (政策超市) and their allowed transitions, as data."""

from django.db import models


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"
    CITY = "city", "市"
    COUNTY = "county", "县区"
    ZONE = "zone", "园区"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    IN_REVIEW = "in_review", "审核中"
    PUBLISHED = "published", "已发布"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已过期"


DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DocumentStatus.DRAFT: frozenset({DocumentStatus.IN_REVIEW}),
    DocumentStatus.IN_REVIEW: frozenset({DocumentStatus.DRAFT, DocumentStatus.PUBLISHED}),
    DocumentStatus.PUBLISHED: frozenset(
        {DocumentStatus.REPEALED, DocumentStatus.EXPIRED, DocumentStatus.DRAFT}
    ),
    DocumentStatus.REPEALED: frozenset(),
    DocumentStatus.EXPIRED: frozenset({DocumentStatus.DRAFT}),
}


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"


class DeliveryMode(models.TextChoices):
    """兑现方式."""

    APPLICATION = "application", "申报制"
    AUTOMATIC = "automatic", "免申即享"
    INSTANT = "instant", "即申即享"


class BenefitType(models.TextChoices):
    ONE_OFF_AWARD = "award", "一次性奖励"
    SUBSIDY = "subsidy", "补贴"
    LOAN_INTEREST = "interest", "贷款贴息"
    TAX_RELIEF = "tax", "税费减免"
    GUARANTEE = "guarantee", "融资担保"
    LAND = "land", "用地"
    TALENT = "talent", "人才"
    SERVICE = "service", "服务"
    OTHER = "other", "其他"


# vocab.SUPPORT_TYPES (the extractor's words) → BenefitType.
BENEFIT_TYPE_BY_LABEL = {label: value for value, label in BenefitType.choices}


class MatchStatus(models.TextChoices):
    MET = "met", "符合"
    UNKNOWN = "unknown", "待补充信息"
    NOT_MET = "not_met", "不符合"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    UNDER_REVIEW = "under_review", "审核中"
    RETURNED = "returned", "退回补正"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "未通过"
    WITHDRAWN = "withdrawn", "已撤回"


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {
            ApplicationStatus.UNDER_REVIEW,
            ApplicationStatus.RETURNED,
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        }
    ),
    ApplicationStatus.UNDER_REVIEW: frozenset(
        {ApplicationStatus.RETURNED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}
    ),
    ApplicationStatus.RETURNED: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN}),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
    ApplicationStatus.WITHDRAWN: frozenset(),
}
OPEN_APPLICATION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.RETURNED,
    ApplicationStatus.APPROVED,
)


class ApplicationChannel(models.TextChoices):
    APPLIED = "applied", "企业申报"
    CONFIRMED = "confirmed", "免申即享·意愿确认"


class DisbursementStatus(models.TextChoices):
    APPROVED = "approved", "已批准待拨付"
    INSTRUCTED = "instructed", "已下达拨付指令"
    PAID = "paid", "已到账"


DISBURSEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DisbursementStatus.APPROVED: frozenset({DisbursementStatus.INSTRUCTED}),
    DisbursementStatus.INSTRUCTED: frozenset({DisbursementStatus.PAID}),
    DisbursementStatus.PAID: frozenset(),
}
# Working days the finance side commits to for each next step (expected dates shown to the enterprise).
DISBURSEMENT_STEP_DAYS = {DisbursementStatus.APPROVED: 5, DisbursementStatus.INSTRUCTED: 10}


class RatingStage(models.TextChoices):
    """反向测评: the policy itself and each stage of the chain."""

    POLICY = "policy", "政策本身"
    APPLY = "apply", "申报便利"
    REVIEW = "review", "审核效率"
    PAYMENT = "payment", "兑现速度"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门走访"
    ONLINE = "online", "线上"
    MEETING = "meeting", "座谈"


class PushChannel(models.TextChoices):
    """External push channels besides the in-app message (站内消息)."""

    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


# Attempts before a delivery is given up, and the wait before attempt n+1 (minutes), n = attempts so far.
DELIVERY_MAX_ATTEMPTS = 5
DELIVERY_BACKOFF_MINUTES = (1, 5, 15, 60, 240)
