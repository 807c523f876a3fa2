"""API schemas of the plans app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class PlanOut(Schema):
    id: int
    title: str
    year: int
    region_code: str | None
    status: str


class PlanTargetOut(Schema):
    id: int
    task_number: str | None
    indicator: str
    indicator_key: str
    comparator: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str
    growth: bool
    soft: bool
    period: str
    text: str
    effective_from: dt.date | None
    effective_to: dt.date | None


class PlanTaskOut(Schema):
    id: int
    number: str
    kind: str
    title: str
    section: str | None
    lead_departments: list[str]
    co_departments: list[str]
    deadline: dt.date | None
    weight: Decimal
    progress: Decimal
    expected_progress: Decimal
    status: str
    status_label: str
    status_reason: str
    light: str


class PlanProgressIn(Schema):
    percent: Decimal
    text: str
    measure_id: int | None = None


class PlanProgressOut(Schema):
    id: int
    task_id: int
    percent: Decimal
    task_progress: Decimal
    reported_at: dt.datetime
