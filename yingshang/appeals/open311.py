"""Open311 GeoReport v2 under /open311/v2/ (see OPEN311.md): categories as services, appeals as requests.

Views stay thin: parse the Open311 parameters, call the appeal services, render JSON (Spark convention: lists
are top-level arrays) or XML (UTF-8, declaration first). Errors are arrays of {code, description} with the
matching HTTP status: 404 for unknown resources, 403 for a bad api_key, 400 for everything else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from yingshang.appeals import catalogue, services
from yingshang.appeals.choices import AppealStatus, Channel, RequesterType, Urgency
from yingshang.appeals.models import Appeal, AppealAttachment, AppealCategory, AppealEvent, Open311Client
from yingshang.core.audit import record_change
from yingshang.core.errors import BusinessRuleError
from yingshang.core.workcalendar import SHANGHAI
from yingshang.enterprises.models import Enterprise

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
JURISDICTION = getattr(settings, "YINGSHANG_OPEN311_JURISDICTION", "zhangye.gov.cn")
CLOSED = {AppealStatus.CLOSED, AppealStatus.ARCHIVED, AppealStatus.REFUSED, AppealStatus.MERGED}
MAX_REQUESTS = 1000
MAX_SPAN = dt.timedelta(days=90)
MAX_PAGE = 100_000  # beyond any real listing; keeps OFFSET inside the database's integer range
MAX_DESCRIPTION = 4000
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "notes": "note",
}
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description


# -- rendering -------------------------------------------------------------------------------------------


def _xml_value(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, ITEM_TAGS.get(tag, "item"), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def render(fmt: str, root: str, data, *, status: int = 200) -> HttpResponse:
    """JSON as is; XML with `root` as the outer element (lists get their ITEM_TAGS children)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        holder = ET.Element("holder")
        _xml_value(holder, root, data)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(holder[0], encoding="unicode")
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        fmt if fmt in CONTENT_TYPES else "json",
        "errors",
        [{"code": status, "description": description}],
        status=status,
    )


def _handle(fmt: str, build):
    try:
        return build()
    except Open311Error as exc:
        return error(fmt, exc.status, exc.description)
    except BusinessRuleError as exc:
        return error(fmt, 400, exc.message)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds") if moment else None


def _param(request, name: str) -> str:
    """Open311: an empty parameter is exactly as if it were absent."""
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _check_jurisdiction(request) -> None:
    value = _param(request, "jurisdiction_id")
    if value and value != JURISDICTION:
        raise Open311Error(404, f"jurisdiction_id {value} not found (this endpoint serves {JURISDICTION})")


# -- discovery and services ------------------------------------------------------------------------------


def discovery(request, fmt: str):
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2025-11-26T00:00:00+08:00",
        "contact": "张掖市12345政务服务便民热线中心 · 12345",
        "key_service": "请向市营商环境建设局申请接入密钥（manage.py open311_key 名称）",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": "2025-11-26T00:00:00+08:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


def _service(category: AppealCategory) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ",".join(category.keywords or []),
        "group": category.group,
    }


def service_list(request, fmt: str):
    def build():
        _check_jurisdiction(request)
        return render(fmt, "services", [_service(c) for c in AppealCategory.objects.filter(is_active=True)])

    return _handle(fmt, build)


def _definition(code: str) -> dict:
    attributes = []
    for spec in catalogue.attributes_for(code):
        item = {
            "variable": spec["variable"],
            "code": spec["code"],
            "datatype": spec["datatype"],
            "required": spec["required"],
            "datatype_description": spec.get("datatype_description", ""),
            "order": spec["order"],
            "description": spec["description"],
        }
        if spec["datatype"] in ("singlevaluelist", "multivaluelist"):
            item["values"] = [{"key": key, "name": name} for key, name in spec["values"]]
        attributes.append(item)
    return {"service_code": code, "attributes": attributes}


def _category(code: str) -> AppealCategory:
    if not code:
        raise Open311Error(400, "service_code is required")
    category = AppealCategory.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    return category


def service_definition(request, code: str, fmt: str):
    def build():
        _check_jurisdiction(request)
        return render(fmt, "service_definition", _definition(_category(code).code))

    return _handle(fmt, build)


