"""Reads of the monitoring app: regions and responsibilities, current weights, parameters and targets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from yingshang.core.models import Department, Region
from yingshang.monitoring import scoring
from yingshang.monitoring.models import Indicator, IndicatorTarget, ScoringParameter, WeightSet
from yingshang.monitoring.periods import is_due, parse_period


def monitored_regions() -> list[Region]:
    """The city and its counties, in reference order (zones are not monitored separately)."""
    return list(Region.objects.filter(kind__in=["city", "county"]).order_by("sort_order", "code"))


def responsible_department(function_key: str, region: Region) -> Department | None:
    """The department reporting an indicator for a region: the county's own, else the city's."""
    departments = Department.objects.filter(function_key=function_key, is_active=True)
    return departments.filter(region=region).first() or departments.filter(region__kind="city").first()


def department_names_by_function() -> dict[str, str]:
    """The city-level department answering for each function key (e.g. court → 张掖市中级人民法院), for display."""
    names: dict[str, str] = {}
    for key, name in (
        Department.objects.filter(is_active=True, region__kind="city")
        .exclude(function_key="")
        .order_by("path")
        .values_list("function_key", "name")
    ):
        names.setdefault(key, name)
    return names


def reporting_regions(department: Department) -> list[Region]:
    """Regions a department reports for: its county, or the city plus counties without such a department."""
    if department.region.kind != "city":
        return [department.region]
    covered = set(
        Department.objects.filter(function_key=department.function_key, is_active=True)
        .exclude(region=department.region)
        .values_list("region_id", flat=True)
    )
    return [region for region in monitored_regions() if region.kind == "city" or region.pk not in covered]


def due_indicators(*, function_key: str, period: str) -> list[Indicator]:
    """Manually reported indicators a department of this function owes for a period."""
    indicators = Indicator.objects.filter(function_key=function_key, source="manual").select_related("topic")
    return [indicator for indicator in indicators if is_due(indicator.frequency, period)]


def weights_for(period: str) -> WeightSet | None:
    """The weight version in force for a period (the newest version effective on or before it)."""
    return (
        WeightSet.objects.filter(effective_from__lte=period).order_by("-effective_from", "-version").first()
        or WeightSet.objects.order_by("version").first()
    )


def parameters_for(plan_year: int) -> dict[int, tuple[float, float]]:
    """{indicator id: (best, worst)} — the newest version for the year, else the newest earlier (or first) year."""
    result: dict[int, tuple[float, float]] = {}
    rows = (
        ScoringParameter.objects.filter(plan_year__lte=plan_year)
        .order_by("indicator_id", "-plan_year", "-version")
        .values_list("indicator_id", "best", "worst")
    )
    for indicator_id, best, worst in rows:
        result.setdefault(indicator_id, (float(best), float(worst)))
    # Periods before the first plan year are scored with the first parameters (so history stays comparable).
    later = (
        ScoringParameter.objects.filter(plan_year__gt=plan_year)
        .exclude(indicator_id__in=list(result))
        .order_by("indicator_id", "plan_year", "-version")
        .values_list("indicator_id", "best", "worst")
    )
    for indicator_id, best, worst in later:
        result.setdefault(indicator_id, (float(best), float(worst)))
    return result


@dataclass(frozen=True)
class CurrentTarget:
    """A plan target as monitoring uses it, with the plan it comes from."""

    id: int
    indicator_id: int
    comparator: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    unit: str
    soft: bool
    growth: bool
    text: str
    plan_title: str
    plan_year: int
    task_number: str

    @property
    def spec(self) -> scoring.TargetSpec:
        def number(x):
            return None if x is None else float(x)

        return scoring.TargetSpec(self.comparator, number(self.value), number(self.low), number(self.high))

    @property
    def label(self) -> str:
        if self.comparator == "range":
            text = f"{plain(self.low)}–{plain(self.high)}{self.unit}"
        else:
            text = f"{ {'>=': '≥', '<=': '≤', '=': '达到'}[self.comparator] }{plain(self.value)}{self.unit}"
        return ("力争" if self.soft else "") + text


def plain(number) -> str:
    """A Decimal without trailing zeros ("99.0000" → "99", "1.50" → "1.5")."""
    if number is None:
        return ""
    text = f"{Decimal(number):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def targets_by_indicator(year: int) -> dict[int, list[CurrentTarget]]:
    """Active targets of official city plans linked to each indicator, for a year (else the newest earlier).

    Targets come only from `plans.PlanTarget` (through `IndicatorTarget`); none are typed here.
    """
    # Plain values, not model instances: a plan row carries its whole source text (原文), which is not needed here.
    links = (
        IndicatorTarget.objects.filter(
            plan_target__plan__status="official",
            plan_target__is_active=True,
            plan_target__plan__year__lte=year,
        )
        .filter(Q(plan_target__plan__region__isnull=True) | Q(plan_target__plan__region__kind="city"))
        .order_by("-plan_target__plan__year", "plan_target__order", "plan_target_id")
        .values_list(
            "indicator_id",
            "plan_target_id",
            "plan_target__comparator",
            "plan_target__value",
            "plan_target__low",
            "plan_target__high",
            "plan_target__unit",
            "plan_target__soft",
            "plan_target__growth",
            "plan_target__text",
            "plan_target__plan__title",
            "plan_target__plan__year",
            "plan_target__task__number",
        )
    )
    newest_year: dict[int, int] = {}
    result: dict[int, list[CurrentTarget]] = defaultdict(list)
    for (
        indicator_id, target_id, comparator, value, low, high, unit, soft, growth, text, plan_title, plan_year,
        task_number,
    ) in links:
        if newest_year.setdefault(indicator_id, plan_year) != plan_year:
            continue
        result[indicator_id].append(
            CurrentTarget(
                id=target_id,
                indicator_id=indicator_id,
                comparator=comparator,
                value=value,
                low=low,
                high=high,
                unit=unit,
                soft=soft,
                growth=growth,
                text=text,
                plan_title=plan_title,
                plan_year=plan_year,
                task_number=task_number or "",
            )
        )
    return dict(result)


def primary_target(targets: list[CurrentTarget], *, direction: str) -> CurrentTarget | None:
    """The most demanding of an indicator's targets (a plan can state one twice, e.g. 80% and 85%)."""
    if not targets:
        return None

    def demand(target: CurrentTarget) -> float:
        threshold = scoring.target_threshold(target.spec, direction=direction)
        return threshold if direction == scoring.HIGHER else -threshold

    return max(targets, key=demand)


