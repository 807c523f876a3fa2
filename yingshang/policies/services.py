"""Write use cases of the policy supermarket (政策超市): one function per use case, each audited."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from yingshang.core.audit import record_change, snapshot
from yingshang.core.bulk import insert_rows
from yingshang.core.errors import BusinessRuleError, ConflictError, InvalidUpload
from yingshang.core.models import Department, Region
from yingshang.core.queueing import enqueue_with_commit
from yingshang.core.selectors import load_work_calendar
from yingshang.core.services import notify
from yingshang.enterprises.choices import MembershipStatus
from yingshang.enterprises.models import Enterprise, EnterpriseMembership, QualificationType
from yingshang.policies import (
    channels,
    documents,
    extraction,
    interpretation,
    matching,
    search,
    selectors,
    taxonomy,
)
from yingshang.policies.choices import (
    APPLICATION_TRANSITIONS,
    DELIVERY_BACKOFF_MINUTES,
    DELIVERY_MAX_ATTEMPTS,
    DISBURSEMENT_STEP_DAYS,
    DISBURSEMENT_TRANSITIONS,
    DOCUMENT_TRANSITIONS,
    ApplicationChannel,
    ApplicationStatus,
    BenefitType,
    DeliveryMode,
    DeliveryStatus,
    DisbursementStatus,
    DocumentStatus,
    MatchStatus,
    PushChannel,
    RatingStage,
    ReviewStatus,
)
from yingshang.policies.models import (
    ApplicationEvent,
    ApplicationMaterial,
    Benefit,
    Clause,
    Disbursement,
    EnterpriseDeclaration,
    GuideAssignment,
    GuideContact,
    PolicyApplication,
    PolicyDocument,
    PolicyMatch,
    PolicyRating,
    PolicyVersion,
    PushDelivery,
    PushPreference,
)
from yingshang.policies.rules import RuleError, RuleVocabulary, validate_benefit, validate_rules

DOCUMENT_FIELDS = [
    "title",
    "document_number",
    "issuer",
    "level",
    "region",
    "department",
    "published_on",
    "effective_on",
    "expires_on",
    "source_url",
    "summary",
    "budget_yuan",
    "tags",
    "status",
]
CLAUSE_FIELDS = [
    "title",
    "topic",
    "support_types",
    "rules",
    "delivery_mode",
    "application_opens_on",
    "application_closes_on",
    "materials",
    "handling_department",
    "contact",
    "service_days",
    "allows_missing_materials",
    "allows_commitment",
    "review_status",
]
MATERIAL_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd")
MATERIAL_MAX_BYTES = 10 * 1024 * 1024
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _require(user, permission: str, message: str) -> None:
    if not user.can(permission):
        raise PermissionDenied(message)


def _rule_error(exc: RuleError, field: str) -> BusinessRuleError:
    return BusinessRuleError(
        "；".join(exc.problems),
        field=field,
        details=[{"field": field, "reason": problem} for problem in exc.problems],
    )


def rule_vocabulary() -> RuleVocabulary:
    """Codes the rules may use: qualification types, region codes, characteristic industries."""
    from yingshang.policies.taxonomy import CHARACTERISTIC_INDUSTRIES

    return RuleVocabulary(
        qualifications=frozenset(QualificationType.objects.values_list("code", flat=True)),
        regions=frozenset(Region.objects.values_list("code", flat=True)),
        tags=frozenset(CHARACTERISTIC_INDUSTRIES),
    )


# -- documents (制定) --------------------------------------------------------------------------------


def _document_region_code(document: PolicyDocument) -> str:
    return document.region.code if document.region_id else ""


def _clauses_from_text(document: PolicyDocument, text: str) -> list[Clause]:
    """Split the text, read each clause and store the proposal for review (status 待确认)."""
    region_codes = {name: code for code, name in Region.objects.values_list("code", "name")}
    region_codes.update({"张掖经开区": region_codes.get("张掖经济技术开发区", "")})
    vocabulary = rule_vocabulary()
    created = []
    for position, (span, extracted) in enumerate(extraction.extract_document(text), start=1):
        reading = extracted.to_json_dict()
        proposal = interpretation.propose_structure(reading, region_codes=region_codes)
        try:
            rules = validate_rules(proposal["rules"], vocabulary)
        except RuleError as exc:
            rules = {}
            proposal["notes"].extend(exc.problems)
        # A city-wide region on a city document is no condition.
        if (
            document.region_id
            and rules.get("regions") == [_document_region_code(document)]
            and document.region.kind == "city"
        ):
            rules.pop("regions")
        reading["notes"] = proposal["notes"]
        reading["section"] = span.section
        clause = Clause.objects.create(
            document=document,
            position=position,
            number=span.number or "",
            section=span.section or "",
            title=proposal["title"],
            text=span.text,
            topic=proposal["topic"],
            support_types=proposal["support_types"],
            rules=rules,
            extraction=reading,
            delivery_mode=proposal["delivery_mode"],
            review_status=ReviewStatus.PENDING,
        )
        for benefit in proposal["benefits"]:
            Benefit.objects.create(clause=clause, **benefit)
        created.append(clause)
    return created


@transaction.atomic
def create_document(
    *,
    by,
    title: str,
    text: str,
    document_number: str = "",
    issuer: str = "",
    level: str = "city",
    region: Region | None = None,
    department: Department | None = None,
    published_on: dt.date | None = None,
    effective_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    source_url: str = "",
    summary: str = "",
    budget_yuan: int | None = None,
    tags: Sequence[str] = (),
    source_file=None,
    is_example: bool = False,
) -> PolicyDocument:
    """Draft a policy document (起草) from its text: version 1, clauses read by the extractor, all unconfirmed."""
    _require(by, "policy.draft", "您没有起草政策的权限。")
    if not title.strip():
        raise BusinessRuleError("请填写政策标题。", field="title")
    if not text.strip():
        raise BusinessRuleError("政策正文为空。", field="text")
    if effective_on and expires_on and expires_on < effective_on:
        raise BusinessRuleError("有效期截止日期早于施行日期。", field="expires_on")
    document = PolicyDocument.objects.create(
        title=title.strip()[:300],
        document_number=document_number.strip(),
        issuer=issuer.strip(),
        level=level,
        region=region,
        department=department or getattr(by, "department", None),
        published_on=published_on,
        effective_on=effective_on,
        expires_on=expires_on,
        source_url=source_url,
        summary=summary,
        budget_yuan=budget_yuan,
        tags=list(tags),
        is_example=is_example,
        created_by=by,
    )
    if source_file is not None:
        document.source_file.save(source_file.name, source_file, save=False)
        document.save(update_fields=["source_file"])
    PolicyVersion.objects.create(document=document, number=1, text=text, note="初稿", created_by=by)
    clauses = _clauses_from_text(document, text)
    record_change(
        actor=by,
        action="policy.create",
        obj=document,
        after={**snapshot(document, DOCUMENT_FIELDS), "clauses": len(clauses)},
        region_code=_document_region_code(document),
    )
    return document


def import_policy_document(*, by, upload, **metadata: Any) -> PolicyDocument:
    """Import a TXT/DOCX/PDF file (一键解读): read the text, then draft the document from it."""
    if (getattr(upload, "size", 0) or 0) > documents.MAX_BYTES:  # refuse before reading it into memory
        raise InvalidUpload(
            f"文件超过 {documents.MAX_BYTES // 1024 // 1024} MB，请压缩或拆分后上传。", field="file"
        )
    data = upload.read()
    text = documents.read_policy_text(data, upload.name)
    from django.core.files.base import ContentFile

    return create_document(by=by, text=text, source_file=ContentFile(data, name=upload.name), **metadata)


def _transition_document(document: PolicyDocument, *, to: str, by, reason: str = "") -> str:
    if to not in DOCUMENT_TRANSITIONS[document.status]:
        raise BusinessRuleError(
            f"政策当前为“{document.get_status_display()}”，不能改为“{DocumentStatus(to).label}”。",
            code="invalid_transition",
        )
    before = document.status
    document.status = to
    record_change(
        actor=by,
        action=f"policy.{to}",
        obj=document,
        before={"status": before},
        after={"status": to},
        reason=reason,
        region_code=_document_region_code(document),
    )
    return before


def _check_conditions_captured(text: str, rules: Mapping[str, Any]) -> None:
    """Refuse to confirm a clause whose text states a threshold its rules leave out (it would match everyone).

    Thresholds and ratios only: status words (首次认定, 新招用…) are proposed as manual conditions too, but a
    reviewer may judge one irrelevant and drop it (audited).
    """
    stated = [
        condition
        for condition in extraction.extract_clause(text).to_json_dict()["conditions"]
        if condition["kind"] in ("threshold", "ratio")
    ]
    left = interpretation.uncaptured_conditions(stated, rules)
    if not left:
        return
    problems = [
        f"原文第{condition['span'][0] + 1}–{condition['span'][1]}字的条件“{condition['text']}”没有写入申报条件"
        for condition in left
    ]
    raise BusinessRuleError(
        "；".join(problems)
        + "。请转为结构化条件，或写入“需人工核实的条件”（否则该条款会对所有企业显示为符合）。",
        field="rules",
        details=[
            {
                "field": "rules.manual_conditions",
                "reason": problem + "，请转为结构化条件或写入“需人工核实的条件”",
            }
            for problem in problems
        ],
    )


@transaction.atomic
def review_clause(
    clause: Clause,
    *,
    by,
    changes: Mapping[str, Any],
    benefits: Sequence[Mapping[str, Any]] | None,
    confirm: bool,
) -> Clause:
    """A person corrects the machine reading of a clause and (optionally) confirms it (人工确认)."""
    _require(by, "policy.draft", "您没有修改政策条款的权限。")
    if clause.document.status not in (DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW):
        raise BusinessRuleError("已发布的政策不能直接修改条款，请先发起修订。", code="not_editable")
    before = snapshot(clause, CLAUSE_FIELDS)
    before["benefits"] = [b.as_dict() for b in clause.benefits.all()]
    changes = dict(changes)
    if "rules" in changes:
        try:
            changes["rules"] = validate_rules(changes["rules"], rule_vocabulary())
        except RuleError as exc:
            raise _rule_error(exc, "rules") from exc
    checked_benefits = []
    for index, raw in enumerate(benefits or []):
        benefit_type = raw.get("benefit_type") or BenefitType.OTHER
        if benefit_type not in BenefitType.values:
            raise BusinessRuleError(
                f"第{index + 1}项兑现内容：未知的支持方式“{benefit_type}”。", field="benefits"
            )
        try:
            checked = validate_benefit(raw)
        except RuleError as exc:
            raise BusinessRuleError(
                f"第{index + 1}项兑现内容：" + "；".join(exc.problems),
                field="benefits",
                details=[{"field": f"benefits.{index}", "reason": p} for p in exc.problems],
            ) from exc
        checked_benefits.append(
            {**checked, "benefit_type": benefit_type, "description": str(raw.get("description", ""))[:300]}
        )
    if confirm:
        _check_conditions_captured(clause.text, changes.get("rules", clause.rules))
    opens = changes.get("application_opens_on", clause.application_opens_on)
    closes = changes.get("application_closes_on", clause.application_closes_on)
    if opens and closes and closes < opens:
        raise BusinessRuleError("申报截止日期早于开始日期。", field="application_closes_on")
    for name, value in changes.items():
        if name not in CLAUSE_FIELDS or name == "review_status":
            raise BusinessRuleError(f"字段 {name} 不可修改。", field=name)
        setattr(clause, name, value)
    if "rules" in changes and changes["rules"] != before["rules"]:
        clause.rules_version += 1
    if benefits is not None:
        clause.benefits.all().delete()
        for checked in checked_benefits:
            Benefit.objects.create(clause=clause, **checked)
    if confirm:
        clause.review_status = ReviewStatus.CONFIRMED
        clause.reviewed_by = by
        clause.reviewed_at = timezone.now()
    clause.save()
    after = snapshot(clause, CLAUSE_FIELDS)
    after["benefits"] = [b.as_dict() for b in clause.benefits.all()]
    record_change(
        actor=by,
        action="policy.clause_review",
        obj=clause,
        before=before,
        after=after,
        region_code=_document_region_code(clause.document),
    )
    return clause


@transaction.atomic
def submit_document_for_review(document: PolicyDocument, *, by) -> PolicyDocument:
    """Send a draft to the publisher (送审): every clause must have been confirmed by a person."""
    _require(by, "policy.draft", "您没有送审政策的权限。")
    _check_all_confirmed(document)
    _transition_document(document, to=DocumentStatus.IN_REVIEW, by=by)
    document.save(update_fields=["status", "updated_at"])
    return document


def _check_all_confirmed(document: PolicyDocument) -> None:
    clauses = list(document.clauses.values_list("title", "review_status"))
    if not clauses:
        raise BusinessRuleError("政策没有任何条款，不能送审或发布。", code="no_clauses")
    pending = [title for title, status in clauses if status != ReviewStatus.CONFIRMED]
    if pending:
        raise BusinessRuleError(
            f"还有 {len(pending)} 个条款未经人工确认（{'、'.join(pending[:3])}…），"
            "未经确认的内容不能发布给企业。",
            code="unconfirmed",
        )


@transaction.atomic
def publish_document(document: PolicyDocument, *, by, now: dt.datetime) -> PolicyDocument:
    """Publish (发布): searchable, matched against every enterprise, matched enterprises notified in background."""
    _require(by, "policy.publish", "您没有发布政策的权限。")
    _check_all_confirmed(document)
    if document.status == DocumentStatus.DRAFT:
        _transition_document(document, to=DocumentStatus.IN_REVIEW, by=by)
    _transition_document(document, to=DocumentStatus.PUBLISHED, by=by)
    document.published_at = now
    document.published_on = document.published_on or now.date()
    document.save(update_fields=["status", "published_at", "published_on", "updated_at"])
    search.index_document(document)
    from yingshang.policies.tasks import push_document_matches

    document_id = document.pk
    enqueue_with_commit(push_document_matches, document_id=document_id)
    return document


@transaction.atomic
def withdraw_document(document: PolicyDocument, *, by, to: str, reason: str) -> PolicyDocument:
    """Return to draft (退回修改), repeal (废止) or expire (过期) a document; it leaves search and matching."""
    permission = (
        "policy.draft"
        if to == DocumentStatus.DRAFT and document.status == DocumentStatus.IN_REVIEW
        else "policy.publish"
    )
    _require(by, permission, "您没有执行此操作的权限。")
    if not reason.strip():
        raise BusinessRuleError("请填写原因。", field="reason")
    _transition_document(document, to=to, by=by, reason=reason)
    document.save(update_fields=["status", "updated_at"])
    search.index_document(document)
    PolicyMatch.objects.filter(clause__document=document).delete()
    return document


@transaction.atomic
def revise_document(document: PolicyDocument, *, by, text: str, note: str) -> PolicyVersion:
    """A new version of the text (修订); a published document goes back to draft until republished."""
    _require(by, "policy.draft", "您没有修订政策的权限。")
    if not text.strip():
        raise BusinessRuleError("修订后的正文为空。", field="text")
    if not note.strip():
        raise BusinessRuleError("请填写修订说明。", field="note")
    latest = document.versions.order_by("-number").first()
    if latest and latest.text == text:
        raise BusinessRuleError("正文没有变化。", field="text")
    number = (latest.number if latest else 0) + 1
    version = PolicyVersion.objects.create(
        document=document, number=number, text=text, note=note, created_by=by
    )
    document.current_version = number
    fields = ["current_version", "updated_at"]
    if document.status in (DocumentStatus.PUBLISHED, DocumentStatus.EXPIRED):
        _transition_document(document, to=DocumentStatus.DRAFT, by=by, reason=f"修订：{note}")
        fields.append("status")
        PolicyMatch.objects.filter(clause__document=document).delete()
    document.save(update_fields=fields)
    if document.status == DocumentStatus.DRAFT:
        search.index_document(document)
    record_change(
        actor=by,
        action="policy.revise",
        obj=document,
        after={"version": number, "note": note},
        region_code=_document_region_code(document),
    )
    return version


def version_diff(older: PolicyVersion, newer: PolicyVersion) -> list[tuple[str, str]]:
    """Line diff between two versions: ("+"|"-"|" ", line)."""
    lines = difflib.ndiff(older.text.splitlines(), newer.text.splitlines())
    return [(line[0], line[2:]) for line in lines if line[:1] in "+- "]


def sweep_policy_expiry(*, now: dt.datetime, remind_days: int = 30) -> dict[str, int]:
    """Expire published documents past their date (过期) and remind drafters of those expiring soon."""
    today = now.date()
    expired = 0
    for document in PolicyDocument.objects.filter(status=DocumentStatus.PUBLISHED, expires_on__lt=today):
        with transaction.atomic():
            claimed = PolicyDocument.objects.filter(pk=document.pk, status=DocumentStatus.PUBLISHED).update(
                status=DocumentStatus.EXPIRED
            )
            if claimed:
                document.status = DocumentStatus.EXPIRED
                record_change(
                    actor=None,
                    action="policy.expired",
                    obj=document,
                    before={"status": DocumentStatus.PUBLISHED},
                    after={"status": DocumentStatus.EXPIRED},
                    reason="超过有效期",
                    region_code=_document_region_code(document),
                )
                search.index_document(document)
                PolicyMatch.objects.filter(clause__document=document).delete()
                expired += 1
    reminded = 0
    soon = PolicyDocument.objects.filter(
        status=DocumentStatus.PUBLISHED,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=remind_days),
        expiry_reminded_at__isnull=True,
    )
    for document in soon:
        if not PolicyDocument.objects.filter(pk=document.pk, expiry_reminded_at__isnull=True).update(
            expiry_reminded_at=now
        ):
            continue
        recipients = [document.created_by] if document.created_by_id else []
        for user in recipients:
            notify(
                recipient=user,
                title=f"政策即将到期：{document.title}",
                body=f"该政策将于{document.expires_on:%Y-%m-%d}到期，请评估是否需要修订、延续或废止。",
                link=f"/policies/manage/{document.pk}/",
                dedupe_key=f"policy-expiry:{document.pk}",
            )
        reminded += 1
    return {"expired": expired, "reminded": reminded}


# -- matching and precise push (精准推送) -------------------------------------------------------------


def _members(enterprise_ids) -> dict[int, list]:
    result: dict[int, list] = {}
    for membership in EnterpriseMembership.objects.filter(
        enterprise_id__in=list(enterprise_ids), status=MembershipStatus.VERIFIED
    ).select_related("user"):
        result.setdefault(membership.enterprise_id, []).append(membership.user)
    return result


# -- push channels (站内消息 + 短信/邮件) ------------------------------------------------------------------


def _notify_all(
    *, recipient, title: str, body: str, link: str, dedupe_key: str, clause: Clause | None = None
) -> bool:
    """The in-app message, and the same message by SMS/e-mail where the user opted in; False if already sent.

    With a `clause` (a match push), SMS/e-mail go out only if its topic and support types are ones the user chose.
    """
    notification = notify(recipient=recipient, title=title, body=body, link=link, dedupe_key=dedupe_key)
    if notification is None:
        return False
    queue_push_deliveries(recipient=recipient, notification=notification, now=timezone.now(), clause=clause)
    return True


def _addresses(user, clause: Clause | None = None) -> dict[str, str]:
    """Channel → address for the channels this user opted into (no preference row: in-app only).

    For a match push (`clause`), none when the clause is outside the user's chosen topics or support types.
    """
    preference = PushPreference.objects.filter(user=user).first()
    if preference is None:
        return {}
    if clause is not None and not preference.wants(
        topic=clause.topic, support_types=list(clause.support_types or [])
    ):
        return {}
    addresses = {
        PushChannel.SMS: preference.phone or user.phone if preference.sms else "",
        PushChannel.EMAIL: preference.email_address or user.email if preference.email else "",
    }
    return {channel: address for channel, address in addresses.items() if address}


def queue_push_deliveries(
    *, recipient, notification, now: dt.datetime, clause: Clause | None = None
) -> list[PushDelivery]:
    """Record one pending delivery per opted-in channel and send it in background after the commit.

    The dedupe key is the notification's, per channel: a message is never queued twice for the same channel.
    """
    created = []
    for channel, address in _addresses(recipient, clause).items():
        key = f"{channel}:{notification.dedupe_key or f'notification:{notification.pk}'}"[:220]
        delivery, is_new = PushDelivery.objects.get_or_create(
            dedupe_key=key,
            defaults={
                "recipient": recipient,
                "notification": notification,
                "channel": channel,
                "address": address,
                "title": notification.title,
                "body": notification.body,
                "created_at": now,
                "next_attempt_at": now,
            },
        )
        if is_new:
            created.append(delivery)
    if created:
        from yingshang.policies.tasks import deliver_push

        ids = [d.pk for d in created]
        for pk in ids:
            enqueue_with_commit(deliver_push, delivery_id=pk)
    return created


def deliver_push(delivery_id: int, *, now: dt.datetime) -> str:
    """Send one pending delivery through its channel's adapter; record the outcome; schedule a retry on failure.

    Steps: 1. claim the row with a conditional UPDATE (pending and due → sending), so two workers never send
    the same message; 2. call the adapter outside any transaction; 3. record sent, or pending with a back-off,
    or failed after the last attempt.
    """
    claimed = PushDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return "skipped"
    delivery = PushDelivery.objects.get(pk=delivery_id)
    try:
        reference = channels.adapter_for(delivery.channel).send(
            address=delivery.address, title=delivery.title, body=delivery.body
        )
    except channels.ChannelError as exc:
        give_up = delivery.attempts >= DELIVERY_MAX_ATTEMPTS
        wait = DELIVERY_BACKOFF_MINUTES[min(delivery.attempts, len(DELIVERY_BACKOFF_MINUTES)) - 1]
        PushDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
            last_error=str(exc)[:500],
            next_attempt_at=now + dt.timedelta(minutes=wait),
        )
        return DeliveryStatus.FAILED if give_up else "retry"
    PushDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.SENT, sent_at=now, provider_reference=reference[:100], last_error=""
    )
    return DeliveryStatus.SENT


def due_push_deliveries(*, now: dt.datetime, stale_minutes: int = 15, limit: int = 500) -> list[int]:
    """Deliveries due for (another) attempt; a send interrupted mid-way is marked failed, never sent twice."""
    PushDelivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - dt.timedelta(minutes=stale_minutes)
    ).update(status=DeliveryStatus.FAILED, last_error="发送过程中断，结果未知；为避免重复发送，未自动重发")
    return list(
        PushDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def _choices(
    values: Sequence[str] | None, allowed: Sequence[str], *, label: str, field: str
) -> list[str] | None:
    """Distinct values from a controlled vocabulary, in its order; None stays None (keep the stored choice)."""
    if values is None:
        return None
    if isinstance(values, str) or not all(isinstance(value, str) for value in values):
        raise BusinessRuleError(f"{label}应为列表。", field=field)
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise BusinessRuleError(
            f"{label}：未知的“{'、'.join(unknown)}”（可选：{'、'.join(allowed)}）。", field=field
        )
    chosen = set(values)
    return [value for value in allowed if value in chosen]


PUSH_PREFERENCE_FIELDS = ["sms", "email", "phone", "email_address", "topics", "support_types"]


@transaction.atomic
def set_push_preferences(
    *,
    user,
    sms: bool,
    email: bool,
    phone: str = "",
    email_address: str = "",
    topics: Sequence[str] | None = None,
    support_types: Sequence[str] | None = None,
) -> PushPreference:
    """A user chooses SMS/e-mail push besides in-app messages (推送渠道) and the topics and support types they
    want pushed that way (empty = everything; None keeps the stored choice); an enabled channel needs an address."""
    topics = _choices(topics, taxonomy.TOPICS, label="关注的主题", field="topics")
    support_types = _choices(
        support_types, taxonomy.SUPPORT_TYPES, label="关注的支持方式", field="support_types"
    )
    phone = (phone or "").strip()
    email_address = (email_address or "").strip()
    if phone and not PHONE_RE.match(phone):
        raise BusinessRuleError("手机号应为 11 位中国大陆手机号码。", field="phone")
    if email_address:
        try:
            validate_email(email_address)
        except ValidationError as exc:
            raise BusinessRuleError("邮件地址格式不正确。", field="email_address") from exc
    if sms and not (phone or PHONE_RE.match(user.phone or "")):
        raise BusinessRuleError("开启短信推送需要填写手机号。", field="phone")
    if email and not (email_address or user.email):
        raise BusinessRuleError("开启邮件推送需要填写邮件地址。", field="email_address")
    preference = PushPreference.objects.filter(user=user).first()
    fields = PUSH_PREFERENCE_FIELDS
    before = snapshot(preference, fields) if preference else None
    preference = preference or PushPreference(user=user)
    preference.sms, preference.email, preference.phone, preference.email_address = (
        sms,
        email,
        phone,
        email_address,
    )
    if topics is not None:
        preference.topics = topics
    if support_types is not None:
        preference.support_types = support_types
    preference.save()
    record_change(
        actor=user,
        action="policy.push_preferences",
        obj=preference,
        before=before,
        after=snapshot(preference, fields),
    )
    return preference


@transaction.atomic
def opt_out_of_push(*, user) -> PushPreference | None:
    """退订: stop SMS and e-mail pushes (in-app messages stay); the stored addresses are kept for opting back in."""
    preference = PushPreference.objects.filter(user=user).first()
    if preference is None or not (preference.sms or preference.email):
        return preference
    before = snapshot(preference, ["sms", "email"])
    preference.sms = preference.email = False
    preference.save(update_fields=["sms", "email", "updated_at"])
    record_change(
        actor=user,
        action="policy.push_opt_out",
        obj=preference,
        before=before,
        after=snapshot(preference, ["sms", "email"]),
    )
    return preference


def _push(enterprise: Enterprise, clause: Clause, result: matching.MatchResult, users: list) -> int:
    """Tell an enterprise's users it qualifies, and why; the dedupe key makes a second push a no-op."""
    reasons = "；".join(f"{c.label}：{c.fact}（{c.source}）" for c in result.conditions if c.outcome == "met")
    amount = interpretation.yuan(result.estimated_max_yuan)
    body = (
        f"根据{reasons or '现有登记信息'}，贵企业符合「{clause.title}」的条件"
        + (f"，预计最高可享受{amount}" if amount else "")
        + "。"
    )
    sent = 0
    for user in users:
        sent += _notify_all(
            recipient=user,
            title=f"政策推送：{clause.document.title}",
            body=body,
            link=f"/policies/clauses/{clause.pk}/",
            dedupe_key=f"policy-match:{clause.pk}:v{clause.rules_version}:{enterprise.pk}",
            clause=clause,
        )
    return sent


