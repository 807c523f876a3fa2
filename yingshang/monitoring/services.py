"""Write use cases of the monitoring app: catalogue and parameters, data collection and review, computed
values, the index recompute, and alerts. Surveys are in `survey_services.py`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import connection, transaction
from django.db.models import FloatField
from django.db.models.functions import Cast

from yingshang.core.audit import Change, record_change, record_changes, snapshot
from yingshang.core.errors import BusinessRuleError, ConflictError
from yingshang.core.models import Department, Region
from yingshang.core.queueing import enqueue_with_commit
from yingshang.core.selectors import load_work_calendar
from yingshang.core.services import notify
from yingshang.monitoring import catalogue as catalogue_module
from yingshang.monitoring import computed, scoring, selectors
from yingshang.monitoring.choices import (
    SUBMISSION_TRANSITIONS,
    AlertKind,
    AlertStatus,
    SubmissionStatus,
    ValueOrigin,
)
from yingshang.monitoring.models import (
    Alert,
    Dimension,
    IndexSnapshot,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ScoringParameter,
    Submission,
    SubmissionRound,
    Topic,
    WeightSet,
)
from yingshang.monitoring.periods import label, month_end, parse_period, shift
from yingshang.monitoring.validation import IndicatorRule, RowInput, validate_row
from yingshang.monitoring.weights import default_weights, validate_weights

DEADLINE_WORKING_DAYS = 5  # figures for a month are due on the 5th working day of the next month
REMINDER_WORKING_DAYS = 2  # reminders go out this many working days before the deadline
SCORE_DROP_THRESHOLD = 10.0
RANK_FALL_THRESHOLD = 2
INDICATOR_FIELDS = [
    "name",
    "topic",
    "unit",
    "direction",
    "frequency",
    "aggregation",
    "function_key",
    "source",
    "definition",
    "formula",
    "plan_names",
    "min_value",
    "max_value",
    "in_index",
    "sort_order",
]


# -- catalogue, parameters, weights, targets ----------------------------------------------------------


@transaction.atomic
def load_catalogue(*, by=None) -> dict[str, int]:
    """Load the indicator catalogue (指标目录) from reference data; add missing parameters and weights.

    Idempotent: unchanged records are left alone, changed ones are updated with an audit event, and the
    first scoring parameters (plan year 2025) and weights (v1) are created only when none exist.
    """
    data = catalogue_module.load()
    changes: list[Change] = []
    dimensions = {}
    for order, row in enumerate(data.dimensions):
        dimensions[row["code"]], _ = Dimension.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "sort_order": order}
        )
    topics = {}
    for order, row in enumerate(data.topics):
        topics[row["code"]], _ = Topic.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "dimension": dimensions[row["dimension"]], "sort_order": order},
        )
    existing = {indicator.code: indicator for indicator in Indicator.objects.all()}
    created = updated = 0
    for order, row in enumerate(data.indicators):
        fields = {
            "name": row["name"],
            "topic": topics[row["topic"]],
            "unit": row["unit"],
            "direction": row["direction"],
            "frequency": row["frequency"],
            "aggregation": row.get("aggregation", "level"),
            "function_key": row["department"],
            "source": row["source"],
            "definition": row["definition"],
            "formula": row["formula"],
            "plan_names": row.get("plan_names", []),
            "min_value": _decimal(row.get("min")),
            "max_value": _decimal(row.get("max")),
            "in_index": row.get("in_index", True),
            "sort_order": order,
            "catalogue_version": data.version,
        }
        indicator = existing.get(row["code"])
        if indicator is None:
            indicator = Indicator.objects.create(code=row["code"], **fields)
            created += 1
            changes.append(
                Change(
                    "monitoring.indicator.create",
                    "monitoring.indicator",
                    str(indicator.pk),
                    indicator.name,
                    None,
                    snapshot(indicator, INDICATOR_FIELDS),
                )
            )
        else:
            before = snapshot(indicator, INDICATOR_FIELDS)
            for name, value in fields.items():
                setattr(indicator, name, value)
            after = snapshot(indicator, INDICATOR_FIELDS)
            if _comparable(before) != _comparable(after):
                indicator.save()
                updated += 1
                changes.append(
                    Change(
                        "monitoring.indicator.update",
                        "monitoring.indicator",
                        str(indicator.pk),
                        indicator.name,
                        before,
                        after,
                    )
                )
        if not indicator.parameters.exists():
            parameter = ScoringParameter.objects.create(
                indicator=indicator,
                plan_year=catalogue_module.FIRST_PLAN_YEAR,
                version=1,
                best=Decimal(str(row["best"])),
                worst=Decimal(str(row["worst"])),
                basis="指标目录默认值：最优值取方案目标或国内标杆，最差值取商定下限",
            )
            changes.append(
                Change(
                    "monitoring.parameter.create",
                    "monitoring.scoringparameter",
                    str(parameter.pk),
                    str(parameter),
                    None,
                    {"best": row["best"], "worst": row["worst"]},
                )
            )
    if not WeightSet.objects.exists():
        weights = default_weights(
            dimensions={d["code"]: d["weight"] for d in data.dimensions},
            topics_by_dimension=data.topics_by_dimension(),
            indicators_by_topic=data.indicators_by_topic(),
        )
        weight_set = WeightSet.objects.create(
            version=1,
            effective_from=f"{catalogue_module.FIRST_PLAN_YEAR}-01",
            weights=weights,
            note="指标目录默认：维度等权，同级指标等权",
        )
        changes.append(
            Change(
                "monitoring.weights.create",
                "monitoring.weightset",
                str(weight_set.pk),
                str(weight_set),
                None,
                {"version": 1},
            )
        )
    record_changes(changes, actor=by)
    return {"created": created, "updated": updated, "indicators": len(data.indicators)}


def _comparable(fields: dict) -> dict:
    """Snapshot values with numbers as numbers ("0.0000" and "0" are the same bound)."""
    return {
        key: (float(value) if key in ("min_value", "max_value") and value is not None else value)
        for key, value in fields.items()
    }


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@transaction.atomic
def link_plan_targets(*, by=None) -> int:
    """Link indicators to the targets of official plans (plans.PlanTarget), matching on the indicator key.

    Returns the number of new links; existing links are kept. Targets stay in the plans app only.
    """
    from yingshang.plans.keys import indicator_key
    from yingshang.plans.models import PlanTarget

    by_key: dict[str, Indicator] = {}
    for indicator in Indicator.objects.all():
        for name in [indicator.name, *indicator.plan_names]:
            by_key.setdefault(indicator_key(name), indicator)
    linked = set(IndicatorTarget.objects.values_list("indicator_id", "plan_target_id"))
    new_links = []
    for target in PlanTarget.objects.filter(plan__status="official", is_active=True):
        indicator = by_key.get(target.indicator_key or indicator_key(target.indicator)) or by_key.get(
            indicator_key(target.indicator)
        )
        if indicator is None or (indicator.pk, target.pk) in linked:
            continue
        new_links.append(IndicatorTarget(indicator=indicator, plan_target=target))
        linked.add((indicator.pk, target.pk))
    IndicatorTarget.objects.bulk_create(new_links)
    record_changes(
        [
            Change(
                "monitoring.target.link",
                "monitoring.indicator",
                str(link.indicator_id),
                link.indicator.name,
                None,
                {"plan_target": link.plan_target_id},
            )
            for link in new_links
        ],
        actor=by,
    )
    return len(new_links)


def unmatched_plan_targets() -> list:
    """Official plan targets that no indicator is linked to (shown to administrators)."""
    from yingshang.plans.models import PlanTarget

    return list(
        PlanTarget.objects.filter(
            plan__status="official", is_active=True, monitoring_links__isnull=True
        ).select_related("plan")
    )


@transaction.atomic
def set_scoring_parameter(
    *, indicator: Indicator, plan_year: int, best: Decimal, worst: Decimal, basis: str, by
) -> ScoringParameter:
    """Add a new version of an indicator's best/worst values for a plan year (old versions are kept)."""
    if best == worst:
        raise BusinessRuleError("最优值与最差值不能相同。", field="best")
    wrong_way = best < worst if indicator.direction == "higher" else best > worst
    if wrong_way:
        expected = "大于" if indicator.direction == "higher" else "小于"
        raise BusinessRuleError(
            f"“{indicator.name}”{indicator.get_direction_display()}，最优值应{expected}最差值。", field="best"
        )
    last = indicator.parameters.filter(plan_year=plan_year).order_by("-version").first()
    parameter = ScoringParameter.objects.create(
        indicator=indicator,
        plan_year=plan_year,
        version=(last.version + 1) if last else 1,
        best=best,
        worst=worst,
        basis=basis,
        created_by=by,
    )
    record_change(
        actor=by,
        action="monitoring.parameter.create",
        obj=parameter,
        before={"best": str(last.best), "worst": str(last.worst)} if last else None,
        after={"best": str(best), "worst": str(worst), "plan_year": plan_year},
        reason=basis,
    )
    return parameter