def period_year(period: str) -> int:
    return parse_period(period)[0]


@dataclass(frozen=True)
class ParameterRow:
    """An indicator's best/worst values in force for a plan year, with the version, who set it and why."""

    indicator: Indicator
    parameter: ScoringParameter | None
    inherited: bool  # the values come from another plan year (none set for this one yet)


def parameter_rows(plan_year: int) -> list[ParameterRow]:
    """Every indexed indicator with the parameter version that scores it in a plan year (see `parameters_for`)."""
    rows = list(
        ScoringParameter.objects.select_related("created_by").order_by(
            "indicator_id", "-plan_year", "-version"
        )
    )
    newest: dict[int, ScoringParameter] = {}
    for parameter in rows:
        if parameter.plan_year <= plan_year:
            newest.setdefault(parameter.indicator_id, parameter)
    for parameter in sorted(rows, key=lambda p: (p.plan_year, -p.version)):
        newest.setdefault(parameter.indicator_id, parameter)
    return [
        ParameterRow(
            indicator=i,
            parameter=newest.get(i.pk),
            inherited=newest.get(i.pk) is not None and newest[i.pk].plan_year != plan_year,
        )
        for i in Indicator.objects.filter(in_index=True).select_related("topic").order_by("sort_order")
    ]


def indicator_catalogue(plan_year: int) -> list[dict]:
    """The indicator catalogue with each indicator's current plan targets, as the API's `IndicatorOut` rows.

    Plain dicts in the schema's field order (the API serialises them without building schema objects).
    """
    targets = targets_by_indicator(plan_year)
    rows = Indicator.objects.order_by("sort_order").values_list(
        "pk", "code", "name", "topic__dimension__name", "topic__name", "definition", "formula", "unit", "direction",
        "frequency", "aggregation", "source", "function_key", "in_index",
    )
    return [
        {
            "code": code,
            "name": name,
            "dimension": dimension,
            "topic": topic,
            "definition": definition,
            "formula": formula,
            "unit": unit,
            "direction": direction,
            "frequency": frequency,
            "aggregation": aggregation,
            "source": source,
            "responsible_function": function_key,
            "in_index": in_index,
            "targets": [
                {
                    "comparator": t.comparator,
                    "value": t.value,
                    "low": t.low,
                    "high": t.high,
                    "unit": t.unit,
                    "soft": t.soft,
                    "growth": t.growth,
                    "text": t.text,
                    "plan": t.plan_title,
                    "plan_year": t.plan_year,
                    "task_number": t.task_number,
                }
                for t in targets.get(pk, [])
            ],
        }
        for (
            pk, code, name, dimension, topic, definition, formula, unit, direction, frequency, aggregation, source,
            function_key, in_index,
        ) in rows
    ]