def refresh_enterprise_matches(
    enterprise: Enterprise, *, now: dt.datetime, push: bool = True
) -> dict[str, int]:
    """Recompute one enterprise against every active clause (after its profile changed); push new matches."""
    totals = refresh_enterprises_matches([enterprise.pk], now=now, push=push)
    return {key: totals[key] for key in ("met", "unknown", "pushed")}


REMATCH_CHUNK = 2000


def refresh_enterprises_matches(
    enterprise_ids: Sequence[int], *, now: dt.datetime, push: bool = True, chunk_size: int = REMATCH_CHUNK
) -> dict[str, int]:
    """Re-match many enterprises at once (after a registry import or a profile change) with the vectorised engine.

    Steps: 1. de-duplicate the ids; 2. load the active clauses once; 3. per chunk, read only those enterprises'
    facts as columns (`selectors.load_fact_table(ids)`) and evaluate every clause over them
    (`matching.evaluate_many`, the engine of the full re-match); 4. write the chunk's rows in bulk and push the
    new matches once (`_store_matches`). Enterprises deleted or deregistered in the meantime lose their matches.
    """
    ids = sorted({int(pk) for pk in enterprise_ids})
    totals = {"enterprises": 0, "met": 0, "unknown": 0, "pushed": 0}
    if not ids:
        return totals
    clauses = selectors.active_clauses()
    names = selectors.rule_names() if push else None
    size = max(1, chunk_size)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        table = selectors.load_fact_table(chunk)
        outcomes = matching.evaluate_many({c.pk: c.rules for c in clauses}, table, today=now.date())
        result = _store_matches(
            table=table,
            outcomes=outcomes,
            clauses=clauses,
            now=now,
            push=push,
            names=names,
            scope={"enterprise_id__in": chunk},
        )
        totals["enterprises"] += len(table)
        for key in ("met", "unknown", "pushed"):
            totals[key] += result[key]
    return totals


