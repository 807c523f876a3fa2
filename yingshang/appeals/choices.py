"""Enumerations of the appeal closed loop (诉求闭环): states, actions, channels, urgency, ratings."""

from django.db import models


class AppealStatus(models.TextChoices):
    RECEIVED = "received", "已受理（待派单）"
    DISPATCHED = "dispatched", "已派单（待签收）"
    DISPUTED = "disputed", "退单审核中"
    SIGNED = "signed", "已签收（待联系）"
    HANDLING = "handling", "办理中"
    PAUSED = "paused", "暂停（等待企业补充）"
    REPLIED = "replied", "已答复（待评价/回访）"
    CLOSED = "closed", "已办结"
    ARCHIVED = "archived", "已销号"
    REFUSED = "refused", "不予受理"
    MERGED = "merged", "已并单"


class AppealAction(models.TextChoices):
    RECEIVE = "receive", "受理"
    DISPATCH = "dispatch", "派单"
    REFUSE = "refuse", "不予受理"
    MERGE = "merge", "并单"
    SIGN = "sign", "签收"
    DISPUTE = "dispute", "退单（派单异议）"
    REDISPATCH = "redispatch", "改派"
    REJECT_DISPUTE = "reject_dispute", "驳回退单"
    CONTACT = "contact", "先行联系"
    PAUSE = "pause", "暂停（等待企业补充）"
    RESUME = "resume", "恢复办理"
    REQUEST_EXTENSION = "request_extension", "申请延期"
    APPROVE_EXTENSION = "approve_extension", "批准延期"
    REJECT_EXTENSION = "reject_extension", "驳回延期"
    REPLY = "reply", "答复"
    RATE = "rate", "评价"
    REVISIT = "revisit", "回访"
    REOPEN = "reopen", "重办"
    ARCHIVE = "archive", "台账销号"
    URGE = "urge", "催办"
    SUPERVISE = "supervise", "督办"
    PUBLICIZE = "publicize", "通报"
    ADD_CO_HANDLER = "add_co_handler", "增加协办单位"


class Channel(models.TextChoices):
    ENTERPRISE_WEB = "enterprise_web", "企业网页/手机"
    PUBLIC_FORM = "public_form", "公众表单"
    HOTLINE_12345 = "hotline_12345", "12345 热线工单"
    VISIT = "visit", "千企问需走访"
    EXPERIENCE_OFFICER = "experience_officer", "营商环境体验官"
    MONITORING_STATION = "monitoring_station", "营商环境监测站点"
    API = "api", "开放接口"
    OPEN311 = "open311", "Open311 接口"


class AppealKind(models.TextChoices):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class RequesterType(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL = "individual", "个人"


class RefusalKind(models.TextChoices):
    """Scope rules (不属于受理范围): refused with a reason and counted separately."""

    OUT_OF_JURISDICTION = "jurisdiction", "不属于本市管辖"
    LITIGATION = "litigation", "属于诉讼、仲裁、纪检监察、行政复议或信息公开事项"
    PETITION = "petition", "已进入信访渠道"
    SECRET = "secret", "涉及国家秘密、商业秘密或个人隐私"
    NO_CONTENT = "no_content", "无实际内容或违法、恶意诉求"
    REPEATED = "repeated", "同一事实和理由已依法处理的重复诉求"


class SatisfactionLevel(models.IntegerChoices):
    """The 5-level 政务服务"好差评" scale."""

    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASICALLY_SATISFIED = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


class Resolution(models.TextChoices):
    RESOLVED = "resolved", "已解决"
    PARTLY = "partly", "部分解决"
    UNRESOLVED = "unresolved", "未解决"


class RatingSource(models.TextChoices):
    REQUESTER = "requester", "诉求人评价"
    REVISIT = "revisit", "独立回访"


class RevisitChannel(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    APP = "app", "平台"
    ON_SITE = "on_site", "上门"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "已驳回"


class VisitKind(models.TextChoices):
    THOUSAND_ENTERPRISES = "thousand", "千企问需走访"
    EXPERIENCE_OFFICER = "experience", "体验官活动"
    MONITORING_STATION = "station", "营商环境监测站点"


class EscalationLevel(models.IntegerChoices):
    """催办 → 督办 → 通报 ladder."""

    NONE = 0, "正常"
    URGED = 1, "已催办"
    SUPERVISED = 2, "已督办"
    PUBLICIZED = 3, "已通报"


ACTIVE_STATUSES = (
    AppealStatus.DISPATCHED,
    AppealStatus.DISPUTED,
    AppealStatus.SIGNED,
    AppealStatus.HANDLING,
    AppealStatus.PAUSED,
)
OPEN_STATUSES = (AppealStatus.RECEIVED, *ACTIVE_STATUSES, AppealStatus.REPLIED)
FINISHED_STATUSES = (AppealStatus.CLOSED, AppealStatus.ARCHIVED)
EXCLUDED_STATUSES = (AppealStatus.REFUSED, AppealStatus.MERGED)
