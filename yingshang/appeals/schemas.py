"""API schemas of the appeal loop (/api/v1/appeals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import model_validator


class ObjectIn(Schema):
    """A request body that must be a JSON object: an array or a bare value is refused with a Chinese message
    instead of being read field by field (a schema whose fields all have defaults would take it as all defaults)."""

    @model_validator(mode="before")
    @classmethod
    def _must_be_object(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja hands validators a DjangoGetter around the parsed body
        if not isinstance(raw, dict):
            raise ValueError("请求体应为 JSON 对象")
        return data


class AppealIn(ObjectIn):
    category: str  # category code (Open311 service_code), e.g. "009"
    description: str
    title: str = ""
    urgency: str = "normal"
    requester_type: str = "enterprise"
    enterprise_id: int | None = None
    credit_code: str = ""
    region_code: str = ""
    address: str = ""
    lat: float | None = None
    long: float | None = None
    contact_name: str = ""
    contact_phone: str = ""
    anonymous: bool = False
    client_key: str = ""
    policy_clause_id: int | None = None
    policy_clause_title: str = ""
    approval_item: str = ""


class WorkOrderIn(AppealIn):
    external_id: str  # the 12345 work-order number; a repeated number is refused with 409
    received_at: dt.datetime | None = None


class TransitionIn(ObjectIn):
    action: str
    department_id: int | None = None
    co_department_ids: list[int] = []
    category_id: int | None = None
    reason: str = ""
    note: str = ""
    text: str = ""
    kind: str = ""
    into: str = ""
    days: int | None = None
    extension_id: int | None = None
    level: int | None = None
    resolution: str = ""
    comment: str = ""
    caused_by_unit: bool = False
    contacted: str = (
        ""  # rate/revisit: did the unit contact the requester in time? "yes" / "no" / "" (not asked)
    )
    channel: str = ""
    reached: bool = True
    evidence: str = ""


class EventOut(Schema):
    at: dt.datetime
    actor: str
    action: str
    action_label: str
    from_status: str
    to_status: str
    note: str


class AppealOut(Schema):
    id: int
    tracking_number: str
    channel: str
    status: str
    status_label: str
    category: str
    category_name: str
    urgency: str
    title: str
    description: str
    enterprise_id: int | None
    region_code: str | None
    handling_department: str | None
    received_at: dt.datetime
    sign_due_at: dt.datetime | None
    due_at: dt.datetime | None
    escalation_level: int
    reply_text: str
    rating_level: int | None
    resolution: str
    contact_name: str
    contact_phone: str
    repeated_submission: bool = False


class AppealDetailOut(AppealOut):
    events: list[EventOut]
    allowed_actions: list[str]


class AppealPage(Schema):
    page: int
    page_size: int
    count: int
    pages: int
    results: list[AppealOut]
