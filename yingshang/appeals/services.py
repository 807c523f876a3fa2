"""Appeal use cases (诉求闭环): intake, dispatch, handling, extension, reply, rating/revisit, closure, sweeper.

Every function checks the allowed transition in workflow.TRANSITIONS, checks who is acting, saves with
update_fields, appends an AppealEvent (the timeline) and an audit event, and enqueues notifications on commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yingshang.accounts.roles import Role
from yingshang.appeals import inserts, sla, uploads, workflow
from yingshang.appeals.choices import (
    AppealAction,
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
)
from yingshang.appeals.models import (
    Appeal,
    AppealAttachment,
    AppealCategory,
    AppealCoHandler,
    AppealEvent,
    AppealLink,
    DispatchRoute,
    ExtensionRequest,
    Rating,
    Revisit,
    SlaRule,
    Visit,
)
from yingshang.appeals.workflow import Actor, TransitionNotAllowed
from yingshang.core.audit import record_change
from yingshang.core.errors import BusinessRuleError, ConflictError, InvalidUpload
from yingshang.core.models import Department
from yingshang.core.queueing import enqueue_with_commit
from yingshang.core.selectors import load_work_calendar
from yingshang.core.workcalendar import UnknownCalendarYear

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 4000
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")
MAX_DATABASE_ID = 2**31 - 1  # the largest id an integer column holds on SQLite and PostgreSQL alike


@dataclass(frozen=True)
class Upload:
    """An attachment as received: name and bytes (views and the API build these from their uploads)."""

    name: str
    data: bytes


# -- helpers ------------------------------------------------------------------------------------------


def _calendar():
    return load_work_calendar()


def _actor_label(user) -> str:
    if user is None or not (getattr(user, "pk", None) or getattr(user, "full_name", "")):
        return "系统"
    return f"{user.full_name or user.username}（{user.get_role_display()}）"


def _event(
    appeal: Appeal,
    *,
    action: str,
    by,
    now: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict | None = None,
) -> AppealEvent:
    """Append the timeline row and the audit event for one change."""
    event = inserts.insert(
        AppealEvent(
            appeal=appeal,
            at=now,
            actor=by if getattr(by, "pk", None) else None,
            actor_label=_actor_label(by),
            department_id=getattr(by, "department_id", None) if getattr(by, "pk", None) else None,
            action=action,
            from_status=from_status,
            to_status=appeal.status,
            note=note[:2000],
            data=data or {},
        )
    )
    record_change(
        actor=by if getattr(by, "pk", None) else None,
        action=f"appeal.{action}",
        obj=appeal,
        before={"status": from_status},
        after={"status": appeal.status, **(data or {})},
        reason=note[:500],
        region_code=appeal.region.code if appeal.region_id else "",
        department_path=appeal.handling_department.path if appeal.handling_department_id else "",
    )
    return event


def _transition(appeal: Appeal, action: str) -> str:
    """The new status for `action`, or a Chinese 409 when the table forbids it."""
    try:
        return workflow.next_status(appeal.status, action)
    except TransitionNotAllowed as exc:
        raise ConflictError(str(exc), code="transition_not_allowed") from exc


def _lock(appeal: Appeal) -> Appeal:
    """Re-read the appeal under a row lock so two people cannot act on a stale state."""
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("handling_department", "region", "category")
        .get(pk=appeal.pk)
    )


def is_handler(user, appeal: Appeal) -> bool:
    """Staff of the main handling department (主办), or a leader above it."""
    if user is None or not user.is_authenticated or not user.can("appeal.handle"):
        return False
    if appeal.handling_department_id is None or user.department_id is None:
        return False
    if user.department_id == appeal.handling_department_id:
        return True
    return user.role == Role.DEPARTMENT_LEADER and appeal.handling_department.path.startswith(
        user.department.path
    )


def is_requester(user, appeal: Appeal) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if appeal.submitted_by_id == user.pk:
        return True
    if appeal.enterprise_id is None:
        return False
    from yingshang.enterprises.choices import MembershipStatus

    return user.enterprise_memberships.filter(
        enterprise_id=appeal.enterprise_id, status=MembershipStatus.VERIFIED
    ).exists()


def is_independent_of_unit(user, appeal: Appeal) -> bool:
    """A revisit must come from outside the handling unit's branch of the department tree."""
    if appeal.handling_department_id is None or user.department_id is None:
        return True
    mine, theirs = user.department.path, appeal.handling_department.path
    return not (theirs.startswith(mine) or mine.startswith(theirs))


def _in_scope(user, appeal: Appeal) -> bool:
    return Appeal.objects.visible_to(user).filter(pk=appeal.pk).exists()


def can_act(user, appeal: Appeal, action: str) -> bool:
    """Whether `user` is the right actor for `action` on this appeal (the state is checked separately)."""
    if user is not None and user.is_superuser:
        return True
    actor = workflow.actor_of(action)
    if actor == Actor.DISPATCHER:
        return bool(user and user.can("appeal.dispatch") and _in_scope(user, appeal))
    if actor == Actor.HANDLER:
        return is_handler(user, appeal)
    if actor == Actor.REQUESTER:
        return is_requester(user, appeal)
    if actor == Actor.REVISITOR:
        return bool(user and user.can("appeal.revisit") and is_independent_of_unit(user, appeal))
    if actor == Actor.APPROVER:
        return bool(
            user
            and user.can("appeal.approve_extension")
            and _in_scope(user, appeal)
            and (user.role == Role.CITY_ADMIN or is_handler(user, appeal))
        )
    if actor == Actor.HANDLER_LEADER:
        return bool(
            user
            and user.can("appeal.sign_off")
            and _in_scope(user, appeal)
            and (user.role != Role.DEPARTMENT_LEADER or is_handler(user, appeal))
        )
    if actor == Actor.SUPERVISOR:
        return bool(
            user and (user.can("appeal.supervise") or user.can("appeal.dispatch")) and _in_scope(user, appeal)
        )
    return False


def _require_actor(user, appeal: Appeal, action: str) -> None:
    if not can_act(user, appeal, action):
        raise PermissionDenied(f"您不能对该诉求执行“{AppealAction(action).label}”。")


def _text(value: str, *, field: str, label: str, minimum: int = 1, maximum: int = 500) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise BusinessRuleError(
            f"{label}中含有不允许的控制字符（NUL）。", code="invalid_characters", field=field
        )
    if len(value) < minimum:
        raise BusinessRuleError(
            f"{label}不能为空" + (f"，至少 {minimum} 个字。" if minimum > 1 else "。"),
            code="invalid",
            field=field,
        )
    if len(value) > maximum:
        raise BusinessRuleError(
            f"{label}过长（{len(value)} 字），不超过 {maximum} 字。", code="invalid", field=field
        )
    return value


def sla_rules(on: dt.date | None = None) -> list[sla.Rule]:
    """The SLA rules (时限规则) in force on a day (today by default)."""
    on = on or timezone.localdate()
    rules = (
        SlaRule.objects.filter(is_active=True, effective_from__lte=on)
        .exclude(effective_until__lt=on)
        .select_related("category")
    )
    return [
        sla.Rule(
            category_code=r.category.code if r.category_id else "",
            kind=r.kind,
            urgency=r.urgency,
            requester_type=r.requester_type,
            sign_hours=r.sign_hours,
            contact_hours=r.contact_hours,
            reply_days=r.reply_days,
            reply_hours=r.reply_hours,
            rule_id=r.pk,
        )
        for r in rules
    ]


def rule_for(appeal: Appeal, *, now: dt.datetime | None = None) -> sla.Rule:
    try:
        return sla.pick_rule(
            sla_rules(timezone.localdate(now) if now else None),
            category_code=appeal.category.code,
            kind=appeal.kind,
            urgency=appeal.urgency,
            requester_type=appeal.requester_type,
        )
    except sla.NoRule as exc:
        raise BusinessRuleError(str(exc), code="no_sla_rule") from exc