def refresh_clause_matches(
    clauses: Sequence[Clause], *, now: dt.datetime, push: bool = True, table: matching.FactTable | None = None
) -> dict[str, int]:
    """Set-based re-match of every enterprise against `clauses` (on publish); push newly met enterprises."""
    table = selectors.load_fact_table() if table is None else table
    outcomes = matching.evaluate_many({c.pk: c.rules for c in clauses}, table, today=now.date())
    names = selectors.rule_names() if push else None
    result = _store_matches(
        table=table,
        outcomes=outcomes,
        clauses=list(clauses),
        now=now,
        push=push,
        names=names,
        scope={"clause_id__in": [c.pk for c in clauses]},
    )
    return {key: result[key] for key in ("met", "unknown", "pushed")}


def _store_matches(
    *,
    table: matching.FactTable,
    outcomes: Mapping[int, matching.BulkOutcome],
    clauses: Sequence[Clause],
    now: dt.datetime,
    push: bool,
    names: dict | None,
    scope: Mapping[str, Any],
) -> dict[str, int]:
    """Make the stored matches within `scope` equal to `outcomes`, in bulk; push matches that are new.

    The one writer of `PolicyMatch`, so a row reads the same whichever path wrote it (explanations are computed
    on read, `selectors.explain_matches`). Steps: 1. the wanted rows, keyed (enterprise, clause); 2. the stored
    rows in scope; 3. in one transaction delete rows that are gone or changed, insert new and changed ones
    (keeping when they were pushed), stamp `computed_at` on the rest; 4. push met rows not pushed before, to
    enterprises with verified users only, each reason explained by the per-pair engine; mark them pushed.
    """
    # 1.
    wanted: dict[tuple[int, int], tuple[str, int | None, bool]] = {}
    for clause in clauses:
        outcome = outcomes[clause.pk]
        selectors.benefit_dicts(clause)
        decidable = matching.registry_decidable(clause.rules)
        for status, rows in ((MatchStatus.MET, outcome.met), (MatchStatus.UNKNOWN, outcome.unknown)):
            value = (str(status), clause._estimated_max_yuan, decidable)
            wanted.update(dict.fromkeys(zip(table.ids[rows].tolist(), itertools.repeat(clause.pk)), value))
    # 2.
    stored = {
        (enterprise_id, clause_id): (pk, (status, amount, decidable), notified_at)
        for pk, enterprise_id, clause_id, status, amount, decidable, notified_at in PolicyMatch.objects.filter(
            **scope
        )
        .values_list(
            "pk",
            "enterprise_id",
            "clause_id",
            "status",
            "estimated_max_yuan",
            "decidable_from_registry",
            "notified_at",
        )
        .iterator(chunk_size=10_000)
    }
    stale = [row[0] for key, row in stored.items() if wanted.get(key) != row[1]]
    fresh = [
        {
            "enterprise_id": key[0],
            "clause_id": key[1],
            "status": value[0],
            "estimated_max_yuan": value[1],
            "decidable_from_registry": value[2],
            "computed_at": now,
            "notified_at": stored[key][2] if key in stored else None,
        }
        for key, value in wanted.items()
        if key not in stored or stored[key][1] != value
    ]
    # 3.
    with transaction.atomic():
        for start in range(0, len(stale), 900):
            PolicyMatch.objects.filter(pk__in=stale[start : start + 900]).delete()
        PolicyMatch.objects.filter(**scope).update(computed_at=now)
        insert_rows(PolicyMatch, fresh)
    totals = {
        "met": sum(v[0] == MatchStatus.MET for v in wanted.values()),
        "unknown": sum(v[0] == MatchStatus.UNKNOWN for v in wanted.values()),
        "pushed": 0,
    }
    if not push:
        return totals
    # 4.
    unsent = [
        key
        for key, value in wanted.items()
        if value[0] == MatchStatus.MET and (key not in stored or stored[key][2] is None)
    ]
    # Enterprises with verified users are few beside the registry: find them first, so that no query carries
    # every matched id (a publication can match 100,000 enterprises; bound parameters are limited).
    with_users = set(
        EnterpriseMembership.objects.filter(status=MembershipStatus.VERIFIED).values_list(
            "enterprise_id", flat=True
        )
    )
    members = _members(with_users & {enterprise_id for enterprise_id, _ in unsent})
    by_enterprise: dict[int, list[int]] = {}
    for enterprise_id, clause_id in unsent:
        if enterprise_id in members:
            by_enterprise.setdefault(enterprise_id, []).append(clause_id)
    clause_of = {c.pk: c for c in clauses}
    for enterprise in Enterprise.objects.filter(pk__in=list(by_enterprise)).select_related("region", "zone"):
        facts = selectors.enterprise_facts(enterprise)
        for clause_id in sorted(by_enterprise[enterprise.pk]):
            clause = clause_of[clause_id]
            result = matching.evaluate_clause(
                clause.rules,
                selectors.benefit_dicts(clause),
                facts,
                today=now.date(),
                clause_id=clause_id,
                names=names,
            )
            if result.status == matching.MET:
                totals["pushed"] += _push(enterprise, clause, result, members[enterprise.pk])
        PolicyMatch.objects.filter(enterprise=enterprise, clause_id__in=by_enterprise[enterprise.pk]).update(
            notified_at=now
        )
    return totals


