"""API schemas of the policy supermarket."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, model_validator


class ObjectIn(Schema):
    """A request body that must be a JSON object (ninja would otherwise read an array as all defaults)."""

    @model_validator(mode="before")
    @classmethod
    def _must_be_object(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # ninja hands validators a DjangoGetter around the parsed JSON
        if not isinstance(raw, dict):
            raise ValueError("请求体应为 JSON 对象")
        return data


class BenefitOut(Schema):
    type: str
    type_label: str
    max_amount_yuan: int | None
    ratio: float | None
    cap_yuan: int | None
    per_year_limit_yuan: int | None


class ClauseOut(Schema):
    id: int
    document_id: int
    number: str
    title: str
    text: str
    topic: str
    support_types: list[str]
    rules: dict[str, Any]
    benefits: list[BenefitOut]
    delivery_mode: str
    application_opens_on: dt.date | None
    application_closes_on: dt.date | None
    materials: list[dict[str, Any]]
    handling_department: str | None
    contact: str
    service_days: int | None
    mobile_url: str


class DocumentOut(Schema):
    id: int
    title: str
    document_number: str
    issuer: str
    level: str
    status: str
    published_on: dt.date | None
    effective_on: dt.date | None
    expires_on: dt.date | None
    is_example: bool
    clauses: list[ClauseOut]


class SearchHitOut(Schema):
    document_id: int
    clause_id: int | None
    title: str
    document_title: str
    snippet_html: str


class SearchOut(Schema):
    total: int
    hits: list[SearchHitOut]
    facets: dict[str, list[dict[str, Any]]]


class ConditionOut(Schema):
    key: str
    label: str
    outcome: str
    requirement: str
    fact: str
    source: str
    hint: str


class MatchOut(Schema):
    clause_id: int
    clause_title: str
    document_title: str
    status: str
    estimated_max_yuan: int | None
    conditions: list[ConditionOut]
    hints: list[str]


# Bounds keep generated or hostile numbers (1e308, NaN, negative ages) out of date and money arithmetic; bools and
# integers are strict, so 0 is not read as “no” and "5" not as 5.
_Count = Annotated[StrictInt, Field(ge=0, le=10_000_000)]
_Amount = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False, strict=True)]


class CalculatorIn(ObjectIn):
    region: str | None = Field(None, max_length=20)
    industry_code: str | None = Field(None, max_length=4)
    industry_section: str | None = Field(None, max_length=1)
    entity_type: str | None = Field(None, max_length=20)
    size: str | None = Field(None, max_length=10)
    age_years: Annotated[float, Field(ge=0, le=200, allow_inf_nan=False, strict=True)] | None = None
    employees: _Count | None = None
    revenue_10k: _Amount | None = None
    rd_ratio: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False, strict=True)] | None = None
    tax_paid_10k: _Amount | None = None
    qualifications: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=50)
    tags: list[Annotated[str, Field(max_length=40)]] | None = Field(None, max_length=50)
    not_dishonest: StrictBool | None = None
    include_unknown: StrictBool = True


class ApplicationIn(ObjectIn):
    enterprise_id: StrictInt
    clause_id: StrictInt
    requested_yuan: Annotated[StrictInt, Field(ge=0, le=10**12)] | None = None
    note: str = Field("", max_length=1000)
    missing_materials: list[Annotated[str, Field(max_length=200)]] = Field([], max_length=50)
    promised_on: dt.date | None = None
    commitment: StrictBool = False


class DisbursementOut(Schema):
    status: str
    amount_yuan: int
    expected_instructed_on: dt.date | None
    instructed_at: dt.datetime | None
    expected_paid_on: dt.date | None
    paid_at: dt.datetime | None


class ApplicationOut(Schema):
    id: int
    tracking_number: str
    enterprise_id: int
    enterprise_name: str
    clause_id: int
    clause_title: str
    channel: str
    status: str
    status_label: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    missing_materials: list[str]
    decision_reason: str
    approved_yuan: int | None
    disbursement: DisbursementOut | None


class ApplicationPage(Schema):
    page: int
    page_size: int
    count: int
    pages: int
    results: list[ApplicationOut]


class PushPreferenceIn(ObjectIn):
    sms: StrictBool = False
    email: StrictBool = False
    phone: str = Field("", max_length=20)
    email_address: str = Field("", max_length=254)
    topics: list[Annotated[str, Field(max_length=20)]] = Field(
        default_factory=list, max_length=40, description="关注的主题（受控词表）；空 = 全部"
    )
    support_types: list[Annotated[str, Field(max_length=20)]] = Field(
        default_factory=list, max_length=40, description="关注的支持方式（受控词表）；空 = 全部"
    )


class PushPreferenceOut(Schema):
    sms: bool
    email: bool
    phone: str
    email_address: str
    topics: list[str]
    support_types: list[str]
