"""Appeal API (/api/v1/appeals): create, list, detail, transitions, and the 12345 work-order push."""

from __future__ import annotations

from typing import Annotated, get_origin

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.params.models import Body as BodyParam
from ninja.params.models import BodyModel

from yingshang.appeals import access, actions, masking, selectors, services, workflow
from yingshang.appeals.choices import Channel
from yingshang.appeals.models import Appeal
from yingshang.appeals.schemas import (
    AppealDetailOut,
    AppealIn,
    AppealOut,
    AppealPage,
    TransitionIn,
    WorkOrderIn,
)
from yingshang.core.api_support import ErrorOut, paginate
from yingshang.core.errors import BusinessRuleError
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import require
from yingshang.enterprises.models import Enterprise

router = Router(tags=["诉求闭环"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class _JsonOrFormModel(BodyModel):
    """A JSON body, or the same fields form-encoded (simple 12345 systems post forms; lists repeat the key)."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type not in FORM_TYPES:
            return super().get_request_data(request, api, path_params)
        name = getattr(cls, "__read_from_single_attr__", None)
        schema = cls.model_fields[name].annotation if name else cls
        lists = {key for key, spec in schema.model_fields.items() if get_origin(spec.annotation) is list}
        data = {
            key: request.POST.getlist(key) if key in lists else request.POST.get(key)
            for key in request.POST
            if request.POST.get(key) != "" or key in lists
        }
        return {name: data} if name else data


class JsonOrForm(BodyParam):
    _model = _JsonOrFormModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"  # documented as the JSON body it also is


class ListQuery(Schema):
    q: str = ""
    status: str = ""
    category: str = ""
    department: str = ""
    region: str = ""
    month: str = ""
    overdue: str = ""
    channel: str = ""
    page: int = 1
    page_size: int = 20


# The columns _out and the contact check read: a list reads only these (an appeal row has some 70).
OUT_FIELDS = (
    "tracking_number",
    "channel",
    "status",
    "category__code",
    "category__name",
    "urgency",
    "title",
    "description",
    "enterprise_id",
    "region__code",
    "handling_department__name",
    "handling_department__path",
    "received_at",
    "sign_due_at",
    "due_at",
    "escalation_level",
    "reply_text",
    "rating_level",
    "resolution",
    "contact_name",
    "contact_phone",
    "recorded_by_id",
    "submitted_by_id",
)


def _out(appeal: Appeal, user, *, shows_contact: bool | None = None) -> dict:
    if shows_contact is None:
        shows_contact = access.can_see_contact(user, appeal)
    return {
        "id": appeal.pk,
        "tracking_number": appeal.tracking_number,
        "channel": appeal.channel,
        "status": appeal.status,
        "status_label": appeal.get_status_display(),
        "category": appeal.category.code,
        "category_name": appeal.category.name,
        "urgency": appeal.urgency,
        "title": appeal.title,
        "description": appeal.description,
        "enterprise_id": appeal.enterprise_id,
        "region_code": appeal.region.code if appeal.region_id else None,
        "handling_department": appeal.handling_department.name if appeal.handling_department_id else None,
        "received_at": appeal.received_at,
        "sign_due_at": appeal.sign_due_at,
        "due_at": appeal.due_at,
        "escalation_level": appeal.escalation_level,
        "reply_text": appeal.reply_text,
        "rating_level": appeal.rating_level,
        "resolution": appeal.resolution,
        "contact_name": appeal.contact_name if shows_contact else masking.mask_name(appeal.contact_name),
        "contact_phone": appeal.contact_phone if shows_contact else masking.mask_phone(appeal.contact_phone),
        "repeated_submission": getattr(appeal, "repeated_submission", False),
    }


def _reject_nul(payload: Schema) -> None:
    """PostgreSQL refuses NUL in text; the page middleware catches it in forms, JSON bodies are checked here."""
    for name, value in payload.dict().items():
        if "\x00" in str(value):
            raise BusinessRuleError(
                "请求中含有不允许的控制字符（NUL），已拒绝。", code="invalid_characters", field=name
            )


def _enterprises():
    """Enterprises as filing needs them: the id and the region (the appeal's region when none is given)."""
    return Enterprise.objects.select_related("region").only("pk", "region")


def _file(request, payload: AppealIn, *, channel: str, external_id: str = "", received_at=None) -> Appeal:
    user = request.user
    _reject_nul(payload)
    snapshot = selectors.catalogue()
    category = snapshot.categories.get(payload.category)
    if category is None:
        raise BusinessRuleError(
            f"诉求类别“{payload.category}”不存在或已停用。", code="unknown_category", field="category"
        )
    enterprise = None
    if payload.enterprise_id is not None:
        enterprise = _enterprises().visible_to(user).filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise BusinessRuleError(
                "企业不存在，或您不能以该企业名义提交。", code="forged_enterprise", field="enterprise_id"
            )
    elif payload.credit_code:
        enterprise = _enterprises().filter(credit_code=payload.credit_code.strip().upper()).first()
        if enterprise is None:
            raise BusinessRuleError("主体库中没有这个统一社会信用代码。", field="credit_code")
    region = None
    if payload.region_code:
        region = snapshot.regions.get(payload.region_code)
        if region is None:
            raise BusinessRuleError(f"区划代码“{payload.region_code}”不存在。", field="region_code")
    return services.file_appeal(
        by=user,
        channel=channel,
        category=category,
        description=payload.description,
        title=payload.title,
        urgency=payload.urgency,
        requester_type=payload.requester_type,
        enterprise=enterprise,
        region=region,
        address=payload.address,
        latitude=payload.lat,
        longitude=payload.long,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        anonymous=payload.anonymous,
        client_key=payload.client_key,
        external_id=external_id,
        policy_clause_id=payload.policy_clause_id,
        policy_clause_title=payload.policy_clause_title,
        approval_item=payload.approval_item,
        now=received_at or timezone.now(),
    )


@router.post(
    "",
    response={200: AppealOut, 201: AppealOut, **ERRORS},
    summary="提交诉求（重复的 client_key 返回原诉求）",
)
def create_appeal(request, payload: Annotated[AppealIn, JsonOrForm(...)]):
    user = request.user
    if not (user.can("appeal.file") or user.can("appeal.intake") or user.can("appeal.import")):
        raise PermissionDenied("您没有提交诉求的权限。")
    appeal = _file(request, payload, channel=Channel.API)
    return Status(200 if getattr(appeal, "repeated_submission", False) else 201, _out(appeal, user))


@router.post(
    "/work-orders", response={201: AppealOut, **ERRORS}, summary="12345 工单推送（工单号重复返回 409）"
)
def push_work_order(request, payload: Annotated[WorkOrderIn, JsonOrForm(...)]):
    require(request.user, "appeal.import")
    appeal = _file(
        request,
        payload,
        channel=Channel.HOTLINE_12345,
        external_id=payload.external_id,
        received_at=payload.received_at,
    )
    return Status(201, _out(appeal, request.user))


@router.get("", response={200: AppealPage, **ERRORS}, summary="诉求列表（按权限范围，筛选、分页）")
@kept_whole(seconds=60)
def list_appeals(request, query: Query[ListQuery]):
    filters = selectors.LedgerFilters.from_mapping(query.dict())
    appeals = (
        selectors.ledger(request.user, filters, now=timezone.now())
        .select_related(None)
        .select_related("category", "region", "handling_department")
        .only(*OUT_FIELDS)
    )
    items, meta = paginate(appeals, page=query.page, page_size=query.page_size)
    shown = access.contacts_shown(request.user, items)
    return {**meta, "results": [_out(a, request.user, shows_contact=a.pk in shown) for a in items]}


@router.get("/{int:appeal_id}", response={200: AppealDetailOut, **ERRORS}, summary="诉求详情与办理记录")
def get_appeal(request, appeal_id: int):
    appeal = access.get_appeal_for_user(request.user, appeal_id)
    events = [
        {
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "action_label": e.action_label,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
        }
        for e in appeal.events.order_by("id")
    ]
    allowed = [
        a for a in workflow.allowed_actions(appeal.status) if services.can_act(request.user, appeal, a)
    ]
    return {**_out(appeal, request.user), "events": events, "allowed_actions": allowed}


class _Params(dict):
    """A JSON body seen through the form interface (get/getlist) that actions.perform reads."""

    def getlist(self, key: str) -> list:
        value = self.get(key)
        return list(value) if isinstance(value, (list, tuple)) else ([] if value in (None, "") else [value])


@router.post(
    "/{int:appeal_id}/transitions",
    response={200: AppealOut, **ERRORS},
    summary="办理操作：派单、签收、退单、改派、联系、暂停、延期、答复、评价、回访、销号、催办",
)
def transition(request, appeal_id: int, payload: Annotated[TransitionIn, JsonOrForm(...)]):
    appeal = access.get_appeal_for_user(request.user, appeal_id)
    _reject_nul(payload)
    data = payload.dict()
    params = _Params(
        {
            **data,
            "department": data["department_id"],
            "co_departments": data["co_department_ids"],
            "category": data["category_id"],
            "extension": data["extension_id"],
            "reached": "yes" if data["reached"] else "no",
            "caused_by_unit": "on" if data["caused_by_unit"] else "",
        }
    )
    appeal = actions.perform(
        appeal, payload.action, params=params, files=(), by=request.user, now=timezone.now()
    )
    return _out(appeal, request.user)