@dataclass(frozen=True)
class ParameterChange:
    """A proposed new best/worst pair (前沿值/下限值) of one indicator."""

    indicator: Indicator
    best: Decimal
    worst: Decimal


def read_parameter_changes(data, *, plan_year: int) -> tuple[list[ParameterChange], list[dict]]:
    """Parse the parameter form (`best:<code>`, `worst:<code>`): the changed pairs and Chinese errors per field.

    A pair left equal to the values in force is not a change; both cells of a pair are needed.
    """
    from yingshang.monitoring.validation import LIMIT, parse_number

    current = selectors.parameters_for(plan_year)
    changes: list[ParameterChange] = []
    errors: list[dict] = []
    for indicator in Indicator.objects.filter(in_index=True).order_by("sort_order"):
        raw_best, raw_worst = data.get(f"best:{indicator.code}"), data.get(f"worst:{indicator.code}")
        if raw_best is None and raw_worst is None:
            continue
        best, worst = parse_number(raw_best or ""), parse_number(raw_worst or "")
        problem = ""
        if best is None or worst is None:
            problem = f"“{indicator.name}”的{'最优值' if best is None else '最差值'}不是数字。"
        elif abs(best) >= LIMIT or abs(worst) >= LIMIT:
            problem = f"“{indicator.name}”的取值超出可保存的范围。"
        elif indicator.unit == "%" and not (0 <= best <= 100 and 0 <= worst <= 100):
            problem = f"“{indicator.name}”是百分比，最优值和最差值应在 0–100 之间。"
        else:
            problem = parameter_problem(indicator, best, worst)
        if problem:
            errors.append({"field": indicator.code, "reason": problem})
            continue
        best, worst = best.quantize(Decimal("0.0001")), worst.quantize(Decimal("0.0001"))
        before = current.get(indicator.pk)
        if before is not None and (float(best), float(worst)) == before:
            continue
        changes.append(ParameterChange(indicator=indicator, best=best, worst=worst))
    return changes, errors


def parameter_problem(indicator: Indicator, best: Decimal, worst: Decimal) -> str:
    """The Chinese reason a best/worst pair is unusable for this indicator, or ""."""
    if best == worst:
        return f"“{indicator.name}”的最优值与最差值不能相同（得分公式的分母为零）。"
    wrong_way = best < worst if indicator.direction == "higher" else best > worst
    if wrong_way:
        expected = "大于" if indicator.direction == "higher" else "小于"
        return f"“{indicator.name}”{indicator.get_direction_display()}，最优值应{expected}最差值。"
    return ""


@transaction.atomic
def set_scoring_parameters(
    *, plan_year: int, changes: Sequence[ParameterChange], basis: str, by, now: dt.datetime
) -> list[ScoringParameter]:
    """Save new versions of several indicators' best/worst values for a plan year, all or none, then queue the
    recompute of that year's index in the background (评分参数)."""
    if not 2000 <= plan_year <= 2100:
        raise BusinessRuleError(f"方案年度“{plan_year}”不正确。", field="plan_year")
    if not basis.strip():
        raise BusinessRuleError("请填写调整依据（为什么改、依据什么）。", field="basis")
    if len(basis.strip()) > 300:
        raise BusinessRuleError("调整依据不能超过 300 字。", field="basis")
    if not changes:
        raise BusinessRuleError("没有需要保存的改动。", field="parameters")
    errors = [
        {"field": c.indicator.code, "reason": p}
        for c in changes
        if (p := parameter_problem(c.indicator, c.best, c.worst))
    ]
    if errors:
        raise BusinessRuleError(
            errors[0]["reason"], code="invalid_parameters", field="parameters", details=errors
        )
    saved = [
        set_scoring_parameter(
            indicator=c.indicator, plan_year=plan_year, best=c.best, worst=c.worst, basis=basis.strip(), by=by
        )
        for c in changes
    ]
    queue_recompute(periods=published_periods(year=plan_year), now=now)
    return saved


