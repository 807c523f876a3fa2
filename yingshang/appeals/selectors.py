"""Reads of the appeal loop: routing, duplicate suggestions, ledgers, monthly statistics, hot topics."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import dateformat, timezone

from yingshang.accounts.roles import Role
from yingshang.appeals import assessment, metrics, topics
from yingshang.appeals.choices import (
    ACTIVE_STATUSES,
    FINISHED_STATUSES,
    AppealStatus,
    Channel,
    EscalationLevel,
    Resolution,
    SatisfactionLevel,
)
from yingshang.appeals.models import Appeal, AppealCategory, AppealMonthlyStat, DispatchRoute, Rating
from yingshang.core.models import Department, Region, RegionKind

DUPLICATE_WINDOW = dt.timedelta(days=30)
DUPLICATE_THRESHOLD = 0.25


@dataclass(frozen=True)
class Catalogue:
    """The reference data intake needs on every appeal, read once and kept for CATALOGUE_TTL seconds."""

    categories: dict[str, AppealCategory]  # code → category (active only)
    regions: dict[str, Region]  # GB/T 2260 code → region
    # (category id, region id or None) → [(from, until or None, function key, department id or None)], by start
    routes: dict[tuple[int, int | None], list[tuple[dt.date, dt.date | None, str, int | None]]]
    departments: dict[tuple[int, str], int]  # (region id, function key) → first active department id
    city_id: int | None
    zone_parents: dict[int, int]  # zone region id → its county id
    loaded_at: float


CATALOGUE_TTL = 60.0
_catalogue: list[Catalogue] = []


def catalogue(*, fresh: bool = False) -> Catalogue:
    """Categories, dispatch routes and the department directory, cached per process (refreshed every minute,
    and at once by clear_catalogue() when a service changes them)."""
    if _catalogue and not fresh and time.monotonic() - _catalogue[0].loaded_at < CATALOGUE_TTL:
        return _catalogue[0]
    departments: dict[tuple[int, str], int] = {}
    for pk, region_id, key in (
        Department.objects.filter(is_active=True)
        .exclude(function_key="")
        .order_by("path")
        .values_list("pk", "region_id", "function_key")
    ):
        departments.setdefault((region_id, key), pk)
    region_objects = list(Region.objects.all())
    regions = [(r.pk, r.kind, r.parent_id) for r in region_objects]
    snapshot = Catalogue(
        categories={c.code: c for c in AppealCategory.objects.filter(is_active=True)},
        regions={r.code: r for r in region_objects},
        routes=_routes(),
        departments=departments,
        city_id=next((pk for pk, kind, _ in regions if kind == RegionKind.CITY), None),
        zone_parents={pk: parent for pk, kind, parent in regions if kind == RegionKind.ZONE and parent},
        loaded_at=time.monotonic(),
    )
    _catalogue[:] = [snapshot]
    return snapshot


def _routes() -> dict[tuple[int, int | None], list[tuple[dt.date, dt.date | None, str, int | None]]]:
    routes: dict = defaultdict(list)
    for category_id, region_id, start, end, key, department_id in DispatchRoute.objects.order_by(
        "effective_from"
    ).values_list(
        "category_id", "region_id", "effective_from", "effective_until", "function_key", "department_id"
    ):
        routes[(category_id, region_id)].append((start, end, key, department_id))
    return dict(routes)


def _route_on(lines, day: dt.date) -> tuple[str, int | None] | None:
    for start, end, key, department_id in lines or ():
        if start <= day and (end is None or day <= end):
            return key, department_id
    return None


def clear_catalogue() -> None:
    _catalogue.clear()


def active_categories() -> list[AppealCategory]:
    return list(catalogue().categories.values())


def category_rules() -> list[tuple[str, list[str], int]]:
    """(code, keywords, id) of every active category, for the keyword rules of the classifier."""
    return [(c.code, list(c.keywords or []), c.pk) for c in catalogue().categories.values()]


def route_department_id(*, category: AppealCategory, region: Region | None, on: dt.date) -> int | None:
    """The handling department the dispatch catalogue (派单目录) gives for a category in a region on a day.

    1. The line valid on `on` for (category, region), else the city-wide line valid that day.
    2. A line naming a department gives it; otherwise its function (or, with no line, the category's default
       function) is looked up: in the region (a zone: its own committee, else its county), else in the city.
    3. Failing everything, the city's business-environment bureau (市营商局) decides.
    """
    snapshot = catalogue()
    region_id = region.pk if region else None
    line = _route_on(snapshot.routes.get((category.pk, region_id)), on) or _route_on(
        snapshot.routes.get((category.pk, None)), on
    )
    if line is not None and line[1] is not None:
        return line[1]
    key = (line[0] if line else "") or category.function_key
    for place in (region_id, snapshot.zone_parents.get(region_id), snapshot.city_id):
        if place is not None and (place, key) in snapshot.departments:
            return snapshot.departments[(place, key)]
    return snapshot.departments.get((snapshot.city_id, "business_env"))


def department_to_suggest_at_dispatch(appeal, *, on: dt.date) -> int | None:
    """The department a dispatcher is offered: the 派单目录 line valid on the dispatch day `on` (not on the day of
    receipt) for the suggested or filed category, else the suggestion made at intake."""
    return (
        route_department_id(category=appeal.suggested_category or appeal.category, region=appeal.region, on=on)
        or appeal.suggested_department_id
    )


def route_department(*, category: AppealCategory, region: Region | None, on: dt.date) -> Department | None:
    department_id = route_department_id(category=category, region=region, on=on)
    return Department.objects.filter(pk=department_id).first() if department_id else None


def dispatch_catalogue(*, on: dt.date | None = None) -> QuerySet[DispatchRoute]:
    """The catalogue's lines with their history (every line, or only those valid on `on`), for the page and export."""
    lines = DispatchRoute.objects.select_related("category", "region", "department").order_by(
        "category__sort_order", "category__code", "region__code", "effective_from"
    )
    if on is not None:
        lines = lines.filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=on), effective_from__lte=on
        )
    return lines