def _start_clock(appeal: Appeal, *, now: dt.datetime) -> None:
    """Set the sign/contact/reply deadlines from `now` and the first escalation moment."""
    rule = rule_for(appeal, now=now)
    calendar = _calendar()
    try:
        limits = sla.deadlines(start=now, rule=rule, calendar=calendar)
        appeal.next_escalation_at = sla.next_escalation_at(
            level=0, start=now, due=limits.reply_due, calendar=calendar
        )
    except UnknownCalendarYear as exc:
        raise BusinessRuleError(str(exc), code="unknown_calendar_year") from exc
    appeal.sign_due_at, appeal.contact_due_at, appeal.due_at = (
        limits.sign_due,
        limits.contact_due,
        limits.reply_due,
    )
    appeal.sla_text = rule.describe()
    appeal.escalation_level = 0
    appeal.sign_reminded_at = None


CLOCK_FIELDS = [
    "sign_due_at",
    "contact_due_at",
    "due_at",
    "sla_text",
    "next_escalation_at",
    "escalation_level",
    "sign_reminded_at",
]


def _notify_later(appeal_id: int, event: str) -> None:
    """Queue the requester's notification with this transaction (see core.queueing)."""
    from yingshang.appeals.tasks import notify_appeal_event

    enqueue_with_commit(notify_appeal_event, appeal_id=appeal_id, event=event)


# -- intake (受理) ---------------------------------------------------------------------------------------


TRACKING_NUMBER_ATTEMPTS = 5


def _earlier_filing(*, channel: str, client_key: str, external_id: str) -> Appeal | None:
    """The appeal this filing repeats (same channel and client key: returned, marked as a repeat), a 409 for a
    work order already imported (same channel and 工单号), else None. Asked before the INSERT and again when the
    INSERT found its unique values taken by a filing that committed meanwhile."""
    if client_key:
        # The id first: a filing almost never repeats, and a one-column query is much cheaper to build.
        existing_id = (
            Appeal.objects.filter(channel=channel, client_key=client_key[:64]).values_list("pk", flat=True).first()
        )
        if existing_id is not None:
            existing = Appeal.objects.get(pk=existing_id)
            existing.repeated_submission = True
            return existing
    if external_id and Appeal.objects.filter(channel=channel, external_id=external_id[:40]).exists():
        raise ConflictError(
            f"工单号 {external_id} 已导入过，不再重复受理。",
            code="duplicate_external_id",
            field="external_id",
        )
    return None


def new_tracking_number(now: dt.datetime) -> str:
    """诉求编号: SQ, the filing date and 8 random digits (not guessable from a neighbour's number)."""
    return f"SQ{timezone.localtime(now):%Y%m%d}{secrets.randbelow(10**8):08d}"


def check_uploads(files: Sequence[Upload]) -> list[tuple[Upload, uploads.CheckedFile]]:
    """Check every attachment before anything is saved (nothing half-saved)."""
    if len(files) > uploads.MAX_ATTACHMENTS:
        raise InvalidUpload(
            f"附件最多 {uploads.MAX_ATTACHMENTS} 个，您上传了 {len(files)} 个。",
            code="too_many_files",
            field="attachments",
        )
    checked = []
    for upload in files:
        try:
            checked.append((upload, uploads.check_attachment(name=upload.name, data=upload.data)))
        except ValueError as exc:
            raise InvalidUpload(str(exc), code="invalid_attachment", field="attachments") from exc
    return checked


