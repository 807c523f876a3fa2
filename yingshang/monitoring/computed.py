"""Computed indicators (平台自动计算): indicator code → provider(region, period) → value with provenance.

Providers read other apps defensively: the import happens inside the function, and when the other app is
missing or has no data for the region and month the result is None — "no data", never zero.

Contracts used (so the other apps know what is read):
- appeals: `yingshang.appeals.selectors.enterprise_hotline_rates(region, month)` — 12345 处办率 and 满意率 over
  appeals from enterprises only (individuals' appeals are counted and named in the provenance, never included).
- policies: `Disbursement` (status paid) over `PolicyApplication` approved in the year to date, by the
  enterprise's county.
- plans: weighted mean `progress` of the tasks of the year's official plan (city: all tasks; county: tasks
  led by a department of that county).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from yingshang.monitoring.periods import month_end, parse_period

OPTIONAL_ERRORS = (ImportError, LookupError, AttributeError)


@dataclass(frozen=True)
class ComputedValue:
    value: Decimal
    provenance: str


Provider = Callable[[object, str], ComputedValue | None]
PROVIDERS: dict[str, Provider] = {}


def provider(code: str) -> Callable[[Provider], Provider]:
    def register(function: Provider) -> Provider:
        PROVIDERS[code] = function
        return function

    return register


def compute(code: str, region, period: str) -> ComputedValue | None:
    """The computed value of an indicator, or None when there is no provider or no data."""
    function = PROVIDERS.get(code)
    if function is None:
        return None
    try:
        return function(region, period)
    except OPTIONAL_ERRORS:
        return None


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))


def _hotline_rates(region, period: str):
    """Enterprise-only 12345 counts and rates from the appeals app (`enterprise_hotline_rates`)."""
    from yingshang.appeals.selectors import enterprise_hotline_rates

    year, month = parse_period(period)
    return enterprise_hotline_rates(region, dt.date(year, month, 1))


def _excluded(count: int) -> str:
    return f"；个人诉求 {count} 件不计入" if count else ""


@provider("hotline_handling_rate")
def hotline_handling_rate(region, period: str) -> ComputedValue | None:
    rates = _hotline_rates(region, period)
    if rates.handling_rate is None:
        return None
    return ComputedValue(
        Decimal(rates.handling_rate),
        f"诉求闭环 {period}（{region.name}）涉企诉求：已答复 {rates.replied} / 派单 {rates.dispatched}"
        f"{_excluded(rates.individual_dispatched)}（{rates.formula_version}）",
    )


@provider("hotline_satisfaction_rate")
def hotline_satisfaction_rate(region, period: str) -> ComputedValue | None:
    rates = _hotline_rates(region, period)
    if rates.satisfaction_rate is None:
        return None
    return ComputedValue(
        Decimal(rates.satisfaction_rate),
        f"诉求闭环 {period}（{region.name}）涉企诉求：满意及基本满意 {rates.satisfied} / 已评价 "
        f"{rates.rated}{_excluded(rates.individual_rated)}（{rates.formula_version}）",
    )


@provider("policy_disbursement_rate")
def policy_disbursement_rate(region, period: str) -> ComputedValue | None:
    from yingshang.policies.models import PolicyApplication

    year, _ = parse_period(period)
    end = dt.datetime.combine(month_end(period), dt.time.max, tzinfo=dt.UTC)
    approved = PolicyApplication.objects.filter(status="approved", decided_at__year=year, decided_at__lte=end)
    if region.kind != "city":
        approved = approved.filter(enterprise__region=region)
    total = approved.count()
    paid = approved.filter(disbursement__status="paid", disbursement__paid_at__lte=end).count()
    rate = _rate(paid, total)
    if rate is None:
        return None
    return ComputedValue(
        rate, f"政策超市兑现台账 {year}年1月至{period}（{region.name}）：已到账 {paid} / 审核通过 {total}"
    )


@provider("plan_task_completion")
def plan_task_completion(region, period: str) -> ComputedValue | None:
    from yingshang.plans.selectors import official_plan

    year, _ = parse_period(period)
    plan = official_plan(year)
    if plan is None:
        return None
    tasks = plan.tasks.all()
    if region.kind != "city":
        tasks = tasks.filter(lead_departments__region=region).distinct()
    weighted = [(Decimal(t.weight), Decimal(t.progress)) for t in tasks.only("weight", "progress")]
    total_weight = sum(w for w, _ in weighted)
    if not total_weight:
        return None
    value = (sum(w * p for w, p in weighted) / total_weight).quantize(Decimal("0.01"))
    return ComputedValue(value, f"《{plan.title}》{len(weighted)} 项任务的加权平均进度（{region.name}）")
