"""Monitoring: recompute every score and index (7 regions × 80 indicators × 60 months) and the dashboard p95.

1. Index recompute — ours: `services.recompute_index` (one query for all published values, numpy scoring of every
   indicator/topic/dimension/index and county ranks, one bulk write of the snapshots). Baseline: the same result
   value by value through the ORM (one query per value and per parameter, scalar scoring, update_or_create per
   snapshot). Goal: ≤ 1 s for the full size.
2. Dashboard server time with five years of data, p95 over repeated GETs of /monitoring/ with Django's test
   client. Baseline: the same page when the index is computed on read (recompute the month, then render).
   Goal: p95 ≤ 300 ms.

QUICK=1: 1 month instead of 60 and fewer dashboard requests.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from common import QUICK, percentile, report, setup_django, timed

TZ = ZoneInfo("Asia/Shanghai")
INDICATORS = 80
MONTHS = 1 if QUICK else 60
REQUESTS = 10 if QUICK else 40


def populate() -> list[str]:
    from yingshang.monitoring import services
    from yingshang.monitoring.models import Indicator, IndicatorValue, ScoringParameter, Topic
    from yingshang.monitoring.periods import months_between, shift
    from yingshang.monitoring.selectors import monitored_regions

    services.load_catalogue()
    topics = list(Topic.objects.order_by("sort_order"))
    existing = Indicator.objects.filter(in_index=True).count()
    for n in range(INDICATORS - existing):  # synthetic indicators up to 80, spread over the 18 topics
        indicator = Indicator.objects.create(
            code=f"bench_{n:02d}",
            name=f"基准指标{n:02d}",
            topic=topics[n % 18],
            unit="%",
            direction="higher" if n % 3 else "lower",
            frequency="monthly",
            function_key="statistics",
            source="manual",
            definition="基准测试",
            formula="—",
            sort_order=100 + n,
        )
        best, worst = (95, 40) if n % 3 else (5, 60)
        ScoringParameter.objects.create(
            indicator=indicator, plan_year=2025, version=1, best=best, worst=worst
        )
    indicators = list(Indicator.objects.filter(in_index=True))
    assert len(indicators) == INDICATORS, len(indicators)
    regions = monitored_regions()
    last = "2025-12"
    periods = months_between(shift(last, -(MONTHS - 1)), last)
    rng = random.Random(1)
    now = dt.datetime(2026, 1, 5, tzinfo=TZ)
    rows = [
        IndicatorValue(
            indicator=i,
            region=r,
            period=p,
            value=Decimal(f"{rng.uniform(1, 99):.2f}"),
            origin="demo",
            entered_at=now,
            is_current=True,
            is_published=True,
            published_at=now,
        )
        for i in indicators
        for r in regions
        for p in periods
    ]
    IndicatorValue.objects.bulk_create(rows, batch_size=5000)
    _official_plan()
    services.link_plan_targets()
    return periods


def _official_plan() -> None:
    from pathlib import Path

    from yingshang.core.models import Region
    from yingshang.plans.keys import indicator_key
    from yingshang.plans.models import Plan, PlanTarget
    from yingshang.plans.parsing import parse_plan

    text = (
        Path(__file__).resolve().parent.parent
        / "yingshang"
        / "plans"
        / "tests"
        / "data"
        / "zhangye-2025-action-plan.txt"
    ).read_text(encoding="utf-8")
    parsed = parse_plan(text)
    plan = Plan.objects.create(
        title=parsed.title, year=2025, region=Region.objects.get(kind="city"), status="official"
    )
    PlanTarget.objects.bulk_create(
        [
            PlanTarget(
                plan=plan,
                order=n,
                indicator=t.indicator,
                indicator_key=indicator_key(t.indicator),
                comparator=t.comparator,
                value=t.value,
                low=t.low,
                high=t.high,
                unit=t.unit,
                growth=t.growth,
                soft=t.soft,
                period=t.period or "",
                text=t.text,
            )
            for n, t in enumerate(parsed.targets)
        ]
    )


def baseline_recompute(periods: list[str]) -> int:
    """Value by value through the ORM: what a straightforward implementation does."""
    from yingshang.monitoring import scoring
    from yingshang.monitoring.models import (
        Dimension,
        IndexSnapshot,
        Indicator,
        IndicatorValue,
        ScoringParameter,
    )
    from yingshang.monitoring.periods import parse_period
    from yingshang.monitoring.selectors import monitored_regions, weights_for

    regions = monitored_regions()
    indicators = list(Indicator.objects.filter(in_index=True).select_related("topic"))
    written = 0
    index_by_period: dict[str, dict[int, float | None]] = {}
    for period in periods:
        weights = weights_for(period).weights
        year, month = parse_period(period)
        for region in regions:
            topic_scores: dict[int, list] = {}
            indicator_scores = {}
            for indicator in indicators:
                row = IndicatorValue.objects.filter(
                    indicator=indicator, region=region, period=period, is_published=True, no_data=False
                ).first()
                parameter = (
                    ScoringParameter.objects.filter(indicator=indicator, plan_year__lte=max(year, 2025))
                    .order_by("-plan_year", "-version")
                    .first()
                )
                value = float(row.value) if row else None
                factor = month / 12 if indicator.aggregation == "cumulative" else 1.0
                score = scoring.indicator_score(
                    value,
                    best=float(parameter.best) * factor,
                    worst=float(parameter.worst) * factor,
                    direction=indicator.direction,
                )
                indicator_scores[indicator.code] = {"value": value, "score": score}
                topic_scores.setdefault(indicator.topic_id, []).append(
                    (score, float(weights["indicator"].get(indicator.code, 1)))
                )
            dimension_scores = {}
            for dimension in Dimension.objects.prefetch_related("topics"):
                items = [
                    (
                        scoring.weighted_mean(topic_scores.get(t.pk, [])),
                        float(weights["topic"].get(t.code, 1)),
                    )
                    for t in dimension.topics.all()
                ]
                dimension_scores[dimension.code] = (
                    scoring.weighted_mean(items),
                    float(weights["dimension"].get(dimension.code, 1)),
                )
            index = scoring.weighted_mean(dimension_scores.values())
            index_by_period.setdefault(period, {})[region.pk] = index
            IndexSnapshot.objects.update_or_create(
                region=region,
                period=period,
                defaults={
                    "index_score": index,
                    "indicator_scores": indicator_scores,
                    "computed_at": dt.datetime.now(TZ),
                    "dimension_scores": {k: v[0] for k, v in dimension_scores.items()},
                },
            )
            written += 1
        ranks = scoring.dense_rank(
            {str(r.pk): index_by_period[period][r.pk] for r in regions if r.kind == "county"}
        )
        for region in regions:
            if region.kind == "county":
                IndexSnapshot.objects.filter(region=region, period=period).update(rank=ranks[str(region.pk)])
    return written


def dashboard_times(client, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    setup_django("monitoring_index")
    from django.test import Client
    from django.test.utils import setup_test_environment

    from yingshang.accounts.models import User
    from yingshang.monitoring import services
    from yingshang.monitoring.models import IndexSnapshot

    periods = populate()
    scale = f"7 regions × {INDICATORS} indicators × {MONTHS} months"
    now = dt.datetime(2026, 1, 5, tzinfo=TZ)
    services.recompute_index(now=now)  # warm-up (imports, query plans)
    ours, written = timed(services.recompute_index, now=now)
    assert written == 7 * MONTHS, written
    city_index = IndexSnapshot.objects.get(region__kind="city", period=periods[-1]).index_score
    baseline, _ = timed(baseline_recompute, periods)
    baseline_index = IndexSnapshot.objects.get(region__kind="city", period=periods[-1]).index_score
    assert abs(city_index - baseline_index) < 1e-3, (city_index, baseline_index)
    report(
        "monitoring_index_recompute",
        ours=ours,
        baseline=baseline,
        unit="s",
        scale=scale,
        extra={"goal_seconds": 1.0, "snapshots": written},
    )

    services.recompute_index(now=now)
    setup_test_environment()
    leader = User.objects.create_user(username="bench_leader", role="leader")  # force_login: no password
    client = Client()
    client.force_login(leader)
    url = f"/monitoring/?period={periods[-1]}"
    dashboard_times(client, url, 3)  # warm-up
    ours_p95 = percentile(dashboard_times(client, url, REQUESTS), 95)
    on_read = []
    for _ in range(max(3, REQUESTS // 4)):
        start = time.perf_counter()
        services.recompute_index(now=now, periods=[periods[-1]])
        client.get(url)
        on_read.append(time.perf_counter() - start)
    report(
        "monitoring_dashboard_p95",
        ours=ours_p95 * 1000,
        baseline=percentile(on_read, 95) * 1000,
        unit="ms",
        scale=f"{scale}; {REQUESTS} requests",
        extra={"goal_ms": 300},
    )


if __name__ == "__main__":
    main()