def _save_attachments(appeal: Appeal, checked, *, by, purpose: str = "appeal") -> None:
    for upload, info in checked:
        attachment = AppealAttachment(
            appeal=appeal,
            purpose=purpose,
            original_name=upload.name[:200],
            content_type=info.content_type,
            size=info.size,
            sha256=hashlib.sha256(upload.data).hexdigest(),
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        attachment.file.save(
            f"{appeal.tracking_number}-{secrets.token_hex(4)}.{info.kind}",
            ContentFile(upload.data),
            save=False,
        )
        attachment.save()


def _parse_coordinate(value, *, field: str, label: str, bound: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise BusinessRuleError(f"{label}应为数字。", field=field) from exc
    if not number.is_finite() or not -bound <= number <= bound:
        raise BusinessRuleError(f"{label}超出范围（-{bound} 到 {bound}）。", field=field)
    return number.quantize(Decimal("0.000001"))


MAX_MEDIA_URL = 1000


def _media_url(value: str) -> str:
    """A link to media posted with an appeal (Open311 `media_url`): http/https only, with a host, ≤ MAX_MEDIA_URL."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > MAX_MEDIA_URL:
        raise BusinessRuleError(
            f"图片链接过长（{len(value)} 个字符），不超过 {MAX_MEDIA_URL} 个字符。", field="media_url"
        )
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise BusinessRuleError("图片链接中不能有空白或控制字符。", field="media_url")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 — raises ValueError for a port outside 0–65535
    except ValueError as exc:
        raise BusinessRuleError("图片链接不是有效的网址。", field="media_url") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BusinessRuleError("图片链接应以 http:// 或 https:// 开头并包含域名。", field="media_url")
    return value


@transaction.atomic
def file_appeal(
    *,
    by,
    channel: str,
    category: AppealCategory,
    description: str,
    now: dt.datetime,
    title: str = "",
    urgency: str = Urgency.NORMAL,
    requester_type: str = RequesterType.ENTERPRISE,
    enterprise=None,
    region=None,
    address: str = "",
    latitude=None,
    longitude=None,
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    attachments: Sequence[Upload] = (),
    visit: Visit | None = None,
    external_id: str = "",
    client_key: str = "",
    policy_clause_id: int | None = None,
    policy_clause_title: str = "",
    approval_item: str = "",
    recorded_by=None,
    media_url: str = "",
) -> Appeal:
    """Receive an appeal (受理) from any channel; returns the existing one for a repeated client_key."""
    earlier = _earlier_filing(channel=channel, client_key=client_key, external_id=external_id)
    if earlier is not None:
        return earlier
    if category is None or not category.is_active:
        raise BusinessRuleError("诉求类别不存在或已停用。", code="unknown_category", field="category")
    for field, value in (
        ("title", title),
        ("address", address),
        ("contact_name", contact_name),
        ("contact_phone", contact_phone),
        ("policy_clause_title", policy_clause_title),
        ("approval_item", approval_item),
        ("client_key", client_key),
        ("external_id", external_id),
    ):
        if "\x00" in (value or ""):
            raise BusinessRuleError(
                "提交的内容中含有不允许的控制字符（NUL）。", code="invalid_characters", field=field
            )
    description = _text(
        description, field="description", label="诉求内容", minimum=MIN_DESCRIPTION, maximum=MAX_DESCRIPTION
    )
    if urgency not in Urgency.values:
        raise BusinessRuleError("紧急程度取值无效。", field="urgency")
    if requester_type not in RequesterType.values:
        raise BusinessRuleError("诉求人类型取值无效。", field="requester_type")
    if channel not in Channel.values:
        raise BusinessRuleError("渠道取值无效。", field="channel")
    contact_phone = (contact_phone or "").strip()
    if contact_phone and not PHONE_RE.match(contact_phone):
        raise BusinessRuleError("联系电话格式不正确。", field="contact_phone")
    if not anonymous and not contact_phone and channel in (Channel.PUBLIC_FORM,):
        raise BusinessRuleError("请留下联系电话，或选择匿名提交。", field="contact_phone")
    if by is not None and getattr(by, "role", None) == Role.ENTERPRISE and enterprise is not None:
        from yingshang.enterprises.choices import MembershipStatus

        if not by.enterprise_memberships.filter(
            enterprise=enterprise, status=MembershipStatus.VERIFIED
        ).exists():
            raise BusinessRuleError(
                "您不是该企业的已核验账号，不能以该企业名义提交诉求。",
                code="forged_enterprise",
                field="enterprise",
            )
    if policy_clause_id is not None and not (
        isinstance(policy_clause_id, int) and 0 < policy_clause_id <= MAX_DATABASE_ID
    ):
        raise BusinessRuleError("政策条款编号应为正整数。", field="policy_clause_id")
    latitude = _parse_coordinate(latitude, field="lat", label="纬度", bound=90)
    longitude = _parse_coordinate(longitude, field="long", label="经度", bound=180)
    media_url = _media_url(media_url)
    checked = check_uploads(attachments)
    if region is None and enterprise is not None:
        region = enterprise.region
    title = (title or "").strip()[:100] or description.replace("\n", " ")[:30]
    appeal = Appeal(
        tracking_number=new_tracking_number(now),
        token=secrets.token_hex(16),
        channel=channel,
        requester_type=requester_type,
        enterprise=enterprise,
        category=category,
        kind=category.kind,
        urgency=urgency,
        title=title,
        description=description,
        region=region,
        address=(address or "")[:200],
        latitude=latitude,
        longitude=longitude,
        media_url=media_url,
        contact_name=(contact_name or "").strip()[:50],
        contact_phone=contact_phone,
        anonymous=anonymous,
        submitted_by=by if getattr(by, "pk", None) and getattr(by, "role", "") == Role.ENTERPRISE else None,
        recorded_by=recorded_by
        if recorded_by is not None
        else (by if getattr(by, "pk", None) and getattr(by, "role", "") != Role.ENTERPRISE else None),
        visit=visit,
        external_id=(external_id or "")[:40],
        client_key=(client_key or "")[:64],
        policy_clause_id=policy_clause_id,
        policy_clause_title=(policy_clause_title or "")[:200],
        approval_item=(approval_item or "")[:200],
        status=AppealStatus.RECEIVED,
        received_at=now,
        month=timezone.localtime(now).date().replace(day=1),
    )
    _suggest(appeal)
    # A unique value already taken does not abort the filing's transaction (ON CONFLICT DO NOTHING): find out which.
    for _attempt in range(TRACKING_NUMBER_ATTEMPTS):
        if inserts.insert(appeal, skip_conflicts=True) is not None:
            break
        # Filed meanwhile by a concurrent request (a double tap, a work order imported twice at once)?
        earlier = _earlier_filing(channel=channel, client_key=client_key, external_id=external_id)
        if earlier is not None:
            return earlier
        # The tracking number was taken (8 random digits a day: with 10,000 filings in a day two of them share one
        # about every other day): draw another.
        appeal.tracking_number = new_tracking_number(now)
    else:
        raise ConflictError("诉求编号生成重复，请稍后重新提交。", code="tracking_number_taken")
    _save_attachments(appeal, checked, by=by)
    if appeal.submitted_by_id:  # queued before the audited event: the audit append is the last statement
        _notify_later(appeal.pk, "received")
    _event(
        appeal,
        action=AppealAction.RECEIVE,
        by=by,
        now=now,
        from_status="",
        note=f"渠道：{Channel(channel).label}",
        data={"channel": channel, "category": category.code},
    )
    return appeal


def _suggest(appeal: Appeal) -> None:
    """Fill the suggested category and department (keyword rules first, then the model)."""
    from yingshang.appeals import classifier, selectors

    rules = selectors.category_rules()
    suggestion = classifier.suggest(
        f"{appeal.title} {appeal.description}",
        [(c, k) for c, k, _ in rules],
        known_codes=[c for c, _, _ in rules],
    )
    if suggestion is None:
        category = appeal.category
        appeal.suggestion_source = "category"
    else:
        category = selectors.catalogue().categories.get(suggestion.category_code, appeal.category)
        appeal.suggestion_source = f"{suggestion.source}:{suggestion.evidence}"[:40]
    appeal.suggested_category = category
    appeal.suggested_department_id = selectors.route_department_id(
        category=category, region=appeal.region, on=timezone.localtime(appeal.received_at).date()
    )


# -- dispatch (派单) -------------------------------------------------------------------------------------


def _check_department(department: Department | None, *, field: str = "department") -> Department:
    if department is None or not department.is_active:
        raise BusinessRuleError("承办单位不存在或已停用。", field=field)
    return department


@transaction.atomic
def dispatch_appeal(
    appeal: Appeal,
    *,
    department: Department,
    by,
    now: dt.datetime,
    co_departments: Sequence[Department] = (),
    note: str = "",
    category: AppealCategory | None = None,
) -> Appeal:
    """Route an appeal (派单) to its main department, optionally with co-handlers, and start its clock."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.DISPATCH)
    new_status = _transition(appeal, AppealAction.DISPATCH)
    _check_department(department)
    before = appeal.status
    if category is not None and category.pk != appeal.category_id:
        appeal.category, appeal.kind = category, category.kind
    appeal.status, appeal.handling_department, appeal.dispatched_at = new_status, department, now
    _start_clock(appeal, now=now)
    appeal.save(
        update_fields=[
            "status",
            "handling_department",
            "dispatched_at",
            "category",
            "kind",
            *CLOCK_FIELDS,
            "updated_at",
        ]
    )
    _add_co_handlers(appeal, co_departments, now=now)
    _event(
        appeal,
        action=AppealAction.DISPATCH,
        by=by,
        now=now,
        from_status=before,
        note=note,
        data={
            "department": department.name,
            "co_departments": [d.name for d in co_departments],
            "sign_due_at": appeal.sign_due_at.isoformat(),
            "due_at": appeal.due_at.isoformat(),
        },
    )
    _notify_later(appeal.pk, "dispatched")
    return appeal


def _add_co_handlers(appeal: Appeal, departments: Sequence[Department], *, now: dt.datetime) -> None:
    for department in departments:
        if department.pk == appeal.handling_department_id:
            continue
        AppealCoHandler.objects.get_or_create(
            appeal=appeal, department=department, defaults={"added_at": now}
        )


@transaction.atomic
def add_co_handlers(appeal: Appeal, *, departments: Sequence[Department], by, now: dt.datetime) -> Appeal:
    """Add co-handling departments (协办) to an appeal already dispatched."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.ADD_CO_HANDLER)
    _transition(appeal, AppealAction.ADD_CO_HANDLER)
    if not departments:
        raise BusinessRuleError("请选择协办单位。", field="co_departments")
    _add_co_handlers(appeal, departments, now=now)
    _event(
        appeal,
        action=AppealAction.ADD_CO_HANDLER,
        by=by,
        now=now,
        from_status=appeal.status,
        data={"co_departments": [d.name for d in departments]},
    )
    return appeal


@transaction.atomic
def refuse_appeal(appeal: Appeal, *, kind: str, reason: str, by, now: dt.datetime) -> Appeal:
    """Refuse an appeal outside the scope rules (不予受理), with a reason; counted separately."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.REFUSE)
    new_status = _transition(appeal, AppealAction.REFUSE)
    if kind not in RefusalKind.values:
        raise BusinessRuleError("请选择不予受理的类型。", field="kind")
    reason = _text(reason, field="reason", label="不予受理理由", minimum=4)
    before = appeal.status
    appeal.status, appeal.refusal_kind, appeal.refusal_reason, appeal.closed_at = (
        new_status,
        kind,
        reason,
        now,
    )
    appeal.save(update_fields=["status", "refusal_kind", "refusal_reason", "closed_at", "updated_at"])
    _event(
        appeal,
        action=AppealAction.REFUSE,
        by=by,
        now=now,
        from_status=before,
        note=reason,
        data={"kind": kind, "kind_label": RefusalKind(kind).label},
    )
    _notify_later(appeal.pk, "refused")
    return appeal


@transaction.atomic
def merge_appeal(appeal: Appeal, *, into: Appeal, by, now: dt.datetime, note: str = "") -> Appeal:
    """Merge a duplicate into an earlier appeal (并单); the link is kept in both directions."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.MERGE)
    new_status = _transition(appeal, AppealAction.MERGE)
    if into.pk == appeal.pk:
        raise BusinessRuleError("不能与自身并单。", field="into")
    if into.status in workflow.TERMINAL or into.duplicate_of_id:
        raise BusinessRuleError(
            f"诉求 {into.tracking_number} 已结束或已被并单，不能作为主诉求。", field="into"
        )
    if not _in_scope(by, into):
        raise BusinessRuleError("主诉求不存在或您无权查看。", field="into")
    before = appeal.status
    appeal.status, appeal.duplicate_of, appeal.closed_at, appeal.next_escalation_at = (
        new_status,
        into,
        now,
        None,
    )
    appeal.save(update_fields=["status", "duplicate_of", "closed_at", "next_escalation_at", "updated_at"])
    AppealLink.objects.get_or_create(
        appeal=appeal, other=into, defaults={"kind": "primary", "created_at": now}
    )
    AppealLink.objects.get_or_create(
        appeal=into, other=appeal, defaults={"kind": "duplicate", "created_at": now}
    )
    _event(
        appeal,
        action=AppealAction.MERGE,
        by=by,
        now=now,
        from_status=before,
        note=note,
        data={"into": into.tracking_number},
    )
    AppealEvent.objects.create(
        appeal=into,
        at=now,
        actor=by,
        actor_label=_actor_label(by),
        action="merged_in",
        from_status=into.status,
        to_status=into.status,
        note=f"并入重复诉求 {appeal.tracking_number}",
    )
    return appeal


# -- handling (签收 / 退单 / 改派 / 先行联系 / 暂停) ---------------------------------------------------------


@transaction.atomic
def sign_appeal(appeal: Appeal, *, by, now: dt.datetime) -> Appeal:
    """Sign for a dispatched appeal (签收): the unit accepts it."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.SIGN)
    new_status = _transition(appeal, AppealAction.SIGN)
    before = appeal.status
    appeal.status, appeal.signed_at = new_status, now
    appeal.signed_in_time = appeal.sign_due_at is None or now <= appeal.sign_due_at
    appeal.save(update_fields=["status", "signed_at", "signed_in_time", "updated_at"])
    _event(
        appeal,
        action=AppealAction.SIGN,
        by=by,
        now=now,
        from_status=before,
        data={"in_time": appeal.signed_in_time},
    )
    return appeal


@transaction.atomic
def dispute_appeal(appeal: Appeal, *, reason: str, by, now: dt.datetime) -> Appeal:
    """Send a dispatch back (退单/派单异议) with a reason, within the dispute window."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.DISPUTE)
    new_status = _transition(appeal, AppealAction.DISPUTE)
    reason = _text(reason, field="reason", label="退单理由", minimum=4)
    if not sla.dispute_allowed(dispatched_at=appeal.dispatched_at, now=now, calendar=_calendar()):
        raise BusinessRuleError(
            f"已超过退单时限（派单后 {sla.DISPUTE_WINDOW_HOURS} 个工作小时内），请先签收办理，"
            "确需改派请联系派单员。",
            code="dispute_window_passed",
            field="reason",
        )
    before = appeal.status
    appeal.status = new_status
    appeal.dispute_count += 1
    appeal.save(update_fields=["status", "dispute_count", "updated_at"])
    _event(appeal, action=AppealAction.DISPUTE, by=by, now=now, from_status=before, note=reason)
    _notify_later(appeal.pk, "disputed")
    return appeal


@transaction.atomic
def redispatch_appeal(
    appeal: Appeal, *, department: Department, by, now: dt.datetime, note: str = ""
) -> Appeal:
    """Route an appeal to another department (改派); the new unit's clock starts now."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.REDISPATCH)
    new_status = _transition(appeal, AppealAction.REDISPATCH)
    _check_department(department)
    note = _text(note, field="note", label="改派说明", minimum=2)
    before, previous = appeal.status, appeal.handling_department
    if previous is not None and previous.pk == department.pk:
        raise BusinessRuleError("改派的单位与当前承办单位相同。", field="department")
    appeal.status, appeal.handling_department, appeal.dispatched_at = new_status, department, now
    appeal.signed_at = appeal.contacted_at = None
    appeal.signed_in_time = appeal.contacted_in_time = None
    appeal.redispatch_count += 1
    _start_clock(appeal, now=now)
    appeal.save(
        update_fields=[
            "status",
            "handling_department",
            "dispatched_at",
            "signed_at",
            "contacted_at",
            "signed_in_time",
            "contacted_in_time",
            "redispatch_count",
            *CLOCK_FIELDS,
            "updated_at",
        ]
    )
    _event(
        appeal,
        action=AppealAction.REDISPATCH,
        by=by,
        now=now,
        from_status=before,
        note=note,
        data={"from": previous.name if previous else "", "to": department.name},
    )
    _notify_later(appeal.pk, "dispatched")
    return appeal


@transaction.atomic
def reject_dispute(appeal: Appeal, *, reason: str, by, now: dt.datetime) -> Appeal:
    """Refuse a unit's dispute (驳回退单): the appeal goes back to the same unit."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.REJECT_DISPUTE)
    new_status = _transition(appeal, AppealAction.REJECT_DISPUTE)
    reason = _text(reason, field="reason", label="驳回理由", minimum=4)
    before = appeal.status
    appeal.status = new_status
    appeal.save(update_fields=["status", "updated_at"])
    _event(appeal, action=AppealAction.REJECT_DISPUTE, by=by, now=now, from_status=before, note=reason)
    _notify_later(appeal.pk, "dispatched")
    return appeal


@transaction.atomic
def contact_requester(appeal: Appeal, *, note: str, by, now: dt.datetime) -> Appeal:
    """Record the first contact with the requester (先行联系); handling starts."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.CONTACT)
    new_status = _transition(appeal, AppealAction.CONTACT)
    note = _text(note, field="note", label="联系情况", minimum=4)
    before = appeal.status
    appeal.status, appeal.contacted_at = new_status, now
    appeal.contacted_in_time = appeal.contact_due_at is None or now <= appeal.contact_due_at
    appeal.save(update_fields=["status", "contacted_at", "contacted_in_time", "updated_at"])
    _event(
        appeal,
        action=AppealAction.CONTACT,
        by=by,
        now=now,
        from_status=before,
        note=note,
        data={"in_time": appeal.contacted_in_time},
    )
    return appeal


@transaction.atomic
def pause_appeal(appeal: Appeal, *, reason: str, by, now: dt.datetime) -> Appeal:
    """Stop the clock while waiting for the enterprise (等待企业补充材料)."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.PAUSE)
    new_status = _transition(appeal, AppealAction.PAUSE)
    reason = _text(reason, field="reason", label="暂停原因", minimum=4)
    before = appeal.status
    appeal.status, appeal.paused_at = new_status, now
    appeal.save(update_fields=["status", "paused_at", "updated_at"])
    _event(appeal, action=AppealAction.PAUSE, by=by, now=now, from_status=before, note=reason)
    _notify_later(appeal.pk, "paused")
    return appeal


@transaction.atomic
def resume_appeal(appeal: Appeal, *, by, now: dt.datetime, note: str = "") -> Appeal:
    """Restart the clock; the deadline moves by the office time spent paused."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.RESUME)
    new_status = _transition(appeal, AppealAction.RESUME)
    calendar = _calendar()
    before = appeal.status
    new_due, paused = sla.shift_for_pause(
        appeal.due_at, paused_at=appeal.paused_at, resumed_at=now, calendar=calendar
    )
    appeal.status, appeal.due_at, appeal.paused_at = new_status, new_due, None
    appeal.paused_seconds += int(paused)
    appeal.next_escalation_at = sla.next_escalation_at(
        level=appeal.escalation_level, start=appeal.dispatched_at, due=new_due, calendar=calendar
    )
    appeal.save(
        update_fields=["status", "due_at", "paused_at", "paused_seconds", "next_escalation_at", "updated_at"]
    )
    _event(
        appeal,
        action=AppealAction.RESUME,
        by=by,
        now=now,
        from_status=before,
        note=note,
        data={"paused_working_seconds": int(paused), "due_at": new_due.isoformat()},
    )
    return appeal


# -- extension (延期) ------------------------------------------------------------------------------------


@transaction.atomic
def request_extension(appeal: Appeal, *, days: int, reason: str, by, now: dt.datetime) -> ExtensionRequest:
    """Ask for more time (延期申请) before the deadline; bounded in number and length."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.REQUEST_EXTENSION)
    _transition(appeal, AppealAction.REQUEST_EXTENSION)
    reason = _text(reason, field="reason", label="延期理由", minimum=4)
    if appeal.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ConflictError("已有待审批的延期申请。", field="days")
    problem = sla.check_extension(
        now=now,
        due=appeal.due_at,
        days=int(days),
        approved_days=appeal.extension_days,
        approved_count=appeal.extension_count,
    )
    if problem:
        raise BusinessRuleError(problem, code="extension_not_allowed", field="days")
    request = ExtensionRequest.objects.create(
        appeal=appeal, days=int(days), reason=reason, requested_by=by, requested_at=now
    )
    _event(
        appeal,
        action=AppealAction.REQUEST_EXTENSION,
        by=by,
        now=now,
        from_status=appeal.status,
        note=reason,
        data={"days": int(days), "extension_id": request.pk},
    )
    _notify_later(appeal.pk, "extension_requested")
    return request


@transaction.atomic
def decide_extension(
    request: ExtensionRequest, *, approve: bool, by, now: dt.datetime, note: str = ""
) -> Appeal:
    """Approve (the deadline moves) or reject an extension request."""
    appeal = _lock(request.appeal)
    action = AppealAction.APPROVE_EXTENSION if approve else AppealAction.REJECT_EXTENSION
    _require_actor(by, appeal, action)
    _transition(appeal, action)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExtensionStatus.PENDING:
        raise ConflictError("该延期申请已审批。")
    if by is not None and request.requested_by_id == by.pk:
        raise PermissionDenied("不能审批自己提出的延期申请。")
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = by, now, (note or "")[:300]
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    data = {"days": request.days}
    if approve:
        calendar = _calendar()
        appeal.due_at = sla.extend(appeal.due_at, days=request.days, calendar=calendar)
        appeal.extension_days += request.days
        appeal.extension_count += 1
        appeal.next_escalation_at = sla.next_escalation_at(
            level=min(appeal.escalation_level, 1),
            start=appeal.dispatched_at,
            due=appeal.due_at,
            calendar=calendar,
        )
        appeal.save(
            update_fields=["due_at", "extension_days", "extension_count", "next_escalation_at", "updated_at"]
        )
        data["due_at"] = appeal.due_at.isoformat()
    _event(appeal, action=action, by=by, now=now, from_status=appeal.status, note=note, data=data)
    return appeal


# -- reply, rating, revisit, closure (答复 / 评价 / 回访 / 办结 / 销号) ----------------------------------------


@transaction.atomic
def reply_appeal(
    appeal: Appeal, *, text: str, by, now: dt.datetime, attachments: Sequence[Upload] = ()
) -> Appeal:
    """Give the requester the unit's answer (答复); the appeal then waits for a rating or revisit."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.REPLY)
    new_status = _transition(appeal, AppealAction.REPLY)
    text = _text(text, field="text", label="答复内容", minimum=10, maximum=MAX_DESCRIPTION)
    checked = check_uploads(attachments)
    before = appeal.status
    appeal.status, appeal.reply_text, appeal.replied_at, appeal.next_escalation_at = (
        new_status,
        text,
        now,
        None,
    )
    appeal.replied_in_time = appeal.due_at is None or now <= appeal.due_at
    appeal.save(
        update_fields=[
            "status",
            "reply_text",
            "replied_at",
            "replied_in_time",
            "next_escalation_at",
            "updated_at",
        ]
    )
    _save_attachments(appeal, checked, by=by, purpose="reply")
    _event(
        appeal,
        action=AppealAction.REPLY,
        by=by,
        now=now,
        from_status=before,
        note=text,
        data={"in_time": appeal.replied_in_time},
    )
    _notify_later(appeal.pk, "replied")
    return appeal


def _check_rating(level, resolution: str) -> int:
    try:
        level = int(level)
    except (TypeError, ValueError) as exc:
        raise BusinessRuleError("请选择满意度。", field="level") from exc
    if level not in SatisfactionLevel.values:
        raise BusinessRuleError("满意度应为 1–5 级。", field="level")
    if resolution not in Resolution.values:
        raise BusinessRuleError("请选择问题是否解决。", field="resolution")
    return level


def _close_or_reopen(
    appeal: Appeal, *, action: str, rating: Rating, by, now: dt.datetime, note: str
) -> Appeal:
    """Close on a rating/revisit, or reopen (重办) when unresolved or dissatisfied because of the unit."""
    before = appeal.status
    appeal.rating_level, appeal.resolution = rating.level, rating.resolution
    fields = ["rating_level", "resolution", "updated_at"]
    unit_failed = rating.caused_by_unit and (
        rating.resolution == Resolution.UNRESOLVED or rating.level <= SatisfactionLevel.DISSATISFIED
    )
    if unit_failed:
        appeal.status = _transition(appeal, AppealAction.REOPEN)
        appeal.reopen_count += 1
        appeal.replied_at = None
        appeal.closed_at = None
        calendar = _calendar()
        rule = rule_for(appeal, now=now)
        limits = sla.deadlines(start=now, rule=rule, calendar=calendar)
        appeal.due_at = limits.reply_due
        appeal.escalation_level = 0
        appeal.next_escalation_at = sla.next_escalation_at(
            level=0, start=now, due=limits.reply_due, calendar=calendar
        )
        fields += [
            "status",
            "reopen_count",
            "replied_at",
            "closed_at",
            "due_at",
            "escalation_level",
            "next_escalation_at",
        ]
        appeal.save(update_fields=fields)
        _event(
            appeal,
            action=action,
            by=by,
            now=now,
            from_status=before,
            note=note,
            data={"level": rating.level, "resolution": rating.resolution},
        )
        _event(
            appeal,
            action=AppealAction.REOPEN,
            by=by,
            now=now,
            from_status=before,
            note="诉求人反映问题未解决且原因在承办单位，重新办理",
            data={"due_at": appeal.due_at.isoformat()},
        )
        _notify_later(appeal.pk, "reopened")
        return appeal
    appeal.status = _transition(appeal, action)
    if before != AppealStatus.CLOSED:
        appeal.closed_at = now
    fields += ["status", "closed_at"]
    appeal.save(update_fields=fields)
    _event(
        appeal,
        action=action,
        by=by,
        now=now,
        from_status=before,
        note=note,
        data={"level": rating.level, "resolution": rating.resolution},
    )
    return appeal


@transaction.atomic
def rate_appeal(
    appeal: Appeal,
    *,
    level,
    resolution: str,
    by,
    now: dt.datetime,
    comment: str = "",
    contacted: bool | None = None,
    caused_by_unit: bool = False,
    via_token: bool = False,
) -> Appeal:
    """The requester rates the reply (好差评): closes the appeal, or reopens it when the unit left it unsolved."""
    appeal = _lock(appeal)
    if not via_token:
        _require_actor(by, appeal, AppealAction.RATE)
    _transition(appeal, AppealAction.RATE)
    level = _check_rating(level, resolution)
    rating = Rating.objects.create(
        appeal=appeal,
        source=RatingSource.REQUESTER,
        level=level,
        resolution=resolution,
        contacted=contacted,
        caused_by_unit=caused_by_unit,
        comment=(comment or "")[:500],
        rated_by=by if getattr(by, "pk", None) else None,
        at=now,
    )
    return _close_or_reopen(
        appeal, action=AppealAction.RATE, rating=rating, by=by, now=now, note=comment or ""
    )


@transaction.atomic
def revisit_appeal(
    appeal: Appeal,
    *,
    channel: str,
    reached: bool,
    by,
    now: dt.datetime,
    level=None,
    resolution: str = "",
    note: str = "",
    contacted: bool | None = None,
    caused_by_unit: bool = False,
) -> Appeal:
    """An independent revisit (回访): records the answers; closes or reopens like a rating when reached."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.REVISIT)
    if appeal.status not in (AppealStatus.REPLIED, AppealStatus.CLOSED):
        _transition(appeal, AppealAction.REVISIT)
    if channel not in RevisitChannel.values:
        raise BusinessRuleError("请选择回访方式。", field="channel")
    revisit = Revisit.objects.create(
        appeal=appeal, by=by, channel=channel, reached=reached, note=(note or "")[:500], at=now
    )
    if not reached:
        _event(
            appeal,
            action=AppealAction.REVISIT,
            by=by,
            now=now,
            from_status=appeal.status,
            note=f"未联系上诉求人。{note}",
            data={"reached": False},
        )
        return appeal
    level = _check_rating(level, resolution)
    rating = Rating.objects.create(
        appeal=appeal,
        source=RatingSource.REVISIT,
        revisit=revisit,
        level=level,
        resolution=resolution,
        contacted=contacted,
        caused_by_unit=caused_by_unit,
        comment=(note or "")[:500],
        rated_by=by,
        at=now,
    )
    appeal.revisited = True
    appeal.save(update_fields=["revisited", "updated_at"])
    if appeal.status == AppealStatus.CLOSED and not (
        caused_by_unit and (resolution == Resolution.UNRESOLVED or level <= SatisfactionLevel.DISSATISFIED)
    ):
        appeal.rating_level, appeal.resolution = level, resolution
        appeal.save(update_fields=["rating_level", "resolution", "updated_at"])
        _event(
            appeal,
            action=AppealAction.REVISIT,
            by=by,
            now=now,
            from_status=appeal.status,
            note=note,
            data={"level": level, "resolution": resolution},
        )
        return appeal
    return _close_or_reopen(appeal, action=AppealAction.REVISIT, rating=rating, by=by, now=now, note=note)


@transaction.atomic
def archive_appeal(
    appeal: Appeal, *, evidence: str, by, now: dt.datetime, attachments: Sequence[Upload] = ()
) -> Appeal:
    """Strike the appeal off the ledger (台账销号): needs evidence and a leader's sign-off."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.ARCHIVE)
    new_status = _transition(appeal, AppealAction.ARCHIVE)
    evidence = _text(evidence, field="evidence", label="销号依据", minimum=6, maximum=2000)
    checked = check_uploads(attachments)
    before = appeal.status
    appeal.status, appeal.archive_evidence, appeal.archived_by, appeal.archived_at = (
        new_status,
        evidence,
        by,
        now,
    )
    appeal.save(update_fields=["status", "archive_evidence", "archived_by", "archived_at", "updated_at"])
    _save_attachments(appeal, checked, by=by, purpose="evidence")
    _event(appeal, action=AppealAction.ARCHIVE, by=by, now=now, from_status=before, note=evidence)
    return appeal


# -- supervision (催办 / 督办 / 通报) ---------------------------------------------------------------------

LADDER = {1: AppealAction.URGE, 2: AppealAction.SUPERVISE, 3: AppealAction.PUBLICIZE}
LADDER_NOTES = {
    1: "办理时限即将届满，请抓紧办理（催办）",
    2: "已超过办理时限，发出督办通知",
    3: f"超期 {sla.PUBLICIZE_AFTER_DAYS} 个工作日仍未办结，予以通报",
}


@transaction.atomic
def urge_appeal(appeal: Appeal, *, note: str, by, now: dt.datetime) -> Appeal:
    """A person urges the unit (人工催办); the automatic ladder is run by sweep_appeals."""
    appeal = _lock(appeal)
    _require_actor(by, appeal, AppealAction.URGE)
    _transition(appeal, AppealAction.URGE)
    note = _text(note, field="note", label="催办意见", minimum=2)
    _event(
        appeal,
        action=AppealAction.URGE,
        by=by,
        now=now,
        from_status=appeal.status,
        note=note,
        data={"manual": True},
    )
    _notify_later(appeal.pk, "urged")
    return appeal


SWEEP_STATUSES = (AppealStatus.DISPATCHED, AppealStatus.SIGNED, AppealStatus.HANDLING)


def sweep_appeals(*, now: dt.datetime, batch: int = 500) -> dict[str, int]:
    """Raise reminders and escalations that have fallen due; safe to run twice or concurrently.

    1. Sign reminders: dispatched appeals past sign_due_at, claimed with UPDATE … WHERE sign_reminded_at IS NULL.
    2. The ladder: appeals whose next_escalation_at has passed, claimed with UPDATE … WHERE escalation_level = k;
       only the run whose UPDATE changed the row writes the event and sends the notices.
    """
    calendar = _calendar()
    counts = {"sign_reminders": 0, "escalations": 0}
    late_signs = list(
        Appeal.objects.filter(
            status=AppealStatus.DISPATCHED, sign_due_at__lte=now, sign_reminded_at__isnull=True
        ).values_list("pk", flat=True)[:batch]
    )
    for pk in late_signs:
        with transaction.atomic():
            if (
                Appeal.objects.filter(
                    pk=pk, status=AppealStatus.DISPATCHED, sign_reminded_at__isnull=True
                ).update(sign_reminded_at=now)
                != 1
            ):
                continue
            appeal = Appeal.objects.select_related("handling_department", "region").get(pk=pk)
            _event(
                appeal,
                action=AppealAction.URGE,
                by=None,
                now=now,
                from_status=appeal.status,
                note="超过签收时限仍未签收（自动提醒）",
                data={"sign_due_at": appeal.sign_due_at.isoformat()},
            )
            _notify_later(pk, "sign_overdue")
            counts["sign_reminders"] += 1
    due = list(
        Appeal.objects.filter(status__in=SWEEP_STATUSES, next_escalation_at__lte=now).values_list(
            "pk", "escalation_level", "dispatched_at", "due_at"
        )[:batch]
    )
    for pk, level, start, due_at in due:
        target = sla.target_escalation(now=now, start=start, due=due_at, calendar=calendar)
        if target <= level:
            continue
        following = sla.next_escalation_at(level=target, start=start, due=due_at, calendar=calendar)
        with transaction.atomic():
            claimed = Appeal.objects.filter(pk=pk, escalation_level=level, status__in=SWEEP_STATUSES).update(
                escalation_level=target, next_escalation_at=following
            )
            if claimed != 1:
                continue  # another sweeper (or a person) got there first
            appeal = Appeal.objects.select_related("handling_department", "region").get(pk=pk)
            _event(
                appeal,
                action=LADDER[target],
                by=None,
                now=now,
                from_status=appeal.status,
                note=LADDER_NOTES[target],
                data={"level": target, "due_at": due_at.isoformat()},
            )
            _notify_later(pk, LADDER[target])
            counts["escalations"] += 1
    return counts


# -- visits (千企问需 / 体验官) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitItem:
    """One problem found in a visit, to become one appeal."""

    category: AppealCategory | None
    description: str
    urgency: str = Urgency.NORMAL


@transaction.atomic
def record_visit(
    *,
    by,
    kind: str,
    title: str,
    visited_on: dt.date,
    items: Sequence[VisitItem],
    now: dt.datetime,
    enterprise=None,
    region=None,
    place: str = "",
    summary: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Visit:
    """Record a 千企问需 visit or 体验官 activity and file one appeal per problem found."""
    if not (by.can("appeal.record_visit")):
        raise PermissionDenied("您没有登记走访或体验活动的权限。")
    title = _text(title, field="title", label="活动名称", minimum=2, maximum=100)
    if not items:
        raise BusinessRuleError("请至少登记一个发现的问题。", field="items")
    visit = Visit.objects.create(
        kind=kind,
        title=title,
        enterprise=enterprise,
        region=region or (enterprise.region if enterprise else None),
        visited_on=visited_on,
        place=(place or "")[:200],
        summary=summary or "",
        recorded_by=by,
    )
    channel = (
        Channel.EXPERIENCE_OFFICER
        if by.role == Role.EXPERIENCE_OFFICER
        else (Channel.MONITORING_STATION if kind == "station" else Channel.VISIT)
    )
    for number, item in enumerate(items, start=1):
        try:
            file_appeal(
                by=by,
                channel=channel,
                category=item.category,
                description=item.description,
                now=now,
                urgency=item.urgency,
                enterprise=enterprise,
                region=visit.region,
                contact_name=contact_name,
                contact_phone=contact_phone,
                visit=visit,
                recorded_by=by,
                requester_type=RequesterType.ENTERPRISE if enterprise else RequesterType.INDIVIDUAL,
            )
        except BusinessRuleError as exc:
            raise BusinessRuleError(
                f"第 {number} 个问题：{exc.message}", code=exc.code, field=f"items.{number}.{exc.field or ''}"
            ) from exc
    record_change(
        actor=by, action="appeal.visit.record", obj=visit, after={"appeals": len(items), "kind": kind}
    )
    return visit


# -- statistics ----------------------------------------------------------------------------------------


@transaction.atomic
def refresh_monthly_stats(month: dt.date, *, now: dt.datetime) -> int:
    """Recompute one month of AppealMonthlyStat from the appeals (idempotent); returns the rows written."""
    from yingshang.appeals.metrics import COUNT_FIELDS
    from yingshang.appeals.models import AppealMonthlyStat
    from yingshang.appeals.selectors import live_monthly_rows

    rows = live_monthly_rows(month, now=now)
    AppealMonthlyStat.objects.filter(month=month).delete()
    AppealMonthlyStat.objects.bulk_create(
        [
            AppealMonthlyStat(
                month=month,
                department_id=row["handling_department"],
                region_id=row["region"],
                requester_type=row["requester_type"],
                computed_at=now,
                **{name: row[name] for name in COUNT_FIELDS},
            )
            for row in rows
        ]
    )
    return len(rows)


# -- reference data -----------------------------------------------------------------------------------


@transaction.atomic
def load_appeal_catalogue() -> dict[str, int]:
    """Create the default categories and SLA rules (idempotent: existing rows, possibly edited, are kept)."""
    from yingshang.appeals.catalogue import CATEGORIES, SLA_RULES
    from yingshang.appeals.selectors import clear_catalogue

    created = 0
    for order, spec in enumerate(CATEGORIES):
        _, new = AppealCategory.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "group": spec.group,
                "function_key": spec.function_key,
                "keywords": list(spec.keywords),
                "description": spec.description,
                "sort_order": order,
            },
        )
        created += new
    rules = 0
    if not SlaRule.objects.exists():
        for kind, urgency, requester, sign, contact, days, hours, note in SLA_RULES:
            SlaRule.objects.create(
                kind=kind,
                urgency=urgency,
                requester_type=requester,
                sign_hours=Decimal(str(sign)),
                contact_hours=Decimal(str(contact)),
                reply_days=Decimal(str(days)),
                reply_hours=Decimal(str(hours)) if hours else None,
                note=note,
            )
            rules += 1
    clear_catalogue()
    return {"categories": created, "sla_rules": rules}


# -- 12345 work orders (工单导入与推送) ------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str]
    duplicates: list[str]
    rejected: list[dict]

    @property
    def summary(self) -> str:
        return (
            f"新增 {len(self.created)} 件，重复工单 {len(self.duplicates)} 件，有误 {len(self.rejected)} 行"
        )


MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 5000  # the import runs in the request: a bounded file keeps it within the request timeout


def import_work_orders(*, data: bytes, filename: str, by, now: dt.datetime) -> ImportReport:
    """Import a 12345 work-order sheet: one appeal per good row (each row atomic), a reason per bad field."""
    from yingshang.appeals import importing
    from yingshang.core.models import Region
    from yingshang.enterprises.models import Enterprise
    from yingshang.enterprises.spreadsheets import read_table

    if not by.can("appeal.import"):
        raise PermissionDenied("您没有导入 12345 工单的权限。")
    table = read_table(data, filename, max_bytes=MAX_IMPORT_BYTES)
    mapping, missing = importing.map_headers(table.headers)
    if missing:
        raise InvalidUpload(f"表头缺少必填列：{'、'.join(missing)}。请使用导入模板。", code="missing_columns")
    if len(table.rows) > MAX_IMPORT_ROWS:
        raise InvalidUpload(
            f"一次最多导入 {MAX_IMPORT_ROWS} 行工单，本文件有 {len(table.rows)} 行，请分批导入。",
            code="too_many_rows",
        )
    categories_by_key = {}
    categories = {}
    for category in AppealCategory.objects.filter(is_active=True):
        categories_by_key[category.code] = category
        categories[category.code] = categories[category.name] = category.code
    regions = {r.name: r.code for r in Region.objects.exclude(kind="city")}
    regions_by_code = {r.code: r for r in Region.objects.exclude(kind="city")}
    report = ImportReport(created=[], duplicates=[], rejected=[])
    for offset, raw in enumerate(table.rows):
        number = offset + 2
        parsed = importing.parse_row(
            number, raw, mapping, categories=categories, regions=regions, default_time=now
        )
        if parsed.errors:
            report.rejected.extend(
                {"row": number, "field": f, "value": v, "reason": r} for f, v, r in parsed.errors
            )
            continue
        values = parsed.values
        enterprise = None
        if values.get("credit_code"):
            enterprise = Enterprise.objects.filter(credit_code=values["credit_code"].upper()).first()
        try:
            appeal = file_appeal(
                by=by,
                channel=Channel.HOTLINE_12345,
                category=categories_by_key[values["category"]],
                description=values["description"],
                now=values["received_at"],
                urgency=values["urgency"],
                enterprise=enterprise,
                region=regions_by_code.get(values["region"]) if values["region"] else None,
                address=values.get("address", ""),
                contact_name=values.get("contact_name", ""),
                contact_phone=values.get("contact_phone", ""),
                external_id=values["external_id"],
                requester_type=RequesterType.ENTERPRISE
                if (enterprise or values.get("enterprise_name"))
                else RequesterType.INDIVIDUAL,
            )
        except ConflictError:
            report.duplicates.append(values["external_id"])
        except BusinessRuleError as exc:
            report.rejected.append(
                {"row": number, "field": exc.field or "", "value": "", "reason": exc.message}
            )
        else:
            report.created.append(appeal.tracking_number)
    record_change(
        actor=by,
        action="appeal.import_work_orders",
        object_type="appeals.import",
        object_id=filename[:60],
        after={
            "created": len(report.created),
            "duplicates": len(report.duplicates),
            "rejected": len(report.rejected),
        },
    )
    return report


@transaction.atomic
def issue_open311_key(*, name: str, by=None) -> str:
    """Create an Open311 api_key for a client system; returns the key (shown once, stored as a hash)."""
    from yingshang.appeals.models import Open311Client

    name = (name or "").strip()
    if not name:
        raise BusinessRuleError("请填写接入系统名称。", field="name")
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(
        name=name[:100], key_hash=hashlib.sha256(key.encode()).hexdigest(), key_prefix=key[:8]
    )
    record_change(actor=by, action="appeal.open311_key", obj=client, after={"name": client.name})
    return key


@transaction.atomic
def file_appeal_from_survey(*, enterprise, text: str, source: str, now: dt.datetime) -> Appeal | None:
    """A dissatisfied 满意度调查 answer becomes an appeal (诉求), so it enters the closed loop like any other.

    Filed on the monitoring channel under the category configured for general matters (the first active
    category of kind 投诉 or, failing that, any active one); `source` keeps the link back to the answer and
    makes a repeat idempotent. Returns None when no category is configured yet (the answer then stays on the
    survey page for manual follow-up).
    """
    category = (
        AppealCategory.objects.filter(is_active=True, kind=AppealKind.COMPLAINT)
        .order_by("sort_order")
        .first()
        or AppealCategory.objects.filter(is_active=True).order_by("sort_order").first()
    )
    if category is None:
        return None
    existing = Appeal.objects.filter(channel=Channel.MONITORING_STATION, external_id=source[:40]).first()
    if existing is not None:
        return existing
    return file_appeal(
        by=None,
        channel=Channel.MONITORING_STATION,
        category=category,
        description=text,
        now=now,
        enterprise=enterprise,
        title="满意度调查中的不满意意见",
        external_id=source[:40],
        requester_type=RequesterType.ENTERPRISE,
    )


# -- city configuration (类别与时限规则) ------------------------------------------------------------------------

SLA_BOUNDS = {
    "sign_hours": ("签收时限", Decimal("0.5"), Decimal("72")),
    "contact_hours": ("先行联系时限", Decimal("0.5"), Decimal("240")),
    "reply_days": ("答复时限", Decimal("0.5"), Decimal("60")),
    "reply_hours": ("紧急诉求答复时限", Decimal("0.5"), Decimal("240")),
}


def _require_configure(by) -> None:
    if by is None or not by.can("appeal.configure"):
        raise PermissionDenied("只有市营商管理员可以修改诉求类别和时限规则。")


@transaction.atomic
def update_category(
    category: AppealCategory,
    *,
    by,
    name: str,
    description: str,
    keywords: Sequence[str],
    function_key: str,
    is_active: bool,
) -> AppealCategory:
    """Edit a category (诉求类别): name, keywords for the dispatch suggestion, default handling function, on/off."""
    from yingshang.appeals.selectors import clear_catalogue

    _require_configure(by)
    category = AppealCategory.objects.select_for_update().get(pk=category.pk)
    name = _text(name, field="name", label="类别名称", minimum=2, maximum=60)
    description = (description or "").strip()
    if len(description) > 300 or "\x00" in description:
        raise BusinessRuleError("说明不超过 300 字，且不能含控制字符。", field="description")
    keywords = [k.strip() for k in keywords if k.strip()]
    if len(keywords) > 50 or any(len(k) > 20 or "\x00" in k for k in keywords):
        raise BusinessRuleError("关键词最多 50 个，每个不超过 20 字。", field="keywords")
    if not Department.objects.filter(function_key=function_key, is_active=True).exists():
        raise BusinessRuleError(f"承办职能“{function_key}”没有对应的在用部门。", field="function_key")
    if (
        not is_active
        and category.is_active
        and not AppealCategory.objects.filter(is_active=True).exclude(pk=category.pk).exists()
    ):
        raise BusinessRuleError("至少要保留一个启用的诉求类别。", field="is_active")
    fields = ("name", "description", "keywords", "function_key", "is_active")
    before = {f: getattr(category, f) for f in fields}
    category.name, category.description, category.keywords = name, description, keywords
    category.function_key, category.is_active = function_key, is_active
    category.save(update_fields=list(fields))
    after = {f: getattr(category, f) for f in fields}
    record_change(actor=by, action="appeal.category.update", obj=category, before=before, after=after)
    transaction.on_commit(clear_catalogue)
    return category


@transaction.atomic
def publish_sla_rule(
    *, by, values: dict, effective_from: dt.date, now: dt.datetime, replaces: SlaRule | None = None
) -> SlaRule:
    """Publish a time-limit rule (时限规则), or a new version of one from `effective_from` (the old version ends the
    day before). Appeals already dispatched keep the deadlines they were given."""
    _require_configure(by)
    today = timezone.localdate(now)
    if effective_from < today:
        raise BusinessRuleError(
            "生效日期不能早于今天：已派单的诉求按派单当日的规则计时。", field="effective_from"
        )
    for field, (label, low, high) in SLA_BOUNDS.items():
        value = values.get(field)
        if value is None and field == "reply_hours":
            continue
        if value is None or not (low <= Decimal(value) <= high):
            raise BusinessRuleError(f"{label}应在 {low:g} 到 {high:g} 之间。", field=field)
    if values.get("urgency") == Urgency.URGENT and values.get("reply_hours") is None:
        raise BusinessRuleError("紧急诉求的规则须填写答复时限（工作小时）。", field="reply_hours")
    if values["sign_hours"] > values["contact_hours"]:
        raise BusinessRuleError("签收时限不能长于先行联系时限。", field="sign_hours")
    key = {f: values.get(f) or "" for f in ("kind", "urgency", "requester_type")}
    category = values.get("category")
    before = None
    if replaces is not None:
        replaces = SlaRule.objects.select_for_update().get(pk=replaces.pk)
        if replaces.effective_until is not None and replaces.effective_until < today:
            raise BusinessRuleError("该规则版本已失效，请修改当前版本。", field="replaces")
        if effective_from <= replaces.effective_from:
            raise BusinessRuleError(
                f"新版本须晚于原版本的生效日期（{replaces.effective_from:%Y-%m-%d}）生效。",
                field="effective_from",
            )
        before = {
            "rule": replaces.pk,
            "sign_hours": replaces.sign_hours,
            "contact_hours": replaces.contact_hours,
            "reply_days": replaces.reply_days,
            "reply_hours": replaces.reply_hours,
            "effective_from": replaces.effective_from,
        }
        replaces.effective_until = effective_from - dt.timedelta(days=1)
        replaces.save(update_fields=["effective_until"])
        category, key = (
            replaces.category,
            {"kind": replaces.kind, "urgency": replaces.urgency, "requester_type": replaces.requester_type},
        )
    rule = SlaRule.objects.create(
        category=category,
        **key,
        sign_hours=values["sign_hours"],
        contact_hours=values["contact_hours"],
        reply_days=values["reply_days"],
        reply_hours=values.get("reply_hours"),
        note=(values.get("note") or "")[:200],
        effective_from=effective_from,
        previous=replaces,
    )
    record_change(
        actor=by,
        action="appeal.sla_rule.publish",
        obj=rule,
        before=before,
        after={
            "sign_hours": rule.sign_hours,
            "contact_hours": rule.contact_hours,
            "reply_days": rule.reply_days,
            "reply_hours": rule.reply_hours,
            "effective_from": rule.effective_from,
            "category": category.code if category else "",
            **key,
        },
    )
    return rule


# -- dispatch catalogue (派单目录) ------------------------------------------------------------------------------


def _period(start: dt.date, end: dt.date | None) -> str:
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}" if end else f"{start:%Y-%m-%d} 起长期"