@transaction.atomic
def declare_enterprise_facts(enterprise: Enterprise, *, by, rd_ratio, tax_paid_10k) -> EnterpriseDeclaration:
    """An enterprise fills in facts the registry lacks (企业自报); its matches are recomputed in background."""
    if rd_ratio is not None and not 0 <= rd_ratio <= 100:
        raise BusinessRuleError("研发费用占比应在 0 到 100 之间。", field="rd_ratio")
    if tax_paid_10k is not None and tax_paid_10k < 0:
        raise BusinessRuleError("纳税额不能为负数。", field="tax_paid_10k")
    declaration, _ = EnterpriseDeclaration.objects.get_or_create(
        enterprise=enterprise, defaults={"declared_by": by}
    )
    before = snapshot(declaration, ["rd_ratio", "tax_paid_10k"])
    declaration.rd_ratio = rd_ratio
    declaration.tax_paid_10k = tax_paid_10k
    declaration.declared_by = by
    declaration.save()
    record_change(
        actor=by,
        action="policy.declare_facts",
        obj=declaration,
        before=before,
        after=snapshot(declaration, ["rd_ratio", "tax_paid_10k"]),
        region_code=enterprise.region.code if enterprise.region_id else "",
    )
    from yingshang.policies.tasks import rematch_enterprise

    enterprise_id = enterprise.pk
    enqueue_with_commit(rematch_enterprise, enterprise_id=enterprise_id)
    return declaration


