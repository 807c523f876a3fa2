"""Workflow actions by name, shared by the appeal page and the API: parse the fields, call the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from yingshang.appeals import access, services
from yingshang.appeals.choices import AppealAction
from yingshang.appeals.models import Appeal, AppealCategory
from yingshang.appeals.services import Upload
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Department


def _department(value) -> Department | None:
    return Department.objects.filter(pk=value, is_active=True).first() if str(value or "").isdigit() else None


def _other_appeal(user, value) -> Appeal | None:
    value = (value or "").strip()
    return Appeal.objects.visible_to(user).filter(tracking_number=value).first() if value else None


def perform(appeal: Appeal, action: str, *, params, files: Sequence[Upload], by, now: dt.datetime) -> Appeal:
    """Parse the fields of one action (a form POST or an API body) and call its service."""
    post, user = params, by
    if action == AppealAction.DISPATCH:
        return services.dispatch_appeal(
            appeal,
            department=_department(post.get("department")),
            by=user,
            now=now,
            note=post.get("note", ""),
            co_departments=[d for d in map(_department, post.getlist("co_departments")) if d],
            category=AppealCategory.objects.filter(pk=post.get("category") or 0).first(),
        )
    if action == AppealAction.REDISPATCH:
        return services.redispatch_appeal(
            appeal,
            department=_department(post.get("department")),
            by=user,
            now=now,
            note=post.get("note", ""),
        )
    if action == AppealAction.ADD_CO_HANDLER:
        return services.add_co_handlers(
            appeal,
            by=user,
            now=now,
            departments=[d for d in map(_department, post.getlist("co_departments")) if d],
        )
    if action == AppealAction.REFUSE:
        return services.refuse_appeal(
            appeal, kind=post.get("kind", ""), reason=post.get("reason", ""), by=user, now=now
        )
    if action == AppealAction.MERGE:
        into = _other_appeal(user, post.get("into"))
        if into is None:
            raise BusinessRuleError("请填写要并入的诉求编号（须为您可查看的诉求）。", field="into")
        return services.merge_appeal(appeal, into=into, by=user, now=now, note=post.get("note", ""))
    if action == AppealAction.SIGN:
        return services.sign_appeal(appeal, by=user, now=now)
    if action == AppealAction.DISPUTE:
        return services.dispute_appeal(appeal, reason=post.get("reason", ""), by=user, now=now)
    if action == AppealAction.REJECT_DISPUTE:
        return services.reject_dispute(appeal, reason=post.get("reason", ""), by=user, now=now)
    if action == AppealAction.CONTACT:
        return services.contact_requester(appeal, note=post.get("note", ""), by=user, now=now)
    if action == AppealAction.PAUSE:
        return services.pause_appeal(appeal, reason=post.get("reason", ""), by=user, now=now)
    if action == AppealAction.RESUME:
        return services.resume_appeal(appeal, by=user, now=now, note=post.get("note", ""))
    if action == AppealAction.REQUEST_EXTENSION:
        return services.request_extension(
            appeal,
            days=_int(post.get("days"), field="days", label="延期天数"),
            reason=post.get("reason", ""),
            by=user,
            now=now,
        )
    if action in (AppealAction.APPROVE_EXTENSION, AppealAction.REJECT_EXTENSION):
        request_obj = access.get_extension_for_user(
            user, _int(post.get("extension"), field="extension", label="延期申请编号")
        )
        return services.decide_extension(
            request_obj,
            approve=action == AppealAction.APPROVE_EXTENSION,
            by=user,
            now=now,
            note=post.get("note", ""),
        )
    if action == AppealAction.REPLY:
        return services.reply_appeal(appeal, text=post.get("text", ""), by=user, now=now, attachments=files)
    if action == AppealAction.RATE:
        return services.rate_appeal(
            appeal,
            level=post.get("level"),
            resolution=post.get("resolution", ""),
            comment=post.get("comment", ""),
            by=user,
            now=now,
            caused_by_unit=post.get("caused_by_unit") == "on",
            contacted={"yes": True, "no": False}.get(post.get("contacted", "")),
        )
    if action == AppealAction.REVISIT:
        return services.revisit_appeal(
            appeal,
            channel=post.get("channel", ""),
            reached=post.get("reached") != "no",
            level=post.get("level"),
            resolution=post.get("resolution", ""),
            note=post.get("note", ""),
            by=user,
            now=now,
            caused_by_unit=post.get("caused_by_unit") == "on",
            contacted={"yes": True, "no": False}.get(post.get("contacted", "")),
        )
    if action == AppealAction.ARCHIVE:
        return services.archive_appeal(
            appeal, evidence=post.get("evidence", ""), by=user, now=now, attachments=files
        )
    if action == AppealAction.URGE:
        return services.urge_appeal(appeal, note=post.get("note", ""), by=user, now=now)
    raise BusinessRuleError("未知的操作。", code="unknown_action", field="action")


def _int(value, *, field: str, label: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdigit():
        raise BusinessRuleError(f"{label}应为正整数。", field=field)
    return int(text)