def _route_state(route: DispatchRoute) -> dict:
    return {
        "category": route.category.code,
        "region": route.region.code if route.region_id else "",
        "department": route.department_id,
        "function_key": route.function_key,
        "effective_from": route.effective_from.isoformat(),
        "effective_until": route.effective_until.isoformat() if route.effective_until else None,
    }


@transaction.atomic
def add_dispatch_route(
    *,
    by,
    category: AppealCategory,
    region_code: str,
    department_id: int,
    effective_from: dt.date,
    effective_until: dt.date | None = None,
) -> DispatchRoute:
    """Add a dated line to the dispatch catalogue (派单目录). An open-ended line of the same category and region that
    started earlier ends the day before; any other overlap is refused, so every day has at most one line."""
    from yingshang.appeals.selectors import clear_catalogue
    from yingshang.core.models import Region, RegionKind

    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None or region.kind == RegionKind.CITY or not _in_city(region):
            raise BusinessRuleError(
                f"区划“{region_code}”不在本市范围内（应为本市的县区或开发区代码，全市通用请留空）。",
                field="region",
            )
    department = Department.objects.filter(pk=department_id, is_active=True).select_related("region").first()
    if department is None:
        raise BusinessRuleError(f"承办单位编号 {department_id} 不存在或已撤销。", field="department")
    if region is not None and department.region_id not in {region.pk, region.parent_id, *_city_ids()}:
        raise BusinessRuleError(
            f"承办单位“{department.name}”不属于{region.name}，也不是市直单位，不能承办该区划的诉求。",
            field="department",
        )
    if effective_until is not None and effective_until < effective_from:
        raise BusinessRuleError("失效日期不能早于生效日期。", field="effective_until")
    lines = DispatchRoute.objects.select_for_update().filter(category=category, region=region)
    for line in lines:
        ends_before = line.effective_until is not None and line.effective_until < effective_from
        starts_after = effective_until is not None and line.effective_from > effective_until
        if ends_before or starts_after:
            continue
        if line.effective_until is None and line.effective_from < effective_from:
            before = _route_state(line)
            line.effective_until = effective_from - dt.timedelta(days=1)
            line.save(update_fields=["effective_until"])
            record_change(
                actor=by,
                action="appeal.dispatch_route.close",
                obj=line,
                before=before,
                after=_route_state(line),
            )
            continue
        raise BusinessRuleError(
            f"与已有目录行重叠：{category.name} · {region.name if region else '全市'} → "
            f"{line.department.name if line.department_id else line.function_key}"
            f"（{_period(line.effective_from, line.effective_until)}）。请先调整该行的失效日期。",
            field="effective_from",
        )
    route = DispatchRoute.objects.create(
        category=category,
        region=region,
        department=department,
        function_key=department.function_key,
        effective_from=effective_from,
        effective_until=effective_until,
    )
    record_change(actor=by, action="appeal.dispatch_route.add", obj=route, after=_route_state(route))
    transaction.on_commit(clear_catalogue)
    return route