# -- applications (申报 → 审核) -----------------------------------------------------------------------


def _event(
    application: PolicyApplication, *, by, to: str, note: str, now: dt.datetime, before: str = ""
) -> None:
    ApplicationEvent.objects.create(
        application=application,
        at=now,
        actor=by if getattr(by, "pk", None) else None,
        actor_label=(getattr(by, "full_name", "") or getattr(by, "username", "")) or "系统",
        from_status=before,
        to_status=to,
        note=note[:500],
    )
    record_change(
        actor=by,
        action=f"policy_application.{to}",
        obj=application,
        before={"status": before or None},
        after={"status": to},
        reason=note,
        region_code=application.enterprise.region.code if application.enterprise.region_id else "",
    )


def _transition_application(
    application: PolicyApplication, *, to: str, by, note: str, now: dt.datetime
) -> None:
    if to not in APPLICATION_TRANSITIONS[application.status]:
        raise BusinessRuleError(
            f"申报当前为“{application.get_status_display()}”，不能改为“{ApplicationStatus(to).label}”。",
            code="invalid_transition",
        )
    before = application.status
    application.status = to
    _event(application, by=by, to=to, note=note, now=now, before=before)


def _prefill(enterprise: Enterprise) -> dict[str, Any]:
    """Registry fields shown read-only on the form (政府数据源字段，企业不可改)."""
    return {
        "企业名称": enterprise.name,
        "统一社会信用代码": enterprise.credit_code,
        "所属县区": enterprise.region.name if enterprise.region_id else "",
        "所属行业": f"{enterprise.industry_id or ''} {enterprise.industry.name if enterprise.industry_id else ''}".strip(),
        "成立日期": enterprise.established_on.isoformat() if enterprise.established_on else "",
        "从业人员": enterprise.employees,
        "企业规模": enterprise.get_size_display(),
        "资质": [q.qualification.name for q in enterprise.qualifications.select_related("qualification")],
    }


