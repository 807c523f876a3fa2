"""Reads of the registry: filtered lists, overviews, an enterprise's timeline."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from yingshang.core import dataversions
from yingshang.core.models import AuditEvent, Region
from yingshang.enterprises import importing
from yingshang.enterprises.choices import EnterpriseSize, EnterpriseStatus
from yingshang.enterprises.models import Enterprise, EnterpriseQualification


@functools.cache
def registry_tables() -> tuple[str, ...]:
    """The tables registry pages read: a write to any of them renews their cached fragments' key."""
    return dataversions.app_tables("enterprises") + dataversions.model_tables(Region)


@dataclass(frozen=True)
class EnterpriseFilters:
    q: str = ""
    region: str = ""  # GB/T 2260 code or zone code
    section: str = ""  # GB/T 4754 门类 letter
    industry: str = ""  # division or finer code (prefix match)
    size: str = ""
    qualification: str = ""
    status: str = ""
    tag: str = ""

    @classmethod
    def from_mapping(cls, data) -> EnterpriseFilters:
        return cls(**{name: (data.get(name) or "").strip()[:100] for name in cls.__dataclass_fields__})


def enterprise_list(user, filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    """Enterprises visible to `user` matching the filters, newest first; related rows joined (constant queries)."""
    qs = Enterprise.objects.visible_to(user)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(credit_code=filters.q.upper()))
    if filters.region:
        qs = qs.filter(Q(region__code=filters.region) | Q(zone__code=filters.region))
    if filters.section:
        qs = qs.filter(industry_section=filters.section.upper())
    if filters.industry:
        qs = qs.filter(industry__code__startswith=filters.industry)
    if filters.size:
        qs = qs.filter(size=filters.size)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.qualification:
        qs = qs.filter(qualifications__qualification_id=filters.qualification)
    if filters.tag:
        qs = qs.filter(tags__contains=filters.tag) if _json_contains_supported() else qs.filter(
            tags__icontains=filters.tag)
    # Lists never show field provenance (the biggest column: a source stamp per field); the detail page does.
    return qs.select_related("industry", "region", "zone").defer("provenance").order_by("-id")


def enterprise_list_page(user, filters: EnterpriseFilters, number) -> Page:
    """One page (20) of `enterprise_list` as plain rows for the registry table: no model instances, labels and
    links computed here rather than per row in the template."""
    rows = enterprise_list(user, filters).values(
        "pk", "name", "credit_code", "size", "status", "zone_id", region_name=F("region__name"),
        zone_name=F("zone__name"), industry_name=F("industry__name"))
    page = Paginator(rows, 20, allow_empty_first_page=True).get_page(number)
    sizes, statuses = dict(EnterpriseSize.choices), dict(EnterpriseStatus.choices)
    detail = reverse("enterprises:detail", args=[0]).removesuffix("0/")  # every detail URL is this prefix + "<id>/"
    page.object_list = [{**row, "url": f"{detail}{row['pk']}/", "size_label": sizes.get(row["size"], row["size"]),
                         "status_label": statuses.get(row["status"], row["status"])} for row in page.object_list]
    return page


def _json_contains_supported() -> bool:
    from django.db import connection

    return connection.features.supports_json_field_contains


def registry_overview(user) -> dict:
    """Counts for the dashboard: active enterprises by size and by county (kept per scope until a registry table is
    written: two counts over the whole registry on every 驾驶舱 view otherwise)."""
    from yingshang.enterprises.models import registry_scope_key

    def count() -> dict:
        active = Enterprise.objects.visible_to(user).filter(status=EnterpriseStatus.ACTIVE)
        by_size = dict(active.order_by().values_list("size").annotate(n=Count("id")))
        regions = Region.objects.filter(kind__in=["county", "zone"])
        by_region = dict(active.order_by().values_list("region_id").annotate(n=Count("id")))
        return {
            "total": sum(by_size.values()),
            "by_size": [{"label": str(label), "count": by_size.get(value, 0)} for value, label in EnterpriseSize.choices
                        if value != EnterpriseSize.UNKNOWN],
            "by_region": [{"name": r.name, "count": by_region.get(r.pk, 0)} for r in regions],
        }

    return dataversions.cached_fragment(f"registry-overview:{registry_scope_key(user)}",
                                        dataversions.data_key(*registry_tables()), count)


def enterprise_timeline(enterprise: Enterprise, limit: int = 50) -> QuerySet[AuditEvent]:
    """Audit events about the enterprise, newest first."""
    return AuditEvent.objects.filter(object_type="enterprises.enterprise",
                                     object_id__in=[str(enterprise.pk), enterprise.credit_code]).order_by("-id")[:limit]


def enterprise_page_parts(enterprise: Enterprise, *, government: bool) -> dict:
    """What the enterprise page shows besides the record: its qualifications and, to government staff, the source of
    each field (数据来源) and the audit timeline. Plain rows, read once."""
    qualifications = list(EnterpriseQualification.objects.filter(enterprise=enterprise)
                          .values("obtained_on", "expires_on", "source", name=F("qualification__name")))
    if not government:
        return {"qualifications": qualifications, "provenance": [], "timeline": []}
    timeline = list(enterprise_timeline(enterprise).values("at", "actor_label", "action", "reason", "after"))
    provenance = [(field_label(name), stamp) for name, stamp in sorted(enterprise.provenance.items())]
    return {"qualifications": qualifications, "provenance": provenance, "timeline": timeline}


def field_label(name: str) -> str:
    """The import template's header for a field, else the model's verbose name (e.g. 信用等级)."""
    if name in importing.FIELD_LABELS:
        return importing.FIELD_LABELS[name]
    try:
        return str(Enterprise._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name