# -- requests --------------------------------------------------------------------------------------------


def open311_status(status: str) -> str:
    """Our states → Open311's two (documented in OPEN311.md)."""
    return "closed" if status in CLOSED else "open"


def _attachments() -> Prefetch:
    """Only what media_url needs: the ids and purpose of each appeal's attachments, oldest first."""
    return Prefetch(
        "attachments", queryset=AppealAttachment.objects.only("id", "appeal_id", "purpose").order_by("id")
    )


def _media_url(request, appeal: Appeal, *, own: bool) -> str:
    """GeoReport v2 `media_url` (see OPEN311.md, Privacy): the link an Open311 client posted with its own request;
    otherwise the first 诉求材料 attachment through the access-checked download view (signed-in users who may see
    the appeal; never a /media/ address); "" when there is neither."""
    if own and appeal.media_url:
        return appeal.media_url
    attachment = next((a for a in appeal.attachments.all() if a.purpose == "appeal"), None)
    if attachment is None:
        return ""
    return request.build_absolute_uri(reverse("appeals:attachment", args=[appeal.pk, attachment.pk]))


def _request_out(request, appeal: Appeal, *, extensions: bool) -> dict:
    own = appeal.channel == Channel.OPEN311
    closed = appeal.status in CLOSED
    notes = appeal.reply_text if appeal.reply_text and own else appeal.get_status_display()
    if appeal.status == AppealStatus.REFUSED:
        notes = f"不予受理：{appeal.get_refusal_kind_display()}"
    out = {
        "service_request_id": appeal.tracking_number,
        "status": open311_status(appeal.status),
        "status_notes": notes,
        "service_name": appeal.category.name,
        "service_code": appeal.category.code,
        "description": appeal.description if own else "",
        "agency_responsible": appeal.handling_department.name if appeal.handling_department_id else "",
        "service_notice": appeal.sla_text,
        "requested_datetime": _iso(appeal.received_at),
        "updated_datetime": _iso((appeal.archived_at or appeal.closed_at) if closed else appeal.updated_at),
        "expected_datetime": _iso(appeal.due_at),
        "address": appeal.address if own else "",
        "address_id": "",
        "zipcode": "",
        "lat": str(appeal.latitude) if own and appeal.latitude is not None else "",
        "long": str(appeal.longitude) if own and appeal.longitude is not None else "",
        "media_url": _media_url(request, appeal, own=own),
    }
    if extensions:
        out["extended_attributes"] = {
            "state": appeal.status,
            "state_label": appeal.get_status_display(),
            "channel": appeal.channel,
            "duplicate": appeal.status == AppealStatus.MERGED,
            "parent_service_request_id": appeal.duplicate_of.tracking_number
            if appeal.duplicate_of_id
            else "",
        }
        out["notes"] = [
            {
                "datetime": _iso(e.at),
                "description": e.note if own else "",
                "type": e.action,
                "summary": e.action_label,
            }
            for e in appeal.events.order_by("id")
        ]
    return out


