"""API schemas of the monitoring app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class TargetOut(Schema):
    comparator: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str
    soft: bool
    growth: bool
    text: str
    plan: str
    plan_year: int
    task_number: str


class IndicatorOut(Schema):
    code: str
    name: str
    dimension: str
    topic: str
    definition: str
    formula: str
    unit: str
    direction: str
    frequency: str
    aggregation: str
    source: str
    responsible_function: str
    in_index: bool
    targets: list[TargetOut]


class IndicatorScoreOut(Schema):
    code: str
    name: str
    unit: str
    direction: str
    weight: float
    value: float | None
    score: float | None
    best: float | None
    worst: float | None


class TopicScoreOut(Schema):
    code: str
    name: str
    weight: float
    score: float | None
    indicators: list[IndicatorScoreOut]


class DimensionScoreOut(Schema):
    code: str
    name: str
    weight: float
    score: float | None
    topics: list[TopicScoreOut]


class IndexOut(Schema):
    region_code: str
    region_name: str
    period: str
    index: float | None
    rank: int | None
    tier: str
    weight_version: int | None
    computed_at: dt.datetime
    method: str
    dimensions: list[DimensionScoreOut]