def published_periods(*, year: int | None = None, since: str | None = None) -> list[str]:
    """Periods with published values, of one year or from a period on."""
    periods = IndicatorValue.objects.published()
    if year is not None:
        periods = periods.filter(period__startswith=f"{year}-")
    if since is not None:
        periods = periods.filter(period__gte=since)
    return sorted(set(periods.values_list("period", flat=True)))


def queue_recompute(*, periods: Sequence[str], now: dt.datetime) -> None:
    """Recompute the index of these periods in the background once the current transaction commits."""
    from yingshang.monitoring.tasks import recompute_monitoring_index

    if periods:
        enqueue_with_commit(recompute_monitoring_index, periods=list(periods))


@dataclass(frozen=True)
class PreviewRow:
    """One region's index before and after a proposed change (nothing saved)."""

    region: Region
    before: float | None
    after: float | None
    rank_before: int | None
    rank_after: int | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 2)


def preview_index(
    *,
    period: str,
    now: dt.datetime,
    weights: dict | None = None,
    parameters: dict[int, tuple[float, float]] | None = None,
) -> list[PreviewRow]:
    """The index of every region for a period as stored now and as it would be with other weights or parameters."""
    year, _ = parse_period(period)
    current = compute_index(now=now, periods=[period])
    proposal = compute_index(
        now=now,
        periods=[period],
        weights=WeightSet(version=0, effective_from=period, weights=weights) if weights is not None else None,
        parameters={year: parameters} if parameters else None,
    )
    after = {s.region_id: s for s in proposal}
    return [
        PreviewRow(
            region=s.region,
            before=_round(s.index_score),
            after=_round(after[s.region_id].index_score),
            rank_before=s.rank,
            rank_after=after[s.region_id].rank,
        )
        for s in current
    ]


def _round(score: float | None) -> float | None:
    return None if score is None else round(score, 2)


@transaction.atomic
def save_weights(*, weights: dict, effective_from: str, note: str, by) -> WeightSet:
    """Save a new weight version (权重) after checking every group adds up to 100; nothing saved otherwise."""
    parse_period(effective_from, field="effective_from")
    data = catalogue_module.load()
    names = {row["code"]: row["name"] for row in (*data.dimensions, *data.topics, *data.indicators)}
    errors = validate_weights(
        weights,
        names=names,
        dimensions=[d["code"] for d in data.dimensions],
        topics_by_dimension=data.topics_by_dimension(),
        indicators_by_topic=data.indicators_by_topic(),
    )
    if errors:
        raise BusinessRuleError(
            errors[0],
            code="invalid_weights",
            field="weights",
            details=[{"field": "weights", "reason": e} for e in errors],
        )
    if not note.strip():
        raise BusinessRuleError("请填写调整原因（为什么改、依据什么）。", field="note")
    if len(note.strip()) > 300:
        raise BusinessRuleError("调整原因不能超过 300 字。", field="note")
    last = WeightSet.objects.order_by("-version").first()
    known = {
        "dimension": {d["code"] for d in data.dimensions},
        "topic": {t["code"] for t in data.topics},
        "indicator": {code for codes in data.indicators_by_topic().values() for code in codes},
    }
    clean = {
        level: {code: float(w) for code, w in weights.get(level, {}).items() if code in known[level]}
        for level in ("dimension", "topic", "indicator")
    }
    weight_set = WeightSet.objects.create(
        version=(last.version + 1) if last else 1,
        effective_from=effective_from,
        weights=clean,
        note=note.strip(),
        created_by=by,
    )
    record_change(
        actor=by,
        action="monitoring.weights.create",
        obj=weight_set,
        before=last.weights if last else None,
        after=clean,
        reason=note,
    )
    queue_recompute(periods=published_periods(since=effective_from), now=weight_set.created_at)
    return weight_set


# -- data collection ----------------------------------------------------------------------------------


@transaction.atomic
def open_round(*, period: str, by=None) -> SubmissionRound:
    """Open the collection round (填报轮次) of a month; its deadline is the 5th working day after month end."""
    parse_period(period)
    existing = SubmissionRound.objects.filter(period=period).first()
    if existing:
        return existing
    deadline = load_work_calendar().add_working_days(month_end(period), DEADLINE_WORKING_DAYS)
    collection_round = SubmissionRound.objects.create(period=period, deadline=deadline, created_by=by)
    record_change(
        actor=by,
        action="monitoring.round.open",
        obj=collection_round,
        after={"period": period, "deadline": deadline},
    )
    return collection_round


def departments_owing(collection_round: SubmissionRound) -> list[Department]:
    """Departments with due manual indicators for the round that have not submitted yet."""
    keys = {
        indicator.function_key
        for indicator in Indicator.objects.filter(source="manual")
        if selectors.due_indicators(function_key=indicator.function_key, period=collection_round.period)
    }
    done = set(
        collection_round.submissions.filter(
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED]
        ).values_list("department_id", flat=True)
    )
    return [
        d
        for d in Department.objects.filter(
            function_key__in=keys, is_active=True, region__kind__in=["city", "county"]
        ).select_related("region")
        if d.pk not in done
    ]


def _department_users(department: Department):
    from yingshang.accounts.models import User

    return User.objects.filter(department=department, is_active=True, role__in=["dept_staff", "dept_leader"])


def remind_round(*, collection_round: SubmissionRound, today: dt.date) -> int:
    """Remind departments that still owe figures (催报), from 2 working days before the deadline; idempotent."""
    calendar = load_work_calendar()
    if calendar.working_days_between(today, collection_round.deadline) > REMINDER_WORKING_DAYS:
        return 0
    sent = 0
    for department in departments_owing(collection_round):
        for user in _department_users(department):
            if notify(
                recipient=user,
                title=f"请于 {collection_round.deadline:%m月%d日} 前报送{label(collection_round.period)}监测数据",
                body=f"{department.name}尚未提交{label(collection_round.period)}营商环境监测数据。",
                link=f"/monitoring/rounds/{collection_round.pk}/",
                dedupe_key=f"monitoring.remind.{collection_round.pk}.{department.pk}",
            ):
                sent += 1
    SubmissionRound.objects.filter(pk=collection_round.pk, reminded_at__isnull=True).update(
        reminded_at=dt.datetime.combine(today, dt.time(9), tzinfo=calendar.tz)
    )
    return sent