@dataclass(frozen=True)
class DuplicateCandidate:
    appeal: Appeal
    score: float
    reason: str


def duplicate_candidates(appeal: Appeal, *, limit: int = 5) -> list[DuplicateCandidate]:
    """Likely duplicates for the dispatcher (并单建议): recent, same enterprise or place, similar text."""
    since = appeal.received_at - DUPLICATE_WINDOW
    same = Q(enterprise=appeal.enterprise_id) if appeal.enterprise_id else Q(pk__in=[])
    if appeal.address:
        same |= Q(address=appeal.address)
    if appeal.contact_phone:
        same |= Q(contact_phone=appeal.contact_phone)
    same |= Q(category=appeal.category_id, region=appeal.region_id)
    pool = (
        Appeal.objects.filter(same, received_at__gte=since)
        .exclude(pk=appeal.pk)
        .exclude(status__in=[AppealStatus.REFUSED, AppealStatus.MERGED])
        .select_related("enterprise")
        .order_by("-received_at")[:200]
    )
    found = []
    for other in pool:
        score = topics.similarity(appeal.description, other.description)
        if appeal.enterprise_id and other.enterprise_id == appeal.enterprise_id:
            score += 0.15
            reason = "同一企业"
        elif appeal.address and other.address == appeal.address:
            score += 0.1
            reason = "同一地点"
        elif appeal.contact_phone and other.contact_phone == appeal.contact_phone:
            score += 0.15
            reason = "同一联系电话"
        else:
            reason = "同类别同县区"
        if score >= DUPLICATE_THRESHOLD:
            found.append(
                DuplicateCandidate(other, round(min(score, 1.0), 2), f"{reason}，内容相似度 {score:.0%}")
            )
    found.sort(key=lambda c: -c.score)
    return found[:limit]


# -- ledger (台账) ---------------------------------------------------------------------------------------


@dataclass
class LedgerFilters:
    q: str = ""
    department: str = ""
    region: str = ""
    category: str = ""
    status: str = ""
    month: str = ""
    overdue: str = ""
    channel: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping) -> LedgerFilters:
        return cls(**{f.name: str(data.get(f.name) or "").strip()[:60] for f in fields(cls)})