def _date(value: str, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2025-11-26T00:00:00+08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _query(request) -> tuple[list[Appeal], bool]:
    extensions = _param(request, "extensions") == "true"
    qs = (
        Appeal.objects.select_related("category", "handling_department", "duplicate_of")
        .prefetch_related(_attachments())
        .order_by("-received_at")
    )
    ids = [i.strip() for i in _param(request, "service_request_id").split(",") if i.strip()]
    if ids:  # overrides every other parameter
        return list(qs.filter(tracking_number__in=ids[:MAX_REQUESTS])), extensions
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    start, end = (
        _date(_param(request, "start_date"), "start_date"),
        _date(_param(request, "end_date"), "end_date"),
    )
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    if start and end and end < start:
        raise Open311Error(400, "end_date is before start_date")
    start, end = _span(start, end)
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    statuses = {s.strip() for s in _param(request, "status").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or both (comma-separated)")
    if statuses == {"open"}:
        qs = qs.exclude(status__in=CLOSED)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=CLOSED)
    page_size = _param(request, "page_size")
    page = _param(request, "page")
    size = min(int(page_size), MAX_REQUESTS) if page_size.isdigit() and int(page_size) > 0 else MAX_REQUESTS
    number = min(int(page), MAX_PAGE) if page.isdigit() and int(page) > 0 else 1
    return list(qs[(number - 1) * size : number * size]), extensions


def _span(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """Fill a missing bound so that the window is MAX_SPAN (none → the last 90 days); dates at the calendar's
    edge (year 1 or 9999) are a 400, not an overflow."""
    try:
        if not start and not end:
            end = timezone.now()
            start = end - MAX_SPAN
        elif start and not end:
            end = start + MAX_SPAN
        elif end and not start:
            start = end - MAX_SPAN
    except OverflowError as exc:
        raise Open311Error(400, "start_date/end_date out of range") from exc
    return start, end


@csrf_exempt
def requests_view(request, fmt: str):
    if request.method == "POST":
        return _handle(fmt, lambda: _post_request(request, fmt))
    if request.method != "GET":
        return error(fmt, 400, "only GET and POST are supported")

    def build():
        _check_jurisdiction(request)
        appeals, extensions = _query(request)
        return render(
            fmt, "service_requests", [_request_out(request, a, extensions=extensions) for a in appeals]
        )

    return _handle(fmt, build)


def request_detail(request, request_id: str, fmt: str):
    def build():
        _check_jurisdiction(request)
        appeal = (
            Appeal.objects.select_related("category", "handling_department", "duplicate_of")
            .prefetch_related(_attachments())
            .filter(tracking_number=request_id)
            .first()
        )
        if appeal is None:
            raise Open311Error(404, f"service_request_id {request_id} not found")
        return render(
            fmt,
            "service_requests",
            [_request_out(request, appeal, extensions=_param(request, "extensions") == "true")],
        )

    return _handle(fmt, build)


def token_view(request, token: str, fmt: str):
    def build():
        _check_jurisdiction(request)
        appeal = Appeal.objects.filter(token=token).only("tracking_number", "token").first()
        if appeal is None:
            raise Open311Error(404, f"token {token} not found")
        return render(
            fmt, "service_requests", [{"service_request_id": appeal.tracking_number, "token": token}]
        )

    return _handle(fmt, build)


def client_for_key(key: str) -> Open311Client | None:
    if not key:
        return None
    digest = hashlib.sha256(key.encode()).hexdigest()
    return Open311Client.objects.filter(key_hash=digest, revoked_at__isnull=True).first()


def _attributes(request, code: str) -> dict[str, object]:
    """attribute[CODE]=v and attribute[CODE][]=v1&…, checked against the service definition."""
    values: dict[str, object] = {}
    for spec in catalogue.attributes_for(code):
        key = spec["code"]
        many = request.POST.getlist(f"attribute[{key}][]")
        one = (request.POST.get(f"attribute[{key}]") or "").strip()
        value: object = [v for v in many if v.strip()] if spec["datatype"] == "multivaluelist" else one
        if not value:
            if spec["required"]:
                raise Open311Error(400, f"attribute[{key}] is required ({spec['description']})")
            continue
        allowed = {k for k, _ in spec.get("values", ())}
        if spec["datatype"] == "singlevaluelist" and value not in allowed:
            raise Open311Error(400, f"attribute[{key}] must be one of: {', '.join(sorted(allowed))}")
        if spec["datatype"] == "multivaluelist" and set(value) - allowed:
            raise Open311Error(400, f"attribute[{key}] values must be among: {', '.join(sorted(allowed))}")
        if spec["datatype"] == "number":
            try:
                value = Decimal(str(value))
            except ArithmeticError as exc:
                raise Open311Error(400, f"attribute[{key}] must be a number") from exc
            if not value.is_finite() or abs(value) >= 10**12:
                raise Open311Error(400, f"attribute[{key}] must be a finite number below 10^12")
        values[key] = value
    return values


def _whole(value) -> int:
    """A number attribute that must be a whole, positive id (policy_clause_id)."""
    if value != value.to_integral_value() or value <= 0:
        raise Open311Error(400, "attribute[policy_clause_id] must be a positive whole number")
    return int(value)


def _post_request(request, fmt: str) -> HttpResponse:
    _check_jurisdiction(request)
    client = client_for_key(_param(request, "api_key"))
    if client is None:
        raise Open311Error(403, "api_key is missing or invalid")
    category = _category(_param(request, "service_code"))
    lat, long = _param(request, "lat"), _param(request, "long")
    address, address_id = _param(request, "address_string"), _param(request, "address_id")
    if bool(lat) != bool(long):
        raise Open311Error(400, "lat and long must be given together")
    if not (lat or address or address_id):
        raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
    description = _param(request, "description")
    if not description:
        raise Open311Error(400, "description is required (at least 10 characters)")
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description is longer than {MAX_DESCRIPTION} characters")
    if TAG_RE.search(description):
        raise Open311Error(400, "description must be plain text without HTML")
    attributes = _attributes(request, category.code)
    enterprise = None
    if attributes.get("credit_code"):
        enterprise = Enterprise.objects.filter(credit_code=str(attributes["credit_code"]).upper()).first()
    extras = [
        f"{name}：{attributes[key]}"
        for key, name in (
            ("enterprise_name", "企业"),
            ("amount_10k", "金额（万元）"),
            ("debtor_type", "欠款方类型"),
        )
        if key in attributes
    ]
    full_description = description + (f"\n【{'；'.join(extras)}】" if extras else "")
    name = " ".join(p for p in (_param(request, "last_name"), _param(request, "first_name")) if p)
    with transaction.atomic():
        appeal = services.file_appeal(
            by=None,
            channel=Channel.OPEN311,
            category=category,
            description=full_description,
            urgency=str(attributes.get("urgency") or Urgency.NORMAL),
            requester_type=str(attributes.get("requester_type") or RequesterType.ENTERPRISE),
            enterprise=enterprise,
            address=address or address_id,
            latitude=lat or None,
            longitude=long or None,
            contact_name=name,
            contact_phone=_param(request, "phone"),
            media_url=_param(request, "media_url"),
            policy_clause_id=_whole(attributes["policy_clause_id"])
            if "policy_clause_id" in attributes
            else None,
            now=timezone.now(),
        )
        record_change(actor=None, action="appeal.open311_post", obj=appeal, after={"client": client.name})
    try:
        notice = services.rule_for(appeal).describe()
    except BusinessRuleError:
        notice = ""  # the appeal is saved; only the SLA text is missing
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": appeal.tracking_number, "service_notice": notice, "account_id": None}],
    )


def request_updates(request, fmt: str):
    """GET servicerequestupdates (GeoReport v2 "Service Request Updates" extension): one update per timeline event
    in the window (start_date/end_date as for requests; ≤ 90 days), newest first, at most 1,000. As for requests,
    the text of an update is shown only for requests posted through Open311; the others show the action only."""

    def build():
        _check_jurisdiction(request)
        start = _date(_param(request, "start_date"), "start_date")
        end = _date(_param(request, "end_date"), "end_date")
        if start and end and (end < start or end - start > MAX_SPAN):
            raise Open311Error(400, "start_date and end_date must be in order and span at most 90 days")
        start, end = _span(start, end)
        events = (
            AppealEvent.objects.filter(at__gte=start, at__lte=end)
            .exclude(action__in=["urge", "supervise", "publicize"])
            .select_related("appeal")
            .order_by("-at", "-id")[:MAX_REQUESTS]
        )
        updates = [
            {
                "update_id": str(e.pk),
                "service_request_id": e.appeal.tracking_number,
                "status": open311_status(e.to_status or e.appeal.status),
                "updated_datetime": _iso(e.at),
                "description": f"{e.action_label}"
                + (f"：{e.note}" if e.appeal.channel == Channel.OPEN311 and e.note else ""),
                "media_url": "",
            }
            for e in events
        ]
        return render(fmt, "service_request_updates", updates)

    return _handle(fmt, build)


def unknown(request, path: str = ""):
    fmt = "xml" if path.endswith(".xml") else "json"
    return error(fmt, 400, "invalid URL: see /open311/v2/discovery.json")