@dataclass(frozen=True)
class SubmittedRow:
    """One value a department reports: indicator and region by code, plus what the user typed."""

    indicator_code: str
    region_code: str
    raw_value: object
    raw_no_data: object = ""
    note: str = ""
    unit: str | None = None
    row_label: str = ""


def _transition(submission: Submission, to: str) -> None:
    if to not in SUBMISSION_TRANSITIONS[submission.status]:
        raise ConflictError(
            f"当前状态“{submission.get_status_display()}”不能变为“{SubmissionStatus(to).label}”。",
            code="transition_not_allowed",
        )


@transaction.atomic
def submit_values(
    *,
    collection_round: SubmissionRound,
    department: Department,
    rows: Sequence[SubmittedRow],
    by,
    now: dt.datetime,
    origin: str = ValueOrigin.FORM,
    source_file: str = "",
) -> Submission:
    """A department submits its figures for a round (web form or Excel): all rows valid or nothing saved.

    1. Check the deadline (a returned submission may be corrected after it) and the department's scope.
    2. Validate every row (number, unit, percent ≤ 100, range, jump versus the last published value).
    3. Write a new value version for each row, keeping the previous one (`replaces`), and audit each.
    4. Mark the submission 待审核 for the city office.
    """
    source_file = _short_file_name(source_file)
    submission, _ = Submission.objects.select_for_update().get_or_create(
        round=collection_round, department=department
    )
    today = now.astimezone(load_work_calendar().tz).date()
    late = today > collection_round.deadline
    if late and submission.status != SubmissionStatus.RETURNED:
        raise BusinessRuleError(
            f"{label(collection_round.period)}数据已于 {collection_round.deadline:%Y年%m月%d日} 截止报送；"
            "如需补报或更正，请联系市营商局退回后再提交。",
            code="deadline_passed",
        )
    _transition(submission, SubmissionStatus.SUBMITTED)
    indicators = {
        i.code: i
        for i in selectors.due_indicators(
            function_key=department.function_key, period=collection_round.period
        )
    }
    regions = {r.code: r for r in selectors.reporting_regions(department)}
    errors: list[dict] = []
    checked: list[tuple[Indicator, Region, SubmittedRow, Decimal | None, bool]] = []
    previous = _previous_values(indicators.values(), regions.values(), collection_round.period)
    seen = set()
    for position, row in enumerate(rows, start=1):
        row_label = row.row_label or f"第 {position} 行"
        indicator = indicators.get(row.indicator_code)
        if indicator is None:
            errors.append(
                {
                    "field": row_label,
                    "reason": f"{row_label}：指标“{row.indicator_code}”不属于"
                    f"{department.name}{label(collection_round.period)}的填报范围。",
                }
            )
            continue
        region = regions.get(row.region_code)
        if region is None:
            errors.append(
                {
                    "field": row_label,
                    "reason": f"{row_label}：区划“{row.region_code}”不在"
                    f"{department.name}的填报范围内，请只填报本部门负责的区划。",
                }
            )
            continue
        if (indicator.code, region.code) in seen:
            errors.append(
                {"field": row_label, "reason": f"{row_label}：“{indicator.name}”（{region.name}）重复填报。"}
            )
            continue
        seen.add((indicator.code, region.code))
        rule = IndicatorRule(
            code=indicator.code,
            name=indicator.name,
            unit=indicator.unit,
            min_value=indicator.min_value,
            max_value=indicator.max_value,
            jump_ratio=indicator.jump_ratio,
        )
        result = validate_row(
            RowInput(
                row_label=f"{row_label}{'' if len(regions) == 1 else region.name}",
                raw_value=row.raw_value,
                raw_no_data=row.raw_no_data,
                unit=row.unit,
                note=row.note or "",
            ),
            rule,
            previous=previous.get((indicator.pk, region.pk)),
        )
        errors.extend({"field": row_label, "reason": reason} for reason in result.errors)
        checked.append((indicator, region, row, result.value, result.no_data))
    missing = [
        f"{i.name}（{r.name}）"
        for i in indicators.values()
        for r in regions.values()
        if (i.code, r.code) not in seen
    ]
    if missing and not errors:
        errors.append(
            {
                "field": "rows",
                "reason": f"以下指标未填写：{'、'.join(missing[:10])}"
                f"{' 等' if len(missing) > 10 else ''}；没有数据请标记“无数据”并说明原因。",
            }
        )
    if errors:
        raise BusinessRuleError(errors[0]["reason"], code="invalid_values", field="rows", details=errors)
    changes = []
    for indicator, region, row, value, no_data in checked:
        new = _write_version(
            indicator=indicator,
            region=region,
            period=collection_round.period,
            value=value,
            no_data=no_data,
            note=row.note or "",
            origin=origin,
            department=department,
            submission=submission,
            by=by,
            now=now,
            source_file=source_file,
        )
        changes.append(
            Change(
                "monitoring.value.submit",
                "monitoring.indicatorvalue",
                str(new.pk),
                str(new),
                {"value": str(new.replaces.value) if new.replaces else None} if new.replaces_id else None,
                {
                    "value": None if no_data else str(value),
                    "no_data": no_data,
                    "origin": origin,
                    "file": source_file,
                },
                region.code,
                department.path,
            )
        )
    before_status = submission.status
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_by, submission.submitted_at, submission.late = by, now, late
    submission.save(update_fields=["status", "submitted_by", "submitted_at", "late"])
    changes.append(
        Change(
            "monitoring.submission.submit",
            "monitoring.submission",
            str(submission.pk),
            str(submission),
            {"status": before_status},
            {"status": submission.status},
            department.region.code,
            department.path,
        )
    )
    record_changes(changes, actor=by)
    return submission


def _short_file_name(name: str, limit: int = 200) -> str:
    """The uploaded file's name as provenance, cut to the column's size with its extension kept."""
    name = name.replace("\x00", "").strip()
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    extension = extension[:10] if dot else ""
    return (
        (stem if dot else name)[: limit - len(extension) - 2] + "…" + (f".{extension}" if extension else "")
    )