def _check_files(files: Mapping[str, Any]) -> None:
    for name, upload in files.items():
        lowered = upload.name.lower()
        if not lowered.endswith(MATERIAL_EXTENSIONS):
            raise InvalidUpload(
                f"材料“{name}”的文件类型不支持（可上传 PDF、图片、DOCX、XLSX、OFD）。", field=name
            )
        if upload.size > MATERIAL_MAX_BYTES:
            raise InvalidUpload(f"材料“{name}”超过 10 MB。", field=name)
        if upload.size == 0:
            raise InvalidUpload(f"材料“{name}”是空文件。", field=name)


def _check_materials(
    clause: Clause,
    *,
    uploaded: Sequence[str],
    missing: Sequence[str],
    commitment: bool,
    promised_on: dt.date | None,
    today: dt.date,
) -> None:
    required = [m["name"] for m in clause.materials if m.get("required", True)]
    absent = [name for name in required if name not in uploaded]
    if not absent:
        return
    if commitment and clause.allows_commitment:
        return  # 承诺制: the enterprise commits that what it has not uploaded is true and available
    unexplained = [name for name in absent if name not in missing]
    if unexplained:
        raise BusinessRuleError(
            f"缺少必需材料：{'、'.join(unexplained)}。"
            + ("可选择容缺受理并承诺补齐日期。" if clause.allows_missing_materials else ""),
            field="materials",
            code="missing_materials",
        )
    if not clause.allows_missing_materials:
        raise BusinessRuleError("本条款不支持容缺受理，请上传全部必需材料。", field="materials")
    if promised_on is None or promised_on < today or promised_on > today + dt.timedelta(days=90):
        raise BusinessRuleError("容缺受理需填写承诺补齐日期（今天起 90 天内）。", field="promised_on")


def _tracking_number(application: PolicyApplication, now: dt.datetime) -> str:
    return f"ZC{now:%Y%m%d}{application.pk:06d}"


@transaction.atomic
def submit_application(
    *,
    enterprise: Enterprise,
    clause: Clause,
    by,
    now: dt.datetime,
    answers: Mapping[str, Any] | None = None,
    requested_yuan: int | None = None,
    files: Mapping[str, Any] | None = None,
    missing: Sequence[str] = (),
    promised_on: dt.date | None = None,
    commitment: bool = False,
) -> PolicyApplication:
    """Apply online (网上申报): registry pre-fill, materials checked, duplicates refused, review deadline set."""
    _require(by, "policy.apply", "只有企业用户可以申报政策。")
    files = dict(files or {})
    today = now.date()
    if clause.document.status != DocumentStatus.PUBLISHED or clause.review_status != ReviewStatus.CONFIRMED:
        raise BusinessRuleError("该政策未发布或已停止执行，不能申报。", code="not_open")
    if clause.delivery_mode == DeliveryMode.AUTOMATIC:
        raise BusinessRuleError(
            "该条款为免申即享，无需申报：请在“我的政策”中确认享受意愿。", code="automatic"
        )
    if clause.application_opens_on and today < clause.application_opens_on:
        raise BusinessRuleError(f"申报将于{clause.application_opens_on:%Y-%m-%d}开始。", code="not_open")
    if clause.application_closes_on and today > clause.application_closes_on:
        raise BusinessRuleError(f"申报已于{clause.application_closes_on:%Y-%m-%d}截止。", code="closed")
    facts = selectors.enterprise_facts(enterprise)
    result = matching.evaluate_clause(
        clause.rules,
        [b.as_dict() for b in clause.benefits.all()],
        facts,
        today=today,
        clause_id=clause.pk,
        names=selectors.rule_names(),
    )
    if result.status == matching.NOT_MET:
        failed = "；".join(
            f"{c.label}要求{c.requirement}，贵企业为{c.fact}"
            for c in result.conditions
            if c.outcome == matching.NOT_MET
        )
        raise BusinessRuleError(f"不符合申报条件：{failed}。", code="not_eligible")
    if (
        requested_yuan is not None
        and result.estimated_max_yuan
        and requested_yuan > result.estimated_max_yuan
    ):
        raise BusinessRuleError(
            f"申请金额超过条款上限（{interpretation.yuan(result.estimated_max_yuan)}）。",
            field="requested_yuan",
        )
    _check_files(files)
    _check_materials(
        clause,
        uploaded=list(files),
        missing=missing,
        commitment=commitment,
        promised_on=promised_on,
        today=today,
    )
    if (
        PolicyApplication.objects.filter(enterprise=enterprise, clause=clause, year=today.year)
        .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
        .exists()
    ):
        raise ConflictError(
            "贵企业本年度已申报过该条款，请勿重复申报（可在“我的申报”中查看进度）。", code="duplicate"
        )
    calendar = load_work_calendar()
    try:
        with transaction.atomic():
            application = PolicyApplication.objects.create(
                tracking_number=uuid.uuid4().hex[:30],
                enterprise=enterprise,
                clause=clause,
                year=today.year,
                prefill=_prefill(enterprise),
                answers=dict(answers or {}),
                requested_yuan=requested_yuan,
                commitment=commitment and clause.allows_commitment,
                missing_materials=[name for name in missing if name not in files],
                promised_on=promised_on if missing else None,
                submitted_by=by,
                submitted_at=now,
                due_at=calendar.add_working_days_at(now, clause.service_days or 20),
            )
    except IntegrityError as exc:
        raise ConflictError("贵企业本年度已申报过该条款，请勿重复申报。", code="duplicate") from exc
    application.tracking_number = _tracking_number(application, now)
    application.save(update_fields=["tracking_number"])
    for name, upload in files.items():
        ApplicationMaterial.objects.create(
            application=application, name=name, file=upload, original_name=upload.name[:200], size=upload.size
        )
    note = (
        "容缺受理：" + "、".join(application.missing_materials) + f"，承诺{promised_on}前补齐"
        if application.missing_materials
        else ("承诺制受理" if application.commitment else "材料齐全")
    )
    _event(application, by=by, to=ApplicationStatus.SUBMITTED, note=note, now=now)
    if (
        clause.delivery_mode == DeliveryMode.INSTANT
        and result.status == matching.MET
        and not application.missing_materials
    ):
        _approve(
            application,
            by=None,
            amount_yuan=requested_yuan or result.estimated_max_yuan or 0,
            reason="即申即享：条件由系统核验通过",
            now=now,
        )
    return application


