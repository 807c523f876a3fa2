"""Reads behind the 驾驶舱 (dashboard), the target table and the monthly report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Region
from yingshang.monitoring import scoring, selectors
from yingshang.monitoring.choices import TrackStatus
from yingshang.monitoring.models import Alert, Dimension, IndexSnapshot, Indicator, IndicatorValue, Topic
from yingshang.monitoring.periods import label, parse_period

PROJECTION_METHODS = {
    "level": "近月线性趋势（最小二乘）外推",
    "cumulative": "年初至今累计按月均速度外推",
}
INDEX_CODE = (
    "ease_index"  # the catalogue's indicator standing for the 便利度指数 itself (its values are the index)
)
TOLERANCE_SHARE = 0.1  # 有风险: the forecast misses by at most 10% of the indicator's best–worst span


def latest_period() -> str | None:
    return IndexSnapshot.objects.order_by("-period").values_list("period", flat=True).first()


@dataclass(frozen=True)
class TargetRow:
    """One plan target with the indicator's current value, year-end forecast and status."""

    code: str
    name: str
    unit: str
    indicator: Indicator
    region: Region
    target_label: str
    target_threshold: float
    target_count: int
    current: float | None
    current_meets: bool | None
    forecast: float | None
    method: str
    status: str
    score: float | None

    @property
    def status_label(self) -> str:
        return TrackStatus(self.status).label


def target_rows(*, period: str, region: Region, latest_scores: dict | None = None) -> list[TargetRow]:
    """Every indicator with a plan target, its current value, forecast and 达标/风险 status for a region.

    Reads: the targets (via plans), the year's published values up to `period`, and the index snapshots.
    `latest_scores`: the indicator scores of the region's snapshot for `period`, when the caller has it already.
    """
    year, month = parse_period(period)
    targets = selectors.targets_by_indicator(year)
    if not targets:
        return []
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=targets.keys())}
    parameters = selectors.parameters_for(year)
    points: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for indicator_id, value_period, value in (
        IndicatorValue.objects.published()
        .filter(
            indicator_id__in=indicators.keys(),
            region=region,
            period__gte=f"{year}-01",
            period__lte=period,
            no_data=False,
        )
        .values_list("indicator_id", "period", "value")
    ):
        points[indicator_id].append((int(value_period[5:]), float(value)))
    # Oldest first: the last snapshot is the month shown (the model's default order is newest first).
    snapshots = list(
        IndexSnapshot.objects.filter(region=region, period__gte=f"{year}-01", period__lte=period)
        .order_by("period")
        .values_list("period", "index_score")
    )
    index_points = [(int(p[5:]), s) for p, s in snapshots if s is not None]
    if latest_scores is None:
        # Only the month shown needs its indicator scores (a large JSON document per snapshot).
        latest_scores = (
            IndexSnapshot.objects.filter(region=region, period=period)
            .values_list("indicator_scores", flat=True)
            .first()
            if snapshots and snapshots[-1][0] == period
            else None
        ) or {}
    rows = []
    for indicator_id, indicator_targets in targets.items():
        indicator = indicators[indicator_id]
        primary = selectors.primary_target(indicator_targets, direction=indicator.direction)
        series = index_points if indicator.code == INDEX_CODE else sorted(points.get(indicator_id, []))
        cumulative = indicator.aggregation == "cumulative"
        current = series[-1][1] if series else None
        forecast = scoring.project_year_end(series, cumulative=cumulative)
        best, worst = parameters.get(indicator_id, (0.0, 0.0))
        status = scoring.track_status(
            current,
            forecast,
            primary.spec,
            direction=indicator.direction,
            tolerance=TOLERANCE_SHARE * abs(best - worst),
        )
        score = (latest_scores.get(indicator.code) or {}).get("score")
        rows.append(
            TargetRow(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                indicator=indicator,
                region=region,
                target_label=primary.label,
                target_threshold=scoring.target_threshold(primary.spec, direction=indicator.direction),
                target_count=len(indicator_targets),
                current=None if current is None else round(current, 2),
                current_meets=scoring.meets_target(current, primary.spec, direction=indicator.direction),
                forecast=None if forecast is None else round(forecast, 2),
                method=PROJECTION_METHODS["cumulative" if cumulative else "level"],
                status=status,
                score=score,
            )
        )
    rows.sort(key=lambda row: (indicator_order(row.indicator), row.code))
    return rows


def indicator_order(indicator: Indicator) -> int:
    return indicator.sort_order


@dataclass(frozen=True)
class Overview:
    period: str
    period_label: str
    city: IndexSnapshot | None
    counties: list[IndexSnapshot]
    dimensions: list[Dimension]
    topics: list[Topic]
    trend: list[tuple[str, float | None]]
    status_counts: dict[str, int]
    targets: list[TargetRow]
    worst: list[dict]
    alerts: list[Alert]

    @property
    def index_target(self) -> TargetRow | None:
        """The plan's target for the 便利度指数 itself (e.g. 力争≥90分), if the plan states one."""
        return next((row for row in self.targets if row.code == INDEX_CODE), None)