def ledger(user, filters: LedgerFilters, *, now: dt.datetime) -> QuerySet[Appeal]:
    """The appeals ledger (诉求台账) in the user's scope with the filters applied, newest first."""
    qs = Appeal.objects.visible_to(user).select_related(
        "category", "handling_department", "region", "enterprise"
    )
    if filters.q:
        qs = qs.filter(
            Q(tracking_number=filters.q)
            | Q(title__icontains=filters.q)
            | Q(enterprise__name__icontains=filters.q)
        )
    if filters.department.isdigit():
        department = Department.objects.filter(pk=int(filters.department)).first()
        qs = qs.filter(handling_department__path__startswith=department.path) if department else qs.none()
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.status == "open":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif filters.status in AppealStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.month:
        try:
            qs = qs.filter(month=dt.date.fromisoformat(f"{filters.month}-01"))
        except ValueError:
            filters.month = ""
    if filters.overdue == "1":
        qs = qs.filter(status__in=ACTIVE_STATUSES, due_at__lt=now)
    return qs.order_by("-id")


# -- lists of appeals (台账, 待办, 我的诉求): rows for _appeal_rows.html -----------------------------------------

ROW_FIELDS = (
    "pk",
    "tracking_number",
    "urgency",
    "title",
    "category__name",
    "enterprise__name",
    "region__name",
    "handling_department__name",
    "status",
    "escalation_level",
    "due_at",
)
_STATUS_LABELS = dict(AppealStatus.choices)
_ESCALATION_LABELS = dict(EscalationLevel.choices)
_URL_PLACEHOLDER = 2147480001


def row_values(appeals: QuerySet[Appeal], *, suggestion: bool = False) -> QuerySet:
    """The columns a list row shows, read as values (no model instances); `suggestion`: with the suggested
    department (the dispatch queue)."""
    fields = (*ROW_FIELDS, "suggested_department__name") if suggestion else ROW_FIELDS
    return appeals.values(*fields)


def appeal_rows(values, *, now: dt.datetime | None) -> list[dict]:
    """List rows ready to print: link, labels, the reply deadline in local time and its 超期 flag.

    `now=None` shows no 超期 flag (我的诉求 never did). Names stay plain text; the template escapes them."""
    detail = reverse("appeals:detail", args=[_URL_PLACEHOLDER])
    placeholder = str(_URL_PLACEHOLDER)
    rows = []
    for value in values:
        due = value["due_at"]
        status = value["status"]
        rows.append(
            {
                "url": detail.replace(placeholder, str(value["pk"])),
                "tracking_number": value["tracking_number"],
                "urgent": value["urgency"] == "urgent",
                "title": value["title"],
                "category": value["category__name"],
                "enterprise": value["enterprise__name"] or "—",
                "region": value["region__name"] or "市本级",
                "department": value["handling_department__name"] or "—",
                "suggested_department": value.get("suggested_department__name") or "",
                "status": _STATUS_LABELS.get(status, status),
                "escalation": _ESCALATION_LABELS.get(value["escalation_level"], "") if value["escalation_level"] else "",
                "due": dateformat.format(timezone.localtime(due), "m-d H:i") if due else "",
                "overdue": due is not None and now is not None and due < now and status in ACTIVE_STATUSES,
            }
        )
    return rows


def department_scope(user) -> tuple[str, QuerySet[Department]]:
    """The active departments a user's ledger filters and metrics cover, and a key naming that set: users with
    the same key get the same departments (their department's subtree, their county's, or all)."""
    departments = Department.objects.filter(is_active=True).select_related("region")
    if user.role in (Role.DEPARTMENT_STAFF, Role.DEPARTMENT_LEADER) and user.department_id:
        return f"department:{user.department_id}", departments.filter(path__startswith=user.department.path)
    region = user.scope_region if user.role == Role.COUNTY_ADMIN else None
    if region is not None:
        return f"region:{region.pk}", departments.filter(region=region)
    return "all", departments


