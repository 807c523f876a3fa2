import datetime as dt
from decimal import Decimal

from ninja import Schema


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    entity_type: str
    industry_code: str | None
    industry_name: str | None
    established_on: dt.date | None
    status: str
    region_code: str | None
    region_name: str | None
    zone_name: str | None
    employees: int | None
    revenue_10k: Decimal | None
    size: str
    size_label: str
    size_reason: str
    foreign_invested: bool
    above_scale: bool
    tags: list[str]


class EnterpriseDetailOut(EnterpriseOut):
    address: str
    legal_representative: str
    total_assets_10k: Decimal | None
    registered_capital_10k: Decimal | None
    credit_class: str
    qualifications: list[str]
    provenance: dict


class EnterprisePage(Schema):
    page: int
    page_size: int
    count: int
    pages: int
    results: list[EnterpriseOut]


class RejectedRow(Schema):
    row: int
    field: str
    value: str
    reason: str


class ImportOut(Schema):
    id: int
    status: str
    status_label: str
    file: str
    dry_run: bool
    total_rows: int
    processed_rows: int
    progress_percent: int
    created: int
    updated: int
    unchanged: int
    rejected_count: int
    rejected: list[RejectedRow]
    warnings: list[str]
    error: str