def _previous_values(indicators, regions, period: str) -> dict[tuple[int, int], Decimal]:
    """The latest published value before `period` for each (indicator, region), for the jump check."""
    result: dict[tuple[int, int], Decimal] = {}
    rows = (
        IndicatorValue.objects.published()
        .filter(indicator__in=list(indicators), region__in=list(regions), period__lt=period, no_data=False)
        .order_by("indicator_id", "region_id", "-period")
        .values_list("indicator_id", "region_id", "value")
    )
    for indicator_id, region_id, value in rows:
        result.setdefault((indicator_id, region_id), value)
    return result


def _write_version(
    *,
    indicator,
    region,
    period,
    value,
    no_data,
    note,
    origin,
    department,
    submission,
    by,
    now,
    source_file="",
    computation="",
    reason="",
    publish=False,
) -> IndicatorValue:
    """Add a value version; the previous current version stays as history (`replaces`)."""
    current = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, region=region, period=period, is_current=True)
        .first()
    )
    if current is not None:
        IndicatorValue.objects.filter(pk=current.pk).update(is_current=False)
    if publish:
        IndicatorValue.objects.filter(
            indicator=indicator, region=region, period=period, is_published=True
        ).update(is_published=False)
    return IndicatorValue.objects.create(
        indicator=indicator,
        region=region,
        period=period,
        value=value,
        no_data=no_data,
        note=note,
        origin=origin,
        department=department,
        submission=submission,
        entered_by=by,
        entered_at=now,
        source_file=source_file,
        computation=computation,
        replaces=current,
        revision_reason=reason,
        is_current=True,
        is_published=publish,
        published_at=now if publish else None,
    )


@transaction.atomic
def review_submission(
    *, submission: Submission, approve: bool, note: str, by, now: dt.datetime
) -> Submission:
    """The city office approves (publishes the values) or returns a submission with a reason (审核)."""
    target = SubmissionStatus.APPROVED if approve else SubmissionStatus.RETURNED
    _transition(submission, target)
    if not approve and not note.strip():
        raise BusinessRuleError("退回时请填写退回原因。", field="note")
    if len(note.strip()) > 500:
        raise BusinessRuleError("审核意见不能超过 500 字。", field="note")
    before = submission.status
    if approve:
        for value in submission.values.filter(is_current=True):
            _publish(value, by=by, now=now)
    submission.status, submission.reviewed_by, submission.reviewed_at = target, by, now
    submission.review_note = note.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record_change(
        actor=by,
        action="monitoring.submission.review",
        obj=submission,
        before={"status": before},
        after={"status": target},
        reason=note,
        region_code=submission.department.region.code,
        department_path=submission.department.path,
    )
    for user in _department_users(submission.department):
        notify(
            recipient=user,
            title=f"{label(submission.round.period)}监测数据{'已审核发布' if approve else '被退回'}",
            body=note,
            link=f"/monitoring/submissions/{submission.pk}/",
            dedupe_key=f"monitoring.review.{submission.pk}.{now.isoformat()}",
        )
    return submission


def _publish(value: IndicatorValue, *, by, now) -> None:
    IndicatorValue.objects.filter(
        indicator_id=value.indicator_id, region_id=value.region_id, period=value.period, is_published=True
    ).exclude(pk=value.pk).update(is_published=False)
    value.is_published, value.published_at, value.published_by = True, now, by
    value.save(update_fields=["is_published", "published_at", "published_by"])


@transaction.atomic
def revise_value(
    *, value: IndicatorValue, raw_value: object, no_data: bool, reason: str, by, now: dt.datetime
) -> IndicatorValue:
    """Correct a value (更正): a new version with a reason; the old one is kept and stays published until the
    city office approves the correction. A correction after publication raises an alert."""
    if not value.is_current:
        raise ConflictError("只能更正最新版本的数值。", code="not_current")
    if not reason.strip():
        raise BusinessRuleError("请填写更正原因。", field="reason")
    if len(reason.strip()) > 500:
        raise BusinessRuleError("更正原因不能超过 500 字。", field="reason")
    indicator = value.indicator
    rule = IndicatorRule(
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        jump_ratio=indicator.jump_ratio,
    )
    result = validate_row(
        RowInput(
            row_label="",
            raw_value="" if no_data else raw_value,
            raw_no_data="是" if no_data else "",
            note=reason,
        ),
        rule,
        previous=None,
    )
    if result.errors:
        raise BusinessRuleError(result.errors[0], field="value")
    was_published = value.is_published
    new = _write_version(
        indicator=indicator,
        region=value.region,
        period=value.period,
        value=result.value,
        no_data=result.no_data,
        note=value.note,
        origin=ValueOrigin.FORM,
        department=value.department,
        submission=value.submission,
        by=by,
        now=now,
        source_file="",
        reason=reason.strip(),
    )
    record_change(
        actor=by,
        action="monitoring.value.revise",
        obj=new,
        before={"value": None if value.no_data else str(value.value), "version": value.pk},
        after={"value": None if new.no_data else str(new.value)},
        reason=reason,
        region_code=value.region.code,
        department_path=value.department.path if value.department else "",
    )
    if value.submission_id and value.submission.status == SubmissionStatus.APPROVED:
        submission = value.submission
        _transition(submission, SubmissionStatus.SUBMITTED)
        submission.status = SubmissionStatus.SUBMITTED
        submission.save(update_fields=["status"])
        record_change(
            actor=by,
            action="monitoring.submission.reopen",
            obj=submission,
            before={"status": SubmissionStatus.APPROVED},
            after={"status": submission.status},
            reason=reason,
            region_code=submission.department.region.code,
            department_path=submission.department.path,
        )
    if was_published:
        shown = "无数据" if new.no_data else f"{selectors.plain(new.value)}{indicator.unit}"
        raise_alert(
            kind=AlertKind.REVISED_AFTER_PUBLICATION,
            indicator=indicator,
            region=value.region,
            period=value.period,
            now=now,
            key_suffix=str(new.pk),
            message=f"{value.region.name}{label(value.period)}“{indicator.name}”在发布后被更正："
            f"{'无数据' if value.no_data else selectors.plain(value.value)} → {shown}（原因：{reason.strip()}）",
        )
    return new


