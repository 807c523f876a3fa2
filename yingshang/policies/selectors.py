"""Reads of the policy supermarket: enterprise facts for matching, live matches, the ledger and evaluation."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Count, FloatField, IntegerField, Prefetch, Q, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from yingshang.core.models import Region
from yingshang.enterprises.models import Enterprise, EnterpriseQualification, Industry, QualificationType
from yingshang.policies import matching
from yingshang.policies.choices import ApplicationStatus, DisbursementStatus, DocumentStatus, RatingStage
from yingshang.policies.models import (
    Benefit,
    Clause,
    Disbursement,
    EnterpriseDeclaration,
    PolicyApplication,
    PolicyDocument,
    PolicyMatch,
    PolicyRating,
)

_SOURCE_LABELS = {"import": "登记数据导入", "registry": "登记机关"}


def _float(value) -> float | None:
    return None if value is None else float(value)


def _source(enterprise: Enterprise, field: str, default: str = "经营主体库（登记信息）") -> str:
    stamp = (enterprise.provenance or {}).get(field)
    if not stamp:
        return default
    return f"{stamp.get('source') or default}（{str(stamp.get('at', ''))[:10]}）"


def _current(qualifications):
    """Qualifications held today: one past its 有效期 (expires_on) no longer qualifies an enterprise."""
    today = timezone.localdate()
    return qualifications.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def benefited_clause_ids(enterprise_ids: Iterable[int]) -> dict[int, set[int]]:
    """Clauses each enterprise has already been approved for (已享受)."""
    result: dict[int, set[int]] = defaultdict(set)
    rows = PolicyApplication.objects.filter(
        enterprise_id__in=list(enterprise_ids), status=ApplicationStatus.APPROVED
    ).values_list("enterprise_id", "clause_id")
    for enterprise_id, clause_id in rows:
        result[enterprise_id].add(clause_id)
    return result


def enterprise_facts(enterprise: Enterprise, *, benefited: Iterable[int] | None = None) -> matching.EnterpriseFacts:
    """Everything the engine may use about one enterprise, with where each fact came from.

    The self-declared facts come from the declaration loaded with the enterprise when there is one
    (`select_related("policy_declaration")`), else from a query; `benefited` (the clauses it has been approved
    for) from the caller when it has read them already.
    """
    if Enterprise.policy_declaration.is_cached(enterprise):  # loaded with the enterprise (select_related)
        declaration = getattr(enterprise, "policy_declaration", None)
    else:
        declaration = EnterpriseDeclaration.objects.filter(enterprise=enterprise).first()
    qualifications = _current(EnterpriseQualification.objects.filter(enterprise=enterprise)).values_list(
        "qualification_id", "source"
    )
    held = dict(qualifications)
    declared = f"企业自报（{declaration.declared_at:%Y-%m-%d}）" if declaration else ""
    sources = {
        name: _source(enterprise, name)
        for name in (
            "entity_type",
            "industry_code",
            "region_code",
            "established_on",
            "employees",
            "revenue_10k",
            "above_scale",
            "tags",
            "credit_class",
        )
    }
    sources["industry_code"] = _source(enterprise, "industry")
    sources["region_code"] = _source(enterprise, "region")
    sources["size"] = (
        f"按工信部联企业〔2011〕300号划型：{enterprise.size_reason}"
        if enterprise.size_reason
        else "经营主体库（规模划型）"
    )
    sources["qualifications"] = "、".join(sorted({s for s in held.values() if s})) or "经营主体库（资质名单）"
    sources["rd_ratio"] = declared
    sources["tax_paid_10k"] = declared
    sources["credit_class"] = _source(enterprise, "credit_class", "信用分级分类监管结果")
    return matching.EnterpriseFacts(
        enterprise_id=enterprise.pk,
        entity_type=enterprise.entity_type,
        industry_code=enterprise.industry_id,
        industry_section=enterprise.industry_section or None,
        region_code=enterprise.region.code if enterprise.region_id else None,
        zone_code=enterprise.zone.code if enterprise.zone_id else None,
        size=enterprise.size if enterprise.size != "unknown" else None,
        established_on=enterprise.established_on,
        employees=enterprise.employees,
        revenue_10k=_float(enterprise.revenue_10k),
        rd_ratio=_float(declaration.rd_ratio) if declaration else None,
        tax_paid_10k=_float(declaration.tax_paid_10k) if declaration else None,
        above_scale=enterprise.above_scale,
        qualifications=frozenset(held),
        tags=frozenset(enterprise.tags or []),
        credit_class=enterprise.credit_class or "",
        benefited_clause_ids=frozenset(
            benefited_clause_ids([enterprise.pk]).get(enterprise.pk, set()) if benefited is None else benefited
        ),
        sources=sources,
    )


def _fetch_all(queryset) -> list[tuple]:
    """A values_list query's rows straight from the database cursor (no per-row iterator or converters).

    Only for queries whose selected columns need no Python conversion (casts are done in SQL by the caller).
    """
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load_fact_table(enterprise_ids: Iterable[int] | None = None) -> matching.FactTable:
    """Every active enterprise's facts as columns, read with a handful of set-based queries.

    Columns go straight from `values_list` into numpy (no per-enterprise objects). Decimals, dates and JSON are
    cast in SQL (float, ISO text, text) so no per-value Python converter runs; distinct tag lists are decoded
    once each.
    """
    enterprises = Enterprise.objects.active()
    if enterprise_ids is not None:
        enterprises = enterprises.filter(pk__in=list(enterprise_ids))
    region_codes = dict(Region.objects.values_list("pk", "code"))
    rows = _fetch_all(
        enterprises.order_by("pk")
        .annotate(
            founded_text=Cast("established_on", CharField()),
            revenue_float=Cast("revenue_10k", FloatField()),
            above_int=Cast("above_scale", IntegerField()),
            tags_text=Cast("tags", TextField()),
        )
        .values_list(
            "pk",
            "entity_type",
            "industry_id",
            "industry_section",
            "region_id",
            "zone_id",
            "size",
            "founded_text",
            "employees",
            "revenue_float",
            "above_int",
            "tags_text",
            "credit_class",
        )
    )
    (
        ids,
        entity_types,
        industries,
        sections,
        regions,
        zones,
        sizes,
        founded,
        employees,
        revenue,
        above,
        tags,
        credit,
    ) = zip(*rows, strict=True) if rows else ((),) * 13
    decoded: dict[str | None, tuple] = {}

    def tag_key(text: str | None) -> tuple:
        if text not in decoded:
            value = json.loads(text) if text else []
            decoded[text] = tuple(value) if isinstance(value, list) else ()
        return decoded[text]

    qualifications = _current(EnterpriseQualification.objects.filter(enterprise__in=enterprises)).values_list(
        "enterprise_id", "qualification_id"
    )
    declarations = EnterpriseDeclaration.objects.filter(enterprise__in=enterprises).values_list(
        "enterprise_id", Cast("rd_ratio", FloatField()), Cast("tax_paid_10k", FloatField())
    )
    benefited = PolicyApplication.objects.filter(
        enterprise__in=enterprises, status=ApplicationStatus.APPROVED
    ).values_list("enterprise_id", "clause_id")
    return matching.encode_columns(
        ids=ids,
        entity_types=entity_types,
        industry_codes=industries,
        industry_sections=[section or None for section in sections],
        region_codes=[region_codes.get(pk) for pk in regions],
        zone_codes=[region_codes.get(pk) for pk in zones],
        sizes=sizes,
        founded=founded,
        employees=employees,
        revenue_10k=revenue,
        above_scale=above,
        tags=[tag_key(text) for text in tags],
        credit_classes=[c or "" for c in credit],
        qualifications=_fetch_all(qualifications),
        declarations=_fetch_all(declarations),
        benefited=_fetch_all(benefited),
    )


def rule_names() -> dict[str, dict[str, str]]:
    """Code → Chinese name for qualifications, regions and industries, to explain rules in words (kept in the
    process until one of those tables is written; read-only for callers)."""
    from yingshang.core import dataversions

    def load() -> dict[str, dict[str, str]]:
        industries = dict(Industry.objects.filter(level__in=("section", "division")).values_list("code", "name"))
        return {
            "qualifications": dict(QualificationType.objects.values_list("code", "name")),
            "regions": dict(Region.objects.values_list("code", "name")),
            "industries": {code: f"{name}" for code, name in industries.items()},
        }

    return dataversions.kept_in_process(
        "policy_rule_names", dataversions.model_tables(Industry, QualificationType, Region), load
    )


def active_clauses() -> list[Clause]:
    """Confirmed clauses of published documents, with their benefits (what enterprises are matched against)."""
    return list(
        Clause.objects.active()
        .select_related("document", "handling_department")
        .prefetch_related(Prefetch("benefits", queryset=Benefit.objects.order_by("id")))
    )


@dataclass(frozen=True)
class LiveMatch:
    clause: Clause
    result: matching.MatchResult


def live_matches(
    facts: matching.EnterpriseFacts,
    *,
    today: dt.date,
    clauses: list[Clause] | None = None,
    names: dict | None = None,
) -> list[LiveMatch]:
    """One enterprise (or a visitor's answers) against every active clause: met first, then unknown.

    Two passes: a fast status check for every clause, then full explanations only for clauses that are met or
    unknown (a not-met clause carries no conditions here; its page explains it on demand).
    """
    clauses = active_clauses() if clauses is None else clauses
    names = rule_names() if names is None else names
    results = []
    for clause in clauses:
        benefits = benefit_dicts(clause)
        if matching.quick_status(clause.rules, facts, today=today, clause_id=clause.pk) == matching.NOT_MET:
            result = matching.MatchResult(matching.NOT_MET, (), clause._estimated_max_yuan)
        else:
            result = matching.evaluate_clause(
                clause.rules, benefits, facts, today=today, clause_id=clause.pk, names=names
            )
        results.append(LiveMatch(clause, result))
    order = {matching.MET: 0, matching.UNKNOWN: 1, matching.NOT_MET: 2}
    results.sort(key=lambda m: (order[m.result.status], -(m.result.estimated_max_yuan or 0), m.clause.id))
    return results


def kept_matches(
    enterprise: Enterprise, *, today: dt.date, benefited: Iterable[int] | None = None
) -> list[LiveMatch]:
    """The enterprise's met and unknown clauses (`live_matches`), kept until a policies, registry or region
    table is written: 我的政策 and the matches API read them on every visit, the engine runs once per change.

    Only (clause id, result) pairs are kept per enterprise; the clauses come from `match_catalogue()`, the same
    for every enterprise and read under the same data versions. `benefited`: see `enterprise_facts`.
    """
    from yingshang.core import dataversions

    key = dataversions.data_key(*_match_tables())
    clauses, names = match_catalogue(key)

    def compute() -> list[tuple[int, matching.MatchResult]]:
        facts = enterprise_facts(enterprise, benefited=benefited)
        live = live_matches(facts, today=today, clauses=clauses, names=names)
        return [(m.clause.pk, m.result) for m in live if m.result.status != matching.NOT_MET]

    kept = dataversions.cached_fragment(f"policy-matches:{enterprise.pk}:{today.isoformat()}", key, compute)
    by_id = {clause.pk: clause for clause in clauses}
    return [LiveMatch(by_id[clause_id], result) for clause_id, result in kept if clause_id in by_id]


def kept_enterprise_facts(enterprise: Enterprise) -> matching.EnterpriseFacts:
    """`enterprise_facts`, kept per enterprise and day until a table they read is written (a clause's page asks for
    them on every visit of an enterprise user)."""
    from yingshang.core import dataversions

    return dataversions.cached_fragment(
        f"policy-facts:{enterprise.pk}", dataversions.data_key(*_match_tables()), lambda: enterprise_facts(enterprise)
    )


@functools.cache
def policy_tables() -> tuple[str, ...]:
    """The tables of the policy supermarket (what its search results read)."""
    from yingshang.core import dataversions

    return dataversions.app_tables("policies")


@functools.cache
def document_page_tables() -> tuple[str, ...]:
    """The tables a policy document's page reads: the supermarket's, the handling departments and the rule names'."""
    from yingshang.core import dataversions
    from yingshang.core.models import Department

    return policy_tables() + dataversions.model_tables(Department, Industry, QualificationType, Region)


@functools.cache
def _match_tables() -> tuple[str, ...]:
    """The tables an enterprise's matches read (policies, the registry, regions and departments); they include
    every table `match_catalogue()` reads (clauses, benefits, documents, industries, qualification types, regions)."""
    from yingshang.core import dataversions
    from yingshang.core.models import Department

    return dataversions.app_tables("policies", "enterprises") + dataversions.model_tables(Region, Department)


def match_catalogue(key: str) -> tuple[list[Clause], dict[str, dict[str, str]]]:
    """The active clauses (what the matches pages show of them) and the rule names: the same for every enterprise.

    `key` is `dataversions.data_key(...)` of tables that include every table read here (`_match_tables()`). The
    catalogue is kept in this process while that key stands (`dataversions.kept_under_key`), so nothing is pickled
    or fetched per request. Read afresh when pages are not kept (empty key).
    """
    from yingshang.core import dataversions

    def load() -> tuple[list[Clause], dict[str, dict[str, str]]]:
        clauses = list(
            Clause.objects.active()
            .select_related("document")
            .only(*_CATALOGUE_FIELDS)
            .prefetch_related(Prefetch("benefits", queryset=Benefit.objects.order_by("id")))
        )
        for clause in clauses:
            benefit_dicts(clause)
        return clauses, rule_names()

    return dataversions.kept_under_key("policy_match_catalogue", key, load)


# What the matches pages and API read of a clause and its document (the rest, such as the full text and the
# extraction, is never shown there).
_CATALOGUE_FIELDS = (
    "id", "document_id", "title", "rules", "delivery_mode", "review_status",
    "document__id", "document__title", "document__is_example", "document__status",
)


def benefit_dicts(clause: Clause) -> list[dict]:
    """The clause's benefits as dicts, computed once per loaded clause object."""
    cached = clause.__dict__.get("_benefit_dicts")  # getattr with a default is slow on a missing attribute
    if cached is None:
        cached = [b.as_dict() for b in clause.benefits.all()]
        clause._benefit_dicts = cached
        clause._estimated_max_yuan = matching.estimate_max_benefit(cached)
    return cached


def explain_matches(
    enterprise: Enterprise, matches: Iterable[PolicyMatch], *, today: dt.date, names: dict | None = None
) -> list[tuple[PolicyMatch, matching.MatchResult]]:
    """Stored matches of one enterprise with each condition explained from its current facts (computed on read).

    A stored row holds the decision (status, amount); the explanation is the per-pair engine's, so a page reads
    the same whichever path (publication, profile change, import) stored the row.
    """
    matches = list(matches)
    if not matches:
        return []
    facts = enterprise_facts(enterprise)
    names = rule_names() if names is None else names
    return [
        (
            match,
            matching.evaluate_clause(
                match.clause.rules,
                benefit_dicts(match.clause),
                facts,
                today=today,
                clause_id=match.clause_id,
                names=names,
            ),
        )
        for match in matches
    ]


# -- ledger (兑现台账) and evaluation (评估) -------------------------------------------------------------


def ledger_totals(disbursements) -> dict[str, list[dict]]:
    """Totals of approved/instructed/paid amounts by policy, department, county and industry section."""
    groupings = {
        "政策": ("application__clause__document__title",),
        "受理部门": ("application__clause__handling_department__name",),
        "县区": ("application__enterprise__region__name",),
        "行业门类": ("application__enterprise__industry_section",),
    }
    result: dict[str, list[dict]] = {}
    for label, fields in groupings.items():
        rows = (
            disbursements.values(*fields)
            .annotate(
                count=Count("pk"),
                total=Sum("amount_yuan"),
                paid=Sum("amount_yuan", filter=Q(status=DisbursementStatus.PAID)),
            )
            .order_by("-total")
        )
        result[label] = [
            {
                "name": row[fields[0]] or "未登记",
                "count": row["count"],
                "total": row["total"] or 0,
                "paid": row["paid"] or 0,
            }
            for row in rows
        ]
    return result


def bayesian_average(total: float, count: int, *, prior_mean: float, prior_weight: float = 5) -> float | None:
    """A rating average pulled toward the overall mean when there are few ratings (小样本修正)."""
    if count == 0:
        return None
    return (prior_weight * prior_mean + total) / (prior_weight + count)


@dataclass
class PolicyFigures:
    """One policy's line on the evaluation page."""

    document: PolicyDocument
    clauses: int
    eligible: int
    applications: int
    approved: int
    paid_yuan: int
    approved_yuan: int
    budget_yuan: int | None
    beneficiaries: int
    uptake_percent: float | None
    median_days_to_payment: float | None
    rating_raw: float | None
    rating_count: int
    rating_adjusted: float | None
    flags: list[str]
    pain_points: list[tuple[str, int]] = field(default_factory=list)  # appeals tagged to its clauses (诉求)
    paid: int = 0  # disbursements paid (已到账笔数)


def _appeal_pain_points(document_ids) -> dict[int, list[tuple[str, int]]]:
    """Appeals (诉求) tagged to the documents' clauses, by category — the pain points (兑现难, 条件不清…)."""
    from yingshang.appeals.selectors import policy_pain_points_for_clauses

    clause_document = dict(
        Clause.objects.filter(document_id__in=document_ids).values_list("pk", "document_id")
    )
    merged: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for clause_id, rows in policy_pain_points_for_clauses(clause_document).items():
        for category, count in rows:
            merged[clause_document[clause_id]][category] += count
    return {doc: sorted(cats.items(), key=lambda item: -item[1]) for doc, cats in merged.items()}


def evaluation(documents, *, today: dt.date) -> tuple[list[PolicyFigures], dict]:
    """Per-policy figures of the chain: eligible, applied, approved, paid, time to payment, ratings, flags."""
    documents = list(documents)
    ids = [d.pk for d in documents]
    clause_counts = dict(
        Clause.objects.filter(document_id__in=ids)
        .values("document_id")
        .annotate(n=Count("pk"))
        .values_list("document_id", "n")
    )
    eligible = dict(
        PolicyMatch.objects.filter(clause__document_id__in=ids, status="met")
        .values("clause__document_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("clause__document_id", "n")
    )
    applications = PolicyApplication.objects.filter(clause__document_id__in=ids)
    app_counts = dict(
        applications.values("clause__document_id")
        .annotate(n=Count("pk"))
        .values_list("clause__document_id", "n")
    )
    approved = dict(
        applications.filter(status=ApplicationStatus.APPROVED)
        .values("clause__document_id")
        .annotate(n=Count("pk"))
        .values_list("clause__document_id", "n")
    )
    beneficiaries = dict(
        applications.filter(status=ApplicationStatus.APPROVED)
        .values("clause__document_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("clause__document_id", "n")
    )
    money: dict[int, dict[str, int]] = defaultdict(lambda: {"paid": 0, "approved": 0, "paid_count": 0})
    days: dict[int, list[float]] = defaultdict(list)
    for document_id, amount, status, submitted, paid in Disbursement.objects.filter(
        application__clause__document_id__in=ids
    ).values_list(
        "application__clause__document_id", "amount_yuan", "status", "application__submitted_at", "paid_at"
    ):
        money[document_id]["approved"] += amount
        if status == DisbursementStatus.PAID and paid:
            money[document_id]["paid"] += amount
            money[document_id]["paid_count"] += 1
            days[document_id].append((paid - submitted).total_seconds() / 86400)
    ratings = defaultdict(lambda: [0.0, 0])
    all_scores = PolicyRating.objects.filter(clause__document_id__in=ids, stage=RatingStage.POLICY)
    for document_id, score in all_scores.values_list("clause__document_id", "score"):
        ratings[document_id][0] += score
        ratings[document_id][1] += 1
    pain_points = _appeal_pain_points(ids)
    total_count = sum(c for _, c in ratings.values())
    prior = (sum(t for t, _ in ratings.values()) / total_count) if total_count else 4.0
    figures = []
    for document in documents:
        total, count = ratings[document.pk]
        medians = sorted(days[document.pk])
        median = medians[len(medians) // 2] if medians else None
        flags = []
        if (
            document.status == DocumentStatus.PUBLISHED
            and document.expires_on
            and document.expires_on <= today + dt.timedelta(days=60)
        ):
            flags.append(f"将于{document.expires_on:%Y-%m-%d}到期")
        if document.status == DocumentStatus.PUBLISHED and not app_counts.get(document.pk):
            flags.append("发布后无人申报")
        if document.budget_yuan and money[document.pk]["approved"] > document.budget_yuan:
            flags.append("核定金额超出预算")
        if pain_points.get(document.pk):
            flags.append(f"企业诉求 {sum(n for _, n in pain_points[document.pk])} 件")
        eligible_count = eligible.get(document.pk, 0)
        figures.append(
            PolicyFigures(
                document=document,
                clauses=clause_counts.get(document.pk, 0),
                eligible=eligible_count,
                applications=app_counts.get(document.pk, 0),
                approved=approved.get(document.pk, 0),
                paid_yuan=money[document.pk]["paid"],
                paid=money[document.pk]["paid_count"],
                approved_yuan=money[document.pk]["approved"],
                budget_yuan=document.budget_yuan,
                beneficiaries=beneficiaries.get(document.pk, 0),
                uptake_percent=round(100 * beneficiaries.get(document.pk, 0) / eligible_count, 1)
                if eligible_count
                else None,
                median_days_to_payment=round(median, 1) if median is not None else None,
                rating_raw=round(total / count, 2) if count else None,
                rating_count=count,
                rating_adjusted=round(bayesian_average(total, count, prior_mean=prior), 2) if count else None,
                flags=flags,
                pain_points=pain_points.get(document.pk, []),
            )
        )
    all_days = sorted(day for values in days.values() for day in values)
    summary = {
        "documents": len(documents),
        "published": sum(d.status == DocumentStatus.PUBLISHED for d in documents),
        "eligible": sum(eligible.values()),
        "paid": sum(m["paid_count"] for m in money.values()),
        "median_days_to_payment": round(all_days[len(all_days) // 2], 1) if all_days else None,
        "pain_points": sum(n for rows in pain_points.values() for _, n in rows),
        "applications": sum(app_counts.values()),
        "approved": sum(approved.values()),
        "approved_yuan": sum(m["approved"] for m in money.values()),
        "paid_yuan": sum(m["paid"] for m in money.values()),
        "flagged": sum(1 for f in figures if f.flags),
        "prior_rating": round(prior, 2),
    }
    return figures, summary


def decimal_or_none(value) -> Decimal | None:
    if value in (None, ""):
        return None
    number = Decimal(str(value))
    if not math.isfinite(float(number)):
        return None
    return number
