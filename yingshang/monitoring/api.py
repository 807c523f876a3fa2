"""Monitoring API: the indicator catalogue with current targets, and the index of a region for a month."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from ninja import Router
from ninja.renderers import JSONRenderer

from yingshang.core import dataversions
from yingshang.core.api_support import ErrorOut
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Region
from yingshang.core.page_cache import kept_whole
from yingshang.monitoring import selectors
from yingshang.monitoring.models import Dimension, IndexSnapshot, Indicator, IndicatorTarget, Topic
from yingshang.monitoring.periods import label, parse_period
from yingshang.monitoring.schemas import IndexOut, IndicatorOut

router = Router(tags=["营商环境监测"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
METHOD = (
    "指标得分为前沿距离法 0–100（越高越好：(数值−最差)/(最优−最差)；越低越好：(最差−数值)/(最差−最优)，限定 0–100）；"
    "一级指标、维度与指数为加权平均，缺数据的项不计入。"
)


class NotComputed(BusinessRuleError):
    """No index for that region and month (404 with a Chinese reason)."""

    status = 404


def _require_monitoring(user) -> None:
    if not (user.can("monitoring.view") or user.can("monitoring.submit")):
        raise PermissionDenied("您没有查看营商环境监测数据的权限。")


@router.get(
    "/indicators", response={200: list[IndicatorOut], **ERRORS}, summary="监测指标目录（含当前方案目标）"
)
@kept_whole
def list_indicators(request, year: str = ""):
    _require_monitoring(request.user)
    if year and not (year.isascii() and year.isdigit() and len(year) == 4 and 2000 <= int(year) <= 2100):
        raise BusinessRuleError(
            f"年度“{year}”格式不正确，应为 2000–2100 之间的四位数字（如 2026）。", field="year"
        )
    # The catalogue is the same for every viewer allowed to see it: its JSON is kept per year until a table it reads
    # is written, and sent as is (the rows are plain dicts in the schema's shape, so nothing is validated per request;
    # the response schema above still documents it).
    key = f"{year}:{dataversions.data_key(*_catalogue_tables())}"
    body = dataversions.cached_fragment(
        "api-monitoring-indicators-json",
        key,
        lambda: _RENDERER.render(request, _indicator_catalogue(year), response_status=200),
    )
    return HttpResponse(body, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")


_RENDERER = JSONRenderer()  # the API's renderer (config.api uses django-ninja's default)


@functools.cache
def _catalogue_tables() -> tuple[str, ...]:
    """The tables the catalogue reads: indicators, their topics and dimensions, linked plan targets, snapshots."""
    from yingshang.plans.models import Plan, PlanTarget, PlanTask

    return dataversions.model_tables(
        Indicator, Topic, Dimension, IndicatorTarget, IndexSnapshot, Plan, PlanTarget, PlanTask, Region
    )


def _indicator_catalogue(year: str) -> list[dict]:
    plan_year = (
        int(year) if year else (selectors.period_year(p) if (p := _latest()) else timezone.localdate().year)
    )
    return selectors.indicator_catalogue(plan_year)


def _latest() -> str | None:
    return IndexSnapshot.objects.order_by("-period").values_list("period", flat=True).first()


@router.get(
    "/index", response={200: IndexOut, **ERRORS}, summary="便利度指数（区划、所属期）及各维度、指标得分与输入"
)
def get_index(request, region: str = "", period: str = ""):
    _require_monitoring(request.user)
    if not region:
        raise BusinessRuleError("请提供区划代码 region（GB/T 2260，如 620700）。", field="region")
    if not period:
        raise BusinessRuleError("请提供所属期 period（YYYY-MM，如 2025-06）。", field="period")
    parse_period(period)
    place = Region.objects.filter(code=region.strip(), kind__in=["city", "county"]).first()
    if place is None:
        raise BusinessRuleError(f"区划代码“{region}”不是本市或所辖县区的 GB/T 2260 代码。", field="region")
    snapshot = IndexSnapshot.objects.filter(region=place, period=period).first()
    if snapshot is None:
        raise NotComputed(
            f"{place.name}{label(period)}尚无指数（该月数据尚未审核发布或尚未计算）。", code="not_found"
        )
    weights = selectors.weights_for(period).weights if selectors.weights_for(period) else {}
    indicators_by_topic: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(in_index=True).order_by("sort_order"):
        indicators_by_topic.setdefault(indicator.topic_id, []).append(indicator)

    def weight(level: str, code: str) -> float:
        return float(weights.get(level, {}).get(code, 1.0))

    dimensions = []
    for dimension in Dimension.objects.prefetch_related("topics").order_by("sort_order"):
        topics = []
        for topic in dimension.topics.order_by("sort_order"):
            items = []
            for indicator in indicators_by_topic.get(topic.pk, []):
                data = snapshot.indicator_scores.get(indicator.code) or {}
                items.append(
                    {
                        "code": indicator.code,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "direction": indicator.direction,
                        "weight": weight("indicator", indicator.code),
                        "value": data.get("value"),
                        "score": data.get("score"),
                        "best": data.get("best"),
                        "worst": data.get("worst"),
                    }
                )
            topics.append(
                {
                    "code": topic.code,
                    "name": topic.name,
                    "weight": weight("topic", topic.code),
                    "score": snapshot.topic_scores.get(topic.code),
                    "indicators": items,
                }
            )
        dimensions.append(
            {
                "code": dimension.code,
                "name": dimension.name,
                "weight": weight("dimension", dimension.code),
                "score": snapshot.dimension_scores.get(dimension.code),
                "topics": topics,
            }
        )
    return {
        "region_code": place.code,
        "region_name": place.name,
        "period": period,
        "index": snapshot.index_score,
        "rank": snapshot.rank,
        "tier": snapshot.tier,
        "weight_version": snapshot.weight_version,
        "computed_at": snapshot.computed_at,
        "method": METHOD,
        "dimensions": dimensions,
    }