@transaction.atomic
def approve_value(*, value: IndicatorValue, by, now: dt.datetime) -> IndicatorValue:
    """Publish one corrected value version (审核更正)."""
    if not value.is_current:
        raise ConflictError("该版本已被更新的版本替代。", code="not_current")
    if value.is_published:
        return value
    _publish(value, by=by, now=now)
    record_change(
        actor=by,
        action="monitoring.value.approve",
        obj=value,
        after={"value": None if value.no_data else str(value.value)},
        region_code=value.region.code,
    )
    submission = value.submission
    if (
        submission is not None
        and submission.status == SubmissionStatus.SUBMITTED
        and not submission.values.filter(is_current=True, is_published=False).exists()
    ):
        # The correction was the submission's only pending figure: it is approved again, not left 待审核.
        _transition(submission, SubmissionStatus.APPROVED)
        submission.status, submission.reviewed_by, submission.reviewed_at = SubmissionStatus.APPROVED, by, now
        submission.review_note = "更正已审核发布"
        submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        record_change(
            actor=by,
            action="monitoring.submission.review",
            obj=submission,
            before={"status": SubmissionStatus.SUBMITTED},
            after={"status": submission.status},
            region_code=submission.department.region.code,
            department_path=submission.department.path,
        )
    return value


# -- computed values ----------------------------------------------------------------------------------


@transaction.atomic
def refresh_computed_values(*, period: str, now: dt.datetime) -> int:
    """Recompute platform-computed indicators for a month; a new version only when the value changed."""
    written = 0
    for indicator in Indicator.objects.filter(source="computed", in_index=True):
        if indicator.code not in computed.PROVIDERS:
            continue
        for region in selectors.monitored_regions():
            result = computed.compute(indicator.code, region, period)
            current = IndicatorValue.objects.filter(
                indicator=indicator, region=region, period=period, is_current=True
            ).first()
            if result is None:
                continue  # no data stays "no data" (no row), never zero
            value = Decimal(result.value).quantize(Decimal("0.0001"))
            if current is not None and current.value == value and current.computation == result.provenance:
                continue
            new = _write_version(
                indicator=indicator,
                region=region,
                period=period,
                value=value,
                no_data=False,
                note="",
                origin=ValueOrigin.COMPUTED,
                department=None,
                submission=None,
                by=None,
                now=now,
                computation=result.provenance,
                publish=True,
            )
            record_change(
                actor=None,
                action="monitoring.value.compute",
                obj=new,
                before={"value": str(current.value)} if current and current.value is not None else None,
                after={"value": str(value), "computation": result.provenance},
                region_code=region.code,
            )
            written += 1
    return written


# -- the index ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedTree:
    indicators: list[Indicator]
    topics: list[Topic]
    dimensions: list[Dimension]
    regions: list[Region]


def _tree() -> LoadedTree:
    return LoadedTree(
        indicators=list(Indicator.objects.filter(in_index=True).order_by("sort_order")),
        topics=list(Topic.objects.order_by("sort_order")),
        dimensions=list(Dimension.objects.order_by("sort_order")),
        regions=selectors.monitored_regions(),
    )


def _structure(tree: LoadedTree, weight_set: WeightSet | None) -> scoring.Structure:
    weights = weight_set.weights if weight_set else {}
    topic_position = {t.pk: n for n, t in enumerate(tree.topics)}
    dimension_position = {d.pk: n for n, d in enumerate(tree.dimensions)}

    def weight(level, code):
        return float(weights.get(level, {}).get(code, 1.0))

    return scoring.Structure(
        indicator_topic=np.array([topic_position[i.topic_id] for i in tree.indicators], dtype=int),
        topic_dimension=np.array([dimension_position[t.dimension_id] for t in tree.topics], dtype=int),
        indicator_weight=np.array([weight("indicator", i.code) for i in tree.indicators]),
        topic_weight=np.array([weight("topic", t.code) for t in tree.topics]),
        dimension_weight=np.array([weight("dimension", d.code) for d in tree.dimensions]),
    )


def carry_forward(values: np.ndarray, *, periods: Sequence[str], carry: np.ndarray) -> np.ndarray:
    """Quarterly and annual figures stand until the next report within the same year (per indicator mask)."""
    filled = values.copy()
    for position in range(1, len(periods)):
        if periods[position][:4] != periods[position - 1][:4]:
            continue
        gap = np.isnan(filled[:, :, position]) & carry[None, :]
        filled[:, :, position] = np.where(gap, filled[:, :, position - 1], filled[:, :, position])
    return filled