@transaction.atomic
def accept_application(application: PolicyApplication, *, by, now: dt.datetime) -> PolicyApplication:
    """The department accepts the application for review (受理)."""
    _require(by, "policy.review_application", "您没有审核申报的权限。")
    _transition_application(
        application, to=ApplicationStatus.UNDER_REVIEW, by=by, note="已受理，进入审核", now=now
    )
    application.save(update_fields=["status"])
    return application


@transaction.atomic
def return_application(
    application: PolicyApplication, *, by, reason: str, now: dt.datetime
) -> PolicyApplication:
    """Send back for correction (退回补正) with the reason; the enterprise is told what to fix."""
    _require(by, "policy.review_application", "您没有审核申报的权限。")
    if not reason.strip():
        raise BusinessRuleError("退回补正必须写明原因。", field="reason")
    _transition_application(application, to=ApplicationStatus.RETURNED, by=by, note=reason, now=now)
    application.decision_reason = reason[:500]
    application.save(update_fields=["status", "decision_reason"])
    _notify_enterprise(application, title=f"申报被退回补正：{application.tracking_number}", body=reason)
    return application


@transaction.atomic
def resubmit_application(
    application: PolicyApplication,
    *,
    by,
    now: dt.datetime,
    note: str = "",
    files: Mapping[str, Any] | None = None,
) -> PolicyApplication:
    """The enterprise corrects and resubmits (补正后重新提交); the review deadline restarts."""
    _require(by, "policy.apply", "只有企业用户可以补正申报。")
    files = dict(files or {})
    _check_files(files)
    for name, upload in files.items():
        ApplicationMaterial.objects.create(
            application=application, name=name, file=upload, original_name=upload.name[:200], size=upload.size
        )
    application.missing_materials = [name for name in application.missing_materials if name not in files]
    _transition_application(
        application, to=ApplicationStatus.SUBMITTED, by=by, note=note or "已补正", now=now
    )
    application.due_at = load_work_calendar().add_working_days_at(now, application.clause.service_days or 20)
    application.save(update_fields=["status", "missing_materials", "due_at"])
    return application


def _approve(application: PolicyApplication, *, by, amount_yuan: int, reason: str, now: dt.datetime) -> None:
    document = application.clause.document
    if document.budget_yuan is not None:
        committed = sum(
            Disbursement.objects.filter(application__clause__document=document).values_list(
                "amount_yuan", flat=True
            )
        )
        if committed + amount_yuan > document.budget_yuan:
            raise BusinessRuleError(
                f"核定金额将超出该政策预算（预算{interpretation.yuan(document.budget_yuan)}，"
                f"已核定{interpretation.yuan(committed) or '0元'}）。",
                code="over_budget",
            )
    _transition_application(application, to=ApplicationStatus.APPROVED, by=by, note=reason, now=now)
    application.approved_yuan = amount_yuan
    application.decision_reason = reason[:500]
    application.decided_at = now
    application.decided_by = by if getattr(by, "pk", None) else None
    application.save(update_fields=["status", "approved_yuan", "decision_reason", "decided_at", "decided_by"])
    calendar = load_work_calendar()
    instructed_on = calendar.add_working_days(now.date(), DISBURSEMENT_STEP_DAYS[DisbursementStatus.APPROVED])
    Disbursement.objects.create(
        application=application,
        amount_yuan=amount_yuan,
        approved_at=now,
        expected_instructed_on=instructed_on,
        expected_paid_on=calendar.add_working_days(
            instructed_on, DISBURSEMENT_STEP_DAYS[DisbursementStatus.INSTRUCTED]
        ),
    )
    _notify_enterprise(
        application,
        title=f"申报已通过：{application.tracking_number}",
        body=f"核定金额{interpretation.yuan(amount_yuan) or '0元'}，预计{instructed_on:%Y-%m-%d}前下达拨付指令。",
    )


@transaction.atomic
def approve_application(
    application: PolicyApplication, *, by, amount_yuan: int, reason: str, now: dt.datetime
) -> PolicyApplication:
    """Approve (审核通过) with the amount and reason; a disbursement with expected dates starts."""
    _require(by, "policy.review_application", "您没有审核申报的权限。")
    if amount_yuan < 0:
        raise BusinessRuleError("核定金额不能为负数。", field="amount_yuan")
    limit = matching.estimate_max_benefit([b.as_dict() for b in application.clause.benefits.all()])
    if limit is not None and amount_yuan > limit:
        raise BusinessRuleError(
            f"核定金额超过条款上限（{interpretation.yuan(limit)}）。", field="amount_yuan"
        )
    if not reason.strip():
        raise BusinessRuleError("请填写审核意见。", field="reason")
    _approve(application, by=by, amount_yuan=amount_yuan, reason=reason, now=now)
    return application


@transaction.atomic
def reject_application(
    application: PolicyApplication, *, by, reason: str, now: dt.datetime
) -> PolicyApplication:
    """Reject (不予通过) with the reason."""
    _require(by, "policy.review_application", "您没有审核申报的权限。")
    if not reason.strip():
        raise BusinessRuleError("不予通过必须写明原因。", field="reason")
    _transition_application(application, to=ApplicationStatus.REJECTED, by=by, note=reason, now=now)
    application.decision_reason = reason[:500]
    application.decided_at = now
    application.decided_by = by
    application.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
    _notify_enterprise(application, title=f"申报未通过：{application.tracking_number}", body=reason)
    return application


@transaction.atomic
def withdraw_application(application: PolicyApplication, *, by, now: dt.datetime) -> PolicyApplication:
    """The enterprise withdraws its application (撤回)."""
    _require(by, "policy.apply", "只有企业用户可以撤回申报。")
    _transition_application(application, to=ApplicationStatus.WITHDRAWN, by=by, note="企业撤回", now=now)
    application.save(update_fields=["status"])
    return application


def _notify_enterprise(application: PolicyApplication, *, title: str, body: str) -> None:
    for user in _members([application.enterprise_id]).get(application.enterprise_id, []):
        _notify_all(
            recipient=user,
            title=title,
            body=body,
            link=f"/policies/applications/{application.pk}/",
            dedupe_key=f"policy-app:{application.pk}:{application.status}:{len(body)}",
        )