def ledger_filter_options(departments: QuerySet[Department]) -> dict:
    """The choices of the ledger's filter form (department labels built here, not per option in the template)."""
    return {
        "departments": [
            (str(pk), f"{region} · {short_name or name}")
            for pk, region, short_name, name in departments.values_list(
                "pk", "region__name", "short_name", "name"
            )
        ],
        "regions": list(Region.objects.exclude(kind=RegionKind.CITY).values_list("code", "name")),
        "categories": list(AppealCategory.objects.values_list("code", "name")),
        "statuses": AppealStatus.choices,
        "channels": Channel.choices,
    }


def department_ledger(department: Department) -> QuerySet[Appeal]:
    """One department's ledger, newest first: the benchmark's page query."""
    return (
        Appeal.objects.filter(handling_department=department)
        .select_related("category", "region")
        .order_by("-id")
    )


# -- monthly statistics -------------------------------------------------------------------------------


def _aggregates(now: dt.datetime) -> dict:
    active = Q(status__in=ACTIVE_STATUSES)
    answered = Q(status__in=[AppealStatus.REPLIED, *FINISHED_STATUSES])
    return {
        "received": Count("pk"),
        "refused": Count("pk", filter=Q(status=AppealStatus.REFUSED)),
        "merged": Count("pk", filter=Q(status=AppealStatus.MERGED)),
        "dispatched": Count("pk", filter=Q(dispatched_at__isnull=False)),
        "signed_in_time": Count("pk", filter=Q(signed_in_time=True)),
        "contacted_in_time": Count("pk", filter=Q(contacted_in_time=True)),
        "replied": Count("pk", filter=answered),
        "replied_in_time": Count("pk", filter=answered & Q(replied_in_time=True)),
        "overdue_open": Count("pk", filter=active & Q(due_at__lt=now)),
        "finished": Count("pk", filter=Q(status__in=FINISHED_STATUSES)),
        "rated": Count("pk", filter=Q(rating_level__isnull=False)),
        "resolved": Count("pk", filter=Q(resolution=Resolution.RESOLVED)),
        "partly_resolved": Count("pk", filter=Q(resolution=Resolution.PARTLY)),
        "very_satisfied": Count("pk", filter=Q(rating_level=SatisfactionLevel.VERY_SATISFIED)),
        "satisfied": Count("pk", filter=Q(rating_level=SatisfactionLevel.SATISFIED)),
        "basically_satisfied": Count("pk", filter=Q(rating_level=SatisfactionLevel.BASICALLY_SATISFIED)),
        "revisited": Count("pk", filter=Q(revisited=True)),
        "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
        "disputed": Count("pk", filter=Q(dispute_count__gt=0)),
        "redispatched": Count("pk", filter=Q(redispatch_count__gt=0)),
        "contact_asked": Count(
            "pk", filter=Exists(Rating.objects.filter(appeal=OuterRef("pk"), contacted__isnull=False))
        ),
        "contact_confirmed": Count(
            "pk", filter=Exists(Rating.objects.filter(appeal=OuterRef("pk"), contacted=True))
        ),
    }


def live_monthly_rows(month: dt.date, *, now: dt.datetime) -> list[dict]:
    """The naive way: aggregate the appeals table for one month, by (department, county, requester type)."""
    return list(
        Appeal.objects.filter(month=month)
        .order_by()
        .values("handling_department", "region", "requester_type")
        .annotate(**_aggregates(now))
    )


def monthly_counts(
    month: dt.date, *, by: str, now: dt.datetime, live: bool = False, requester_type: str = ""
) -> dict[int | None, metrics.Counts]:
    """Counts per department id (by="department") or county id (by="region") for one month.

    Reads the pre-aggregated table (fast at any size); live=True aggregates the appeals table instead.
    requester_type="enterprise" (or "individual") keeps only that requester type's appeals (涉企口径).
    """
    if live:
        rows = [
            r
            for r in live_monthly_rows(month, now=now)
            if not requester_type or r["requester_type"] == requester_type
        ]
        key = "handling_department" if by == "department" else "region"
    else:
        stats = AppealMonthlyStat.objects.filter(month=month)
        if requester_type:
            stats = stats.filter(requester_type=requester_type)
        rows = stats.values("department", "region", *metrics.COUNT_FIELDS)
        key = by
    result: dict[int | None, metrics.Counts] = defaultdict(metrics.Counts)
    for row in rows:
        result[row[key]] = result[row[key]] + metrics.Counts.from_mapping(row)
    return dict(result)


