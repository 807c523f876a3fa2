"""Monitoring fixtures: the catalogue, the seed plan made official, and helpers for values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# The plans app ships the seed plan (the same text as shared/seed/zhangye-2025-action-plan.txt).
SEED_PLAN = Path(__file__).resolve().parents[2] / "plans" / "data" / "zhangye-2025-action-plan.txt"
PLAN_TEXT_FALLBACK = Path(__file__).resolve().parents[2] / "plans" / "tests" / "data"
TZ = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


def seed_plan_text() -> str:
    if SEED_PLAN.exists():
        return SEED_PLAN.read_text(encoding="utf-8")
    for candidate in sorted(PLAN_TEXT_FALLBACK.glob("*zhangye*")):
        return candidate.read_text(encoding="utf-8")
    pytest.skip("seed plan text not available")


@pytest.fixture
def catalogue(db):
    from yingshang.monitoring.services import load_catalogue

    load_catalogue()


def make_official_plan(text: str, *, year: int = 2025):
    """The plan as the plans app stores it after import and confirmation (targets from the parser)."""
    from yingshang.core.models import Region
    from yingshang.plans.keys import indicator_key
    from yingshang.plans.models import Plan, PlanTarget
    from yingshang.plans.parsing import parse_plan

    parsed = parse_plan(text)
    plan = Plan.objects.create(
        title=parsed.title,
        year=year,
        region=Region.objects.get(code="620700"),
        status="official",
        official_at=at(year, 1, 10),
    )
    for order, target in enumerate(parsed.targets):
        PlanTarget.objects.create(
            plan=plan,
            order=order,
            indicator=target.indicator,
            indicator_key=indicator_key(target.indicator),
            comparator=target.comparator,
            value=target.value,
            low=target.low,
            high=target.high,
            unit=target.unit,
            growth=target.growth,
            soft=target.soft,
            period=target.period or "",
            text=target.text,
        )
    return plan


@pytest.fixture
def official_plan(catalogue):
    from yingshang.monitoring.services import link_plan_targets

    plan = make_official_plan(seed_plan_text())
    link_plan_targets()
    return plan


def publish(indicator_code: str, region_code: str, period: str, value, *, now=None):
    """A published value written directly (test shortcut for an approved submission)."""
    from decimal import Decimal

    from yingshang.core.models import Region
    from yingshang.monitoring.models import Indicator, IndicatorValue

    now = now or at(2025, 12, 1)
    return IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code=indicator_code),
        region=Region.objects.get(code=region_code),
        period=period,
        value=None if value is None else Decimal(str(value)),
        no_data=value is None,
        origin="form",
        entered_at=now,
        is_current=True,
        is_published=True,
        published_at=now,
    )


def score_first_quarter(*city_indicators: str) -> None:
    """2025 Q1 values of 网上立案率 for the city, 甘州区 and 临泽县 (and 70 for each of `city_indicators`, city-wide),
    then the index computed."""
    from yingshang.monitoring import services

    for month in (1, 2, 3):
        publish("online_filing_rate", "620700", f"2025-{month:02d}", 60 + 5 * month)
        publish("online_filing_rate", "620702", f"2025-{month:02d}", 50 + month)
        publish("online_filing_rate", "620723", f"2025-{month:02d}", 70 + month)
        for code in city_indicators:
            publish(code, "620700", f"2025-{month:02d}", 70)
    services.recompute_index(now=at(2025, 4, 10))


@pytest.fixture
def scored(official_plan):
    """The official plan with 2025 Q1 values of one indicator for the city, 甘州区 and 临泽县, and the index computed."""
    score_first_quarter()