def dashboard_overview(*, requested: str, user) -> Overview | None:
    """The overview of the month asked for (a valid YYYY-MM), else of the latest month; None before any index."""
    period = requested or latest_period()
    if not period:
        return None
    try:
        parse_period(period)
    except BusinessRuleError:
        return None
    return overview(period=period, user=user)


def overview(*, period: str, user) -> Overview:
    """Everything the city overview shows for a month, in a fixed number of queries."""
    snapshots = list(
        IndexSnapshot.objects.filter(period=period)
        .select_related("region")
        .order_by("region__sort_order", "region__code")
    )
    city = next((s for s in snapshots if s.region.kind == "city"), None)
    counties = sorted(
        (s for s in snapshots if s.region.kind == "county"),
        key=lambda s: (s.rank or 999, s.region.sort_order),
    )
    trend = list(
        IndexSnapshot.objects.filter(region__kind="city")
        .order_by("period")
        .values_list("period", "index_score")
    )
    targets = target_rows(period=period, region=city.region, latest_scores=city.indicator_scores) if city else []
    counts = {status: 0 for status in TrackStatus.values}
    for row in targets:
        counts[row.status] += 1
    indicators = {i.code: i for i in Indicator.objects.filter(in_index=True)}
    worst = []
    if city:
        scored = [
            (data["score"], code, data)
            for code, data in city.indicator_scores.items()
            if data.get("score") is not None and code in indicators
        ]
        for score, code, data in sorted(scored, key=lambda item: (item[0], item[1]))[:8]:
            worst.append({"indicator": indicators[code], "score": score, "value": data["value"]})
    return Overview(
        period=period,
        period_label=label(period),
        city=city,
        counties=counties,
        dimensions=list(Dimension.objects.order_by("sort_order")),
        topics=list(Topic.objects.order_by("sort_order")),
        trend=trend,
        status_counts=counts,
        targets=targets,
        worst=worst,
        alerts=list(
            Alert.objects.visible_to(user)
            .filter(status="open")
            .select_related("indicator", "region", "department")[:8]
        ),
    )


def charts(view: Overview) -> dict:
    """ECharts options for the overview: index trend, county ranking, county radar."""
    dimension_names = [d.name for d in view.dimensions]
    target = view.index_target
    return {
        "trend": {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 16, "top": 24, "bottom": 32},
            "xAxis": {"type": "category", "data": [p for p, _ in view.trend]},
            "yAxis": {"type": "value", "min": 0, "max": 100},
            "series": [
                {
                    "type": "line",
                    "name": "便利度指数",
                    "smooth": True,
                    "data": [None if s is None else round(s, 1) for _, s in view.trend],
                    **(
                        {
                            "markLine": {
                                "symbol": "none",
                                "label": {"formatter": f"目标 {target.target_label}"},
                                "data": [{"yAxis": target.target_threshold}],
                            }
                        }
                        if target
                        else {}
                    ),
                }
            ],
        },
        "ranking": {
            "tooltip": {},
            "grid": {"left": 90, "right": 24, "top": 16, "bottom": 24},
            "xAxis": {"type": "value", "min": 0, "max": 100},
            "yAxis": {"type": "category", "inverse": True, "data": [s.region.name for s in view.counties]},
            "series": [
                {
                    "type": "bar",
                    "name": "便利度指数",
                    "label": {"show": True, "position": "right"},
                    "data": [
                        None if s.index_score is None else round(s.index_score, 1) for s in view.counties
                    ],
                }
            ],
        },
        "radar": {
            "tooltip": {},
            "legend": {"type": "scroll", "bottom": 0},
            "radar": {"indicator": [{"name": name, "max": 100} for name in dimension_names], "radius": "60%"},
            "series": [
                {
                    "type": "radar",
                    "data": [
                        {
                            "name": s.region.name,
                            # ECharts draws "-" as a gap: a dimension without data is not a zero.
                            "value": [_rounded(s.dimension_scores.get(d.code)) for d in view.dimensions],
                        }
                        for s in ([view.city] if view.city else []) + view.counties
                    ],
                }
            ],
        },
    }


def _rounded(score: float | None) -> float | str:
    return "-" if score is None else round(score, 1)


def heat_class(score: float | None) -> str:
    if score is None:
        return "heat-none"
    if score >= 90:
        return "heat-high"
    if score >= 75:
        return "heat-mid"
    if score >= 60:
        return "heat-low"
    return "heat-bad"


def heat_rows(view: Overview) -> list[dict]:
    """The county comparison: each region's dimension scores with their colour class."""
    return [
        {
            "snapshot": s,
            "cells": [
                (d, s.dimension_scores.get(d.code), heat_class(s.dimension_scores.get(d.code)))
                for d in view.dimensions
            ],
        }
        for s in ([view.city] if view.city else []) + view.counties
    ]