def comprehensive_assessment(
    month: dt.date, *, by: str, names: Mapping[int | None, str], now: dt.datetime, requester_type: str = ""
) -> tuple[assessment.WeightSet, list[assessment.Score]]:
    """综合考评 of one month: every unit of `names` (department or county id → name, the caller's scope) scored
    with the weights in force for that month and ranked (pre-aggregated statistics)."""
    weights = assessment.weights_for(month)
    counts = monthly_counts(month, by=by, now=now, requester_type=requester_type)
    scores = [
        assessment.score(name, counts.get(pk, metrics.Counts()), weights.weights)
        for pk, name in names.items()
    ]
    return weights, assessment.ranked(scores)


def stats_computed_at(month: dt.date) -> dt.datetime | None:
    return (
        AppealMonthlyStat.objects.filter(month=month)
        .order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first()
    )


def rating_bursts(month: dt.date) -> dict[int, tuple[int, dt.datetime]]:
    """Departments whose ratings in the month came in a burst (many inside a few minutes)."""
    start = month
    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    times: dict[int, list[dt.datetime]] = defaultdict(list)
    for department, at in Rating.objects.filter(
        at__date__gte=start, at__date__lt=end, appeal__handling_department__isnull=False
    ).values_list("appeal__handling_department", "at")[:50000]:
        times[department].append(at)
    result = {}
    for department, moments in times.items():
        burst = metrics.rating_burst(moments)
        if burst is not None:
            result[department] = burst
    return result


# -- hot topics (热点) -----------------------------------------------------------------------------------


def hot_topics(user, *, now: dt.datetime, weeks: int = 8) -> dict:
    """Top categories and keywords this week, the weekly trend, the county heat table, 每月一题 candidates."""
    visible = Appeal.objects.visible_to(user).exclude(status=AppealStatus.REFUSED)
    week_start = now - dt.timedelta(days=7)
    this_week = visible.filter(received_at__gte=week_start)
    top_categories = list(
        this_week.order_by().values("category__name").annotate(n=Count("pk")).order_by("-n")[:10]
    )
    keywords = topics.top_keywords(this_week.values_list("description", flat=True)[:3000], k=20)
    since = now - dt.timedelta(weeks=weeks)
    trend_rows = (
        visible.filter(received_at__gte=since)
        .order_by()
        .annotate(week=TruncWeek("received_at"))
        .values("week", "category__name")
        .annotate(n=Count("pk"))
    )
    weeks_seen = sorted({r["week"].date() if hasattr(r["week"], "date") else r["week"] for r in trend_rows})
    leaders = [c["category__name"] for c in top_categories[:5]]
    series = {name: [0] * len(weeks_seen) for name in leaders}
    index = {w: i for i, w in enumerate(weeks_seen)}
    for r in trend_rows:
        week = r["week"].date() if hasattr(r["week"], "date") else r["week"]
        if r["category__name"] in series:
            series[r["category__name"]][index[week]] += r["n"]
    month_start = now.date().replace(day=1) - dt.timedelta(days=31)
    heat_rows = (
        visible.filter(received_at__date__gte=month_start)
        .order_by()
        .values("region__name", "category__name")
        .annotate(n=Count("pk"))
    )
    counties = sorted({r["region__name"] or "市本级" for r in heat_rows})
    categories = sorted({r["category__name"] for r in heat_rows})
    heat = {(r["region__name"] or "市本级", r["category__name"]): r["n"] for r in heat_rows}
    items = list(
        visible.filter(received_at__date__gte=month_start)
        .order_by("-id")
        .values_list("tracking_number", "category__name", "description", "enterprise_id", "region__name")[
            :3000
        ]
    )
    return {
        "top_categories": top_categories,
        "keywords": keywords,
        "trend": {"weeks": [w.isoformat() for w in weeks_seen], "series": series},
        "heat": {
            "counties": counties,
            "categories": categories,
            "rows": [(county, [heat.get((county, c), 0) for c in categories]) for county in counties],
        },
        "candidates": topics.monthly_topic_candidates(items),
    }