@transaction.atomic
def confirm_automatic_benefit(
    *, enterprise: Enterprise, clause: Clause, by, now: dt.datetime
) -> PolicyApplication:
    """免申即享 意愿确认: an eligible enterprise says yes; approval and payout follow without an application."""
    _require(by, "policy.apply", "只有企业用户可以确认享受意愿。")
    if clause.delivery_mode != DeliveryMode.AUTOMATIC or clause.document.status != DocumentStatus.PUBLISHED:
        raise BusinessRuleError("该条款不是免申即享政策。", code="not_automatic")
    facts = selectors.enterprise_facts(enterprise)
    benefits = [b.as_dict() for b in clause.benefits.all()]
    result = matching.evaluate_clause(clause.rules, benefits, facts, today=now.date(), clause_id=clause.pk)
    if result.status != matching.MET:
        raise BusinessRuleError("根据登记数据，贵企业暂不符合该政策条件，无法确认享受。", code="not_eligible")
    if (
        PolicyApplication.objects.filter(enterprise=enterprise, clause=clause, year=now.year)
        .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
        .exists()
    ):
        raise ConflictError("贵企业本年度已确认过该政策。", code="duplicate")
    application = PolicyApplication.objects.create(
        tracking_number=uuid.uuid4().hex[:30],
        enterprise=enterprise,
        clause=clause,
        year=now.year,
        channel=ApplicationChannel.CONFIRMED,
        prefill=_prefill(enterprise),
        submitted_by=by,
        submitted_at=now,
    )
    application.tracking_number = _tracking_number(application, now)
    application.save(update_fields=["tracking_number"])
    _event(application, by=by, to=ApplicationStatus.SUBMITTED, note="企业确认享受意愿（免申即享）", now=now)
    _approve(
        application,
        by=None,
        amount_yuan=result.estimated_max_yuan or 0,
        reason="免申即享：登记数据核验符合条件",
        now=now,
    )
    return application


# -- disbursement (兑现) ------------------------------------------------------------------------------


@transaction.atomic
def advance_disbursement(
    disbursement: Disbursement, *, by, to: str, now: dt.datetime, voucher: str = ""
) -> Disbursement:
    """Move a payout along approved → instructed (拨付指令) → paid (到账); the enterprise sees each step."""
    _require(by, "policy.disburse", "您没有登记拨付的权限。")
    if to not in DisbursementStatus.values:
        raise BusinessRuleError(
            "请选择兑现进度（已下达拨付指令或已到账）。", field="to", code="invalid_transition"
        )
    if to not in DISBURSEMENT_TRANSITIONS[disbursement.status]:
        raise BusinessRuleError(
            f"兑现当前为“{disbursement.get_status_display()}”，不能改为“{DisbursementStatus(to).label}”。",
            code="invalid_transition",
        )
    before = disbursement.status
    disbursement.status = to
    fields = ["status"]
    if to == DisbursementStatus.INSTRUCTED:
        disbursement.instructed_at = now
        disbursement.expected_paid_on = load_work_calendar().add_working_days(
            now.date(), DISBURSEMENT_STEP_DAYS[DisbursementStatus.INSTRUCTED]
        )
        fields += ["instructed_at", "expected_paid_on"]
    else:
        disbursement.paid_at = now
        fields.append("paid_at")
    if voucher:
        disbursement.voucher = voucher[:100]
        fields.append("voucher")
    disbursement.save(update_fields=fields)
    application = disbursement.application
    ApplicationEvent.objects.create(
        application=application,
        at=now,
        actor=by,
        actor_label=by.full_name or by.username,
        from_status=before,
        to_status=to,
        note=DisbursementStatus(to).label,
    )
    record_change(
        actor=by,
        action=f"policy_disbursement.{to}",
        obj=disbursement,
        before={"status": before},
        after={"status": to, "voucher": disbursement.voucher},
    )
    _notify_enterprise(
        application,
        title=f"兑现进度：{DisbursementStatus(to).label}",
        body=f"{application.clause.title}：{interpretation.yuan(disbursement.amount_yuan)}"
        f"{DisbursementStatus(to).label}。",
    )
    return disbursement


# -- ratings (反向测评) and gold-medal guides (金牌导办) ----------------------------------------------------


@transaction.atomic
def rate_policy(
    *, enterprise: Enterprise, clause: Clause, stage: str, score: int, comment: str, by
) -> PolicyRating:
    """An enterprise rates a policy or a stage of its chain; one rating per stage, changeable."""
    _require(by, "policy.apply", "只有企业用户可以评价政策。")
    if stage not in RatingStage.values:
        raise BusinessRuleError("未知的评价环节。", field="stage")
    if not 1 <= int(score) <= 5:
        raise BusinessRuleError("评分应为 1 到 5 分。", field="score")
    if (
        stage != RatingStage.POLICY
        and not PolicyApplication.objects.filter(enterprise=enterprise, clause=clause).exists()
    ):
        raise BusinessRuleError("申报或兑现环节只能由申报过该政策的企业评价。", field="stage")
    rating, created = PolicyRating.objects.update_or_create(
        enterprise=enterprise,
        clause=clause,
        stage=stage,
        defaults={"score": int(score), "comment": comment[:500], "rated_by": by},
    )
    record_change(
        actor=by,
        action="policy.rate",
        obj=rating,
        after={"stage": stage, "score": int(score), "created": created},
    )
    return rating


@transaction.atomic
def assign_guide(*, enterprise: Enterprise, guide, by, now: dt.datetime) -> GuideAssignment:
    """Assign a named gold-medal guide (金牌导办) to an enterprise, ending any previous assignment."""
    _require(by, "policy.assign_guide", "您没有指派导办员的权限。")
    if not guide.is_government or not guide.is_active:
        raise BusinessRuleError("导办员必须是在职的政府工作人员。", field="guide")
    previous = GuideAssignment.objects.filter(enterprise=enterprise, ended_at__isnull=True).first()
    if previous and previous.guide_id == guide.pk:
        raise ConflictError("该导办员已在服务这家企业。")
    if previous:
        previous.ended_at = now
        previous.save(update_fields=["ended_at"])
    assignment = GuideAssignment.objects.create(
        enterprise=enterprise, guide=guide, assigned_by=by, assigned_at=now
    )
    record_change(
        actor=by,
        action="policy.assign_guide",
        obj=assignment,
        before={"guide": previous.guide_id} if previous else None,
        after={"guide": guide.pk},
        region_code=enterprise.region.code if enterprise.region_id else "",
    )
    notify(
        recipient=guide,
        title=f"金牌导办：您被指派服务{enterprise.name}",
        body="请主动联系企业，帮助其了解和申报适用政策。",
        link=f"/policies/manage/guides/{assignment.pk}/",
        dedupe_key=f"policy-guide:{assignment.pk}",
    )
    for user in _members([enterprise.pk]).get(enterprise.pk, []):
        notify(
            recipient=user,
            title="已为贵企业指派金牌导办员",
            body=f"导办员：{guide.full_name or guide.username}，将协助贵企业申报政策。",
            link="/policies/mine/",
            dedupe_key=f"policy-guide-enterprise:{assignment.pk}",
        )
    return assignment


@transaction.atomic
def log_guide_contact(
    assignment: GuideAssignment, *, by, channel: str, note: str, now: dt.datetime
) -> GuideContact:
    """Record a contact between the guide and the enterprise (联系记录)."""
    if by.pk != assignment.guide_id and not by.can("policy.assign_guide"):
        raise PermissionDenied("只有该企业的导办员可以记录联系情况。")
    if assignment.ended_at is not None:
        raise BusinessRuleError("该导办服务已结束。")
    if not note.strip():
        raise BusinessRuleError("请填写联系内容。", field="note")
    contact = GuideContact.objects.create(
        assignment=assignment, at=now, channel=channel, note=note[:500], recorded_by=by
    )
    record_change(
        actor=by, action="policy.guide_contact", obj=contact, after={"channel": channel, "note": note}
    )
    return contact