@transaction.atomic
def close_dispatch_route(route: DispatchRoute, *, by, effective_until: dt.date) -> DispatchRoute:
    """End a catalogue line on a day (inclusive); the line stays as history."""
    from yingshang.appeals.selectors import clear_catalogue

    route = (
        DispatchRoute.objects.select_for_update(of=("self",))
        .select_related("category", "region")
        .get(pk=route.pk)
    )
    if effective_until < route.effective_from:
        raise BusinessRuleError(
            f"失效日期不能早于该行的生效日期（{route.effective_from:%Y-%m-%d}）。", field="effective_until"
        )
    if route.effective_until is not None and effective_until > route.effective_until:
        raise BusinessRuleError(
            f"该行已于 {route.effective_until:%Y-%m-%d} 失效，只能提前、不能延后。", field="effective_until"
        )
    before = _route_state(route)
    route.effective_until = effective_until
    route.save(update_fields=["effective_until"])
    record_change(
        actor=by, action="appeal.dispatch_route.close", obj=route, before=before, after=_route_state(route)
    )
    transaction.on_commit(clear_catalogue)
    return route


def _city_ids() -> set[int]:
    from yingshang.core.models import Region, RegionKind

    return set(Region.objects.filter(kind=RegionKind.CITY).values_list("pk", flat=True))


def _in_city(region) -> bool:
    """A county or zone whose chain of parents reaches the city."""
    city_ids = _city_ids()
    seen = 0
    while region is not None and seen < 5:
        if region.pk in city_ids:
            return True
        region, seen = region.parent, seen + 1
    return False