def policy_pain_points(policy_clause_id: int) -> list[dict]:
    """Appeals tagged to a policy clause, grouped by category (for the policies app's evaluation: 兑现难…)."""
    return list(
        Appeal.objects.filter(policy_clause_id=policy_clause_id)
        .order_by()
        .values("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )


def policy_pain_points_for_clauses(clause_ids) -> dict[int, list[tuple[str, int]]]:
    """Appeals tagged to each of these policy clauses, by category name, most frequent first."""
    result: dict[int, list[tuple[str, int]]] = {}
    rows = (
        Appeal.objects.filter(policy_clause_id__in=list(clause_ids))
        .order_by()
        .values_list("policy_clause_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    for clause_id, category, count in rows:
        result.setdefault(clause_id, []).append((category, count))
    return result


# -- 12345 涉企 rates for monitoring (营商环境监测) ---------------------------------------------------------


@dataclass(frozen=True)
class EnterpriseHotlineRates:
    """处办率 and 满意率 of one region and month, counting appeals from enterprises only (个人诉求不计入).

    Formulas are those of `metrics` (处办率 = 已答复 ÷ 派单量; 满意率 = (非常满意 + 满意 + λ×基本满意) ÷ 参评件数);
    rates are percentages with two decimals, None when the denominator is zero ("no data", never 0).
    """

    region_code: str
    region_name: str
    month: dt.date
    dispatched: int
    replied: int
    rated: int
    satisfied: int
    individual_dispatched: int
    individual_rated: int
    handling_rate: object  # Decimal | None
    satisfaction_rate: object  # Decimal | None
    formula_version: str = metrics.FORMULA_VERSION


def enterprise_hotline_rates(region: Region, month: dt.date) -> EnterpriseHotlineRates:
    """12345 涉企问题处办率 / 办件满意率 for a county (its appeals) or the city (all), month by 受理月份."""
    from decimal import Decimal

    from yingshang.appeals.choices import RequesterType

    month = month.replace(day=1)
    appeals = Appeal.objects.filter(month=month).order_by()
    if region.kind != RegionKind.CITY:
        appeals = appeals.filter(
            Q(region=region) | Q(region__isnull=True, handling_department__region=region)
        )
    enterprise = Q(requester_type=RequesterType.ENTERPRISE)
    answered = Q(status__in=[AppealStatus.REPLIED, *FINISHED_STATUSES])
    dispatched = Q(dispatched_at__isnull=False)
    rated = Q(rating_level__isnull=False)
    satisfied = Q(rating_level__in=[SatisfactionLevel.VERY_SATISFIED, SatisfactionLevel.SATISFIED])
    basic = Q(rating_level=SatisfactionLevel.BASICALLY_SATISFIED)
    counts = appeals.aggregate(
        dispatched=Count("pk", filter=enterprise & dispatched),
        replied=Count("pk", filter=enterprise & dispatched & answered),
        rated=Count("pk", filter=enterprise & rated),
        satisfied=Count("pk", filter=enterprise & satisfied),
        basic=Count("pk", filter=enterprise & basic),
        individual_dispatched=Count("pk", filter=~enterprise & dispatched),
        individual_rated=Count("pk", filter=~enterprise & rated),
    )

    def percent(numerator: float, denominator: int):
        if not denominator:
            return None
        return (Decimal(str(numerator)) * 100 / Decimal(denominator)).quantize(Decimal("0.01"))

    good = counts["satisfied"] + metrics.SATISFACTION_LAMBDA * counts["basic"]
    return EnterpriseHotlineRates(
        region_code=region.code,
        region_name=region.name,
        month=month,
        dispatched=counts["dispatched"],
        replied=counts["replied"],
        rated=counts["rated"],
        satisfied=int(good),
        individual_dispatched=counts["individual_dispatched"],
        individual_rated=counts["individual_rated"],
        handling_rate=percent(counts["replied"], counts["dispatched"]),
        satisfaction_rate=percent(good, counts["rated"]),
    )
