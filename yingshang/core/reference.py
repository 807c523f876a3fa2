"""Loads a city's reference data (regions, departments) from its data directory. Idempotent."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yingshang.core.models import Department, Region, RegionKind


@dataclass(frozen=True)
class ReferenceLoadReport:
    regions: int
    departments: int


def zone_code(city_code: str, index: int) -> str:
    """Zones (园区) have no GB/T 2260 code; they get the city code plus Z and a number."""
    return f"{city_code}Z{index:02d}"


@transaction.atomic
def load_city_reference(directory: Path) -> ReferenceLoadReport:
    """Create or update the city's regions and department tree from `regions.json` and `departments.json`."""
    regions_data = json.loads((directory / "regions.json").read_text(encoding="utf-8"))
    departments_data = json.loads((directory / "departments.json").read_text(encoding="utf-8"))

    # 1. Regions: the city, its counties (GB/T 2260), its zones.
    city, _ = Region.objects.update_or_create(
        code=regions_data["city"]["code"],
        defaults={"name": regions_data["city"]["name"], "kind": RegionKind.CITY, "parent": None, "sort_order": 0},
    )
    counties = []
    for order, item in enumerate(regions_data["counties"], start=1):
        county, _ = Region.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "kind": RegionKind.COUNTY, "parent": city,
                                         "sort_order": order})
        counties.append(county)
    zones = []
    for order, item in enumerate(regions_data.get("zones", []), start=1):
        zone, _ = Region.objects.update_or_create(
            code=item.get("code") or zone_code(city.code, order),
            defaults={"name": item["name"], "kind": RegionKind.ZONE, "parent": city, "sort_order": 100 + order})
        zones.append(zone)

    # 2. Departments: one government root per region; county roots under the city root.
    root_name = departments_data["government_root"]
    city_root = _upsert_department(root_name.format(region=city.name), city, None, "government")
    count = 1 + _upsert_children(departments_data["city"], city, city_root)
    for region, template_key in [(c, "county") for c in counties] + [(z, "zone") for z in zones]:
        name = region.name if template_key == "county" else region.name
        root = _upsert_department(root_name.format(region=name) if template_key == "county" else name, region,
                                  city_root, "government")
        count += 1 + _upsert_children(departments_data[template_key], region, root)
    return ReferenceLoadReport(regions=1 + len(counties) + len(zones), departments=count)


def _upsert_children(items: list[dict], region: Region, parent: Department) -> int:
    count = 0
    for item in items:
        department = _upsert_department(item["name"].format(region=region.name), region, parent, item["key"],
                                        item.get("short", "").format(region=region.name))
        count += 1 + _upsert_children(item.get("children", []), region, department)
    return count


def _upsert_department(name: str, region: Region, parent: Department | None, key: str, short: str = "") -> Department:
    existing = Department.objects.filter(region=region, name=name).first()
    if existing:
        if existing.parent_id != (parent.pk if parent else None):
            raise ValueError(f"部门“{name}”已存在于其他上级之下，请先在后台调整。")
        if existing.function_key != key or (short and existing.short_name != short):
            existing.function_key, existing.short_name = key, short or existing.short_name
            existing.save(update_fields=["function_key", "short_name"])
        return existing
    return create_department(name=name, region=region, parent=parent, function_key=key, short_name=short)


def create_department(*, name: str, region: Region, parent: Department | None, function_key: str = "",
                      short_name: str = "") -> Department:
    """Add a department at the end of its parent's children, computing its materialized path."""
    siblings = Department.objects.filter(parent=parent)
    prefix = parent.path if parent else ""
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    number = int(last[len(prefix):].rstrip(".")) + 1 if last else 1
    return Department.objects.create(name=name, short_name=short_name, region=region, parent=parent,
                                     path=f"{prefix}{number:04d}.", function_key=function_key)