def bounds_matrix(
    tree: LoadedTree,
    periods: Sequence[str],
    *,
    override: dict[int, dict[int, tuple[float, float]]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """best/worst (I, P) for each period's plan year; cumulative (year-to-date) indicators pro rata by month.

    `override` ({plan year: {indicator id: (best, worst)}}) replaces parameters for a preview (nothing saved)."""
    best = np.full((len(tree.indicators), len(periods)), np.nan)
    worst = np.full_like(best, np.nan)
    years = [parse_period(period) for period in periods]
    cumulative = np.array([i.aggregation == "cumulative" for i in tree.indicators])
    for year in sorted({y for y, _ in years}):
        parameters = {**selectors.parameters_for(year), **(override or {}).get(year, {})}
        year_best = np.array([parameters.get(i.pk, (np.nan, np.nan))[0] for i in tree.indicators])
        year_worst = np.array([parameters.get(i.pk, (np.nan, np.nan))[1] for i in tree.indicators])
        columns = [p for p, (y, _) in enumerate(years) if y == year]
        months = np.array([years[p][1] for p in columns], dtype=float)
        factor = np.where(cumulative[:, None], months[None, :] / 12, 1.0)
        best[:, columns] = year_best[:, None] * factor
        worst[:, columns] = year_worst[:, None] * factor
    return best, worst


@transaction.atomic
def recompute_index(*, now: dt.datetime, periods: Sequence[str] | None = None) -> int:
    """Recompute and store the snapshots of the periods (all published periods by default); see `compute_index`."""
    if periods is None:
        periods = sorted(set(IndicatorValue.objects.published().values_list("period", flat=True)))
    periods = sorted(periods)
    snapshots = compute_index(now=now, periods=periods)
    if not snapshots:
        return 0
    IndexSnapshot.objects.filter(period__in=periods).delete()
    IndexSnapshot.objects.bulk_create(snapshots, batch_size=500)
    return len(snapshots)


def compute_index(
    *,
    now: dt.datetime,
    periods: Sequence[str],
    weights: WeightSet | None = None,
    parameters: dict[int, dict[int, tuple[float, float]]] | None = None,
) -> list[IndexSnapshot]:
    """Every indicator, topic, dimension and index score and the county ranks, as unsaved snapshots.

    1. Load the published values of the periods into an array regions × indicators × periods (NaN = no data);
       quarterly and annual figures carry forward within their year.
    2. Score everything at once with `scoring.compute_all`, per weight version in force (or `weights`, and
       `parameters` over the stored best/worst values, for a preview).
    3. Return one snapshot per region and period; `recompute_index` replaces the stored ones in one bulk write.
    """
    tree = _tree()
    periods = sorted(periods)
    if not periods or not tree.indicators:
        return []
    region_position = {r.pk: n for n, r in enumerate(tree.regions)}
    indicator_position = {i.pk: n for n, i in enumerate(tree.indicators)}
    period_position = {p: n for n, p in enumerate(periods)}
    values = np.full((len(tree.regions), len(tree.indicators), len(periods)), np.nan)
    rows = (
        IndicatorValue.objects.published()
        .filter(period__gte=periods[0], period__lte=periods[-1], no_data=False)
        .annotate(number=Cast("value", FloatField()))  # floats straight from the database, no Decimal
        .order_by()
        .values_list("region_id", "indicator_id", "period", "number")
    )
    sql, params = rows.query.sql_with_params()  # plain tuples: no per-row converters for 30,000+ values
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for region_id, indicator_id, period, value in fetched:
        r, i, p = (
            region_position.get(region_id),
            indicator_position.get(indicator_id),
            period_position.get(period),
        )
        if r is not None and i is not None and p is not None:
            values[r, i, p] = value
    carry = np.array([i.frequency != "monthly" for i in tree.indicators])
    values = carry_forward(values, periods=periods, carry=carry)
    best, worst = bounds_matrix(tree, periods, override=parameters)
    higher = np.array([i.direction == "higher" for i in tree.indicators])
    ranked = np.array([r.kind == "county" for r in tree.regions])
    bands = [scoring.Band(t["code"], t["name"], t["min_score"]) for t in catalogue_module.load().tiers]
    groups: dict[int | None, list[int]] = defaultdict(list)
    weight_sets: dict[int | None, WeightSet | None] = {}
    for p, period in enumerate(periods):
        weight_set = weights or selectors.weights_for(period)
        key = weight_set.pk if weight_set else None
        groups[key].append(p)
        weight_sets[key] = weight_set
    snapshots = []
    for key, positions in groups.items():
        index = np.array(positions)
        result = scoring.compute_all(
            values[:, :, index],
            best[:, index],
            worst[:, index],
            higher,
            _structure(tree, weight_sets[key]),
            ranked=ranked,
        )
        snapshots.extend(
            _snapshots(
                tree,
                [periods[p] for p in positions],
                values[:, :, index],
                best[:, index],
                worst[:, index],
                result,
                bands,
                weight_sets[key],
                now,
            )
        )
    return snapshots


def _plain_list(array: np.ndarray) -> list:
    """Numbers rounded to 4 places with NaN as None, converted in bulk (much faster than element by element)."""
    return [None if x != x else x for x in np.round(array, 4).tolist()]


def _snapshots(tree, periods, values, best, worst, result: scoring.IndexResult, bands, weight_set, now):
    indicator_codes = [i.code for i in tree.indicators]
    topic_codes = [t.code for t in tree.topics]
    dimension_codes = [d.code for d in tree.dimensions]
    index_scores = np.round(result.index, 4).tolist()
    ranks = result.rank.tolist()
    best_lists = [_plain_list(best[:, p]) for p in range(len(periods))]
    worst_lists = [_plain_list(worst[:, p]) for p in range(len(periods))]
    snapshots = []
    for r, region in enumerate(tree.regions):
        for p, period in enumerate(periods):
            index_score = index_scores[r][p]
            index_score = None if index_score != index_score else index_score
            band = scoring.tier_for(index_score, bands)
            indicator_values = _plain_list(values[r, :, p])
            indicator_scores = _plain_list(result.indicator[r, :, p])
            snapshots.append(
                IndexSnapshot(
                    region=region,
                    period=period,
                    index_score=index_score,
                    rank=ranks[r][p] or None,
                    tier=band.name if band else "",
                    dimension_scores=dict(
                        zip(dimension_codes, _plain_list(result.dimension[r, :, p]), strict=True)
                    ),
                    topic_scores=dict(zip(topic_codes, _plain_list(result.topic[r, :, p]), strict=True)),
                    indicator_scores={
                        code: {"value": v, "score": s, "best": b, "worst": w}
                        for code, v, s, b, w in zip(
                            indicator_codes,
                            indicator_values,
                            indicator_scores,
                            best_lists[p],
                            worst_lists[p],
                            strict=True,
                        )
                    },
                    weight_version=weight_set.version if weight_set else None,
                    computed_at=now,
                )
            )
    return snapshots


# -- alerts -------------------------------------------------------------------------------------------


def raise_alert(
    *,
    kind: str,
    indicator: Indicator | None,
    region: Region | None,
    period: str,
    message: str,
    now: dt.datetime,
    key_suffix: str = "",
) -> Alert | None:
    """Create an alert (预警) once (deduplicated) and notify the responsible department's staff."""
    department = None
    if indicator is not None and region is not None:
        department = selectors.responsible_department(indicator.function_key, region)
    key = (
        f"{kind}.{indicator.code if indicator else ''}.{region.code if region else ''}.{period}.{key_suffix}"
    )
    alert, created = Alert.objects.get_or_create(
        dedupe_key=key[:200],
        defaults={
            "kind": kind,
            "indicator": indicator,
            "region": region,
            "period": period,
            "message": message[:500],
            "department": department,
            "created_at": now,
        },
    )
    if not created:
        return None
    record_change(
        actor=None,
        action="monitoring.alert.raise",
        obj=alert,
        after={"kind": kind, "message": message},
        region_code=region.code if region else "",
        department_path=department.path if department else "",
    )
    if department is not None:
        for user in _department_users(department):
            notify(
                recipient=user,
                title=f"监测预警：{alert.get_kind_display()}",
                body=message,
                link=f"/monitoring/alerts/{alert.pk}/",
                dedupe_key=f"monitoring.alert.{alert.pk}",
            )
    return alert


def generate_alerts(*, period: str, now: dt.datetime) -> list[Alert]:
    """Alerts for a month: below target, score drop, rank fall, and missing data after the deadline."""
    from yingshang.monitoring import dashboard

    raised: list[Alert | None] = []
    indicators = {i.code: i for i in Indicator.objects.all()}
    regions = {r.pk: r for r in selectors.monitored_regions()}
    snapshots = {s.region_id: s for s in IndexSnapshot.objects.filter(period=period)}
    previous = {s.region_id: s for s in IndexSnapshot.objects.filter(period=shift(period, -1))}
    for row in dashboard.target_rows(
        period=period, region=next(r for r in regions.values() if r.kind == "city")
    ):
        if (
            row.status in (scoring.OFF_TRACK, scoring.AT_RISK)
            and row.current is not None
            and not row.current_meets
        ):
            indicator = indicators[row.code]
            raised.append(
                raise_alert(
                    kind=AlertKind.BELOW_TARGET if row.status == scoring.AT_RISK else AlertKind.OFF_TRACK,
                    indicator=indicator,
                    region=row.region,
                    period=period,
                    now=now,
                    message=f"{row.region.name}{label(period)}“{indicator.name}”为 {row.current:g}{indicator.unit}，"
                    f"目标{row.target_label}；按{row.method}预计年底 {row.forecast:g}{indicator.unit}"
                    f"（{row.status_label}）。",
                )
            )
    for region_id, snapshot_now in snapshots.items():
        before = previous.get(region_id)
        if before is None:
            continue
        region = regions.get(region_id)
        for code, now_scores in snapshot_now.indicator_scores.items():
            old = (before.indicator_scores.get(code) or {}).get("score")
            new = now_scores.get("score")
            if (
                old is not None
                and new is not None
                and old - new > SCORE_DROP_THRESHOLD
                and code in indicators
            ):
                raised.append(
                    raise_alert(
                        kind=AlertKind.SCORE_DROP,
                        indicator=indicators[code],
                        region=region,
                        period=period,
                        now=now,
                        message=f"{region.name}“{indicators[code].name}”得分由 {old:.1f} 降至 {new:.1f}（{label(period)}）。",
                    )
                )
        if before.rank and snapshot_now.rank and snapshot_now.rank - before.rank >= RANK_FALL_THRESHOLD:
            raised.append(
                raise_alert(
                    kind=AlertKind.RANK_FALL,
                    indicator=None,
                    region=region,
                    period=period,
                    now=now,
                    message=f"{region.name}便利度指数排名由第 {before.rank} 位降至第 {snapshot_now.rank} 位（{label(period)}）。",
                )
            )
    collection_round = SubmissionRound.objects.filter(period=period).first()
    today = now.astimezone(load_work_calendar().tz).date()
    if collection_round is not None and today > collection_round.deadline:
        for department in departments_owing(collection_round):
            raised.append(_missing_data_alert(department, collection_round, now))
    return [alert for alert in raised if alert is not None]


def _missing_data_alert(department: Department, collection_round: SubmissionRound, now) -> Alert | None:
    key = f"{AlertKind.MISSING_DATA}.{department.pk}.{collection_round.period}"
    alert, created = Alert.objects.get_or_create(
        dedupe_key=key,
        defaults={
            "kind": AlertKind.MISSING_DATA,
            "region": department.region,
            "period": collection_round.period,
            "department": department,
            "created_at": now,
            "message": f"{department.name}截至 {collection_round.deadline:%Y年%m月%d日} 未报送{label(collection_round.period)}监测数据。",
        },
    )
    if created:
        record_change(
            actor=None,
            action="monitoring.alert.raise",
            obj=alert,
            after={"kind": alert.kind},
            region_code=department.region.code,
            department_path=department.path,
        )
        for user in _department_users(department):
            notify(
                recipient=user,
                title="监测预警：截止未报数据",
                body=alert.message,
                link=f"/monitoring/alerts/{alert.pk}/",
                dedupe_key=f"monitoring.alert.{alert.pk}",
            )
    return alert if created else None


@transaction.atomic
def acknowledge_alert(*, alert: Alert, by) -> Alert:
    """The responsible department confirms it has seen an alert (已知悉)."""
    if alert.status != AlertStatus.OPEN:
        raise ConflictError("该预警已处理。", code="already_handled")
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.save(update_fields=["status"])
    record_change(
        actor=by,
        action="monitoring.alert.acknowledge",
        obj=alert,
        before={"status": "open"},
        after={"status": alert.status},
    )
    return alert


class SupervisionUnavailable(BusinessRuleError):
    """The plans app offers no 督办 service yet."""


def open_supervision_hook(*, alert: Alert, by, now: dt.datetime) -> str:
    """Hand a lagging indicator to task supervision (督办) through the plans app's service, if it exists.

    Calls `yingshang.plans.services.open_supervision(title=, department=, reason=, source=, by=, now=)` and
    stores what it returns (its id) as the alert's reference.
    """
    try:
        from yingshang.plans import services as plan_services
    except ImportError:
        plan_services = None
    service = getattr(plan_services, "open_supervision", None)
    if service is None:
        raise SupervisionUnavailable(
            "任务督办模块尚未提供督办接口（plans.services.open_supervision），暂不能转督办。",
            code="supervision_unavailable",
        )
    notice = service(
        title=f"监测预警督办：{alert.indicator.name if alert.indicator else alert.get_kind_display()}",
        department=alert.department,
        reason=alert.message,
        source=f"monitoring.alert:{alert.pk}",
        by=by,
        now=now,
        plan_target_ids=list(alert.indicator.target_links.values_list("plan_target_id", flat=True))
        if alert.indicator
        else [],
    )
    return str(getattr(notice, "pk", notice))


@transaction.atomic
def escalate_alert(*, alert: Alert, by, now: dt.datetime) -> Alert:
    """Open a 督办 for an alert's lagging indicator in task supervision."""
    if alert.status == AlertStatus.SUPERVISED:
        raise ConflictError("该预警已转督办。", code="already_supervised")
    if alert.department is None:
        raise BusinessRuleError("该预警没有责任部门，无法转督办。")
    reference = open_supervision_hook(alert=alert, by=by, now=now)
    before = alert.status
    alert.status, alert.supervision_ref = AlertStatus.SUPERVISED, reference
    alert.save(update_fields=["status", "supervision_ref"])
    record_change(
        actor=by,
        action="monitoring.alert.escalate",
        obj=alert,
        before={"status": before},
        after={"status": alert.status, "supervision": reference},
    )
    return alert
