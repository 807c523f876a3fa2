"""Enterprise registry use cases: import, edit, classify size, verify memberships, load reference data."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from yingshang.core.audit import Change, record_change, record_changes, snapshot
from yingshang.core.bulk import RawJSON, insert_rows
from yingshang.core.errors import BusinessRuleError, InvalidUpload
from yingshang.core.models import Region, RegionKind
from yingshang.core.queueing import enqueue_with_commit
from yingshang.enterprises import importing, industries, scale
from yingshang.enterprises.choices import EnterpriseSize, ImportStatus, MembershipStatus
from yingshang.enterprises.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseMembership,
    EnterpriseQualification,
    Industry,
    QualificationType,
)
from yingshang.enterprises.spreadsheets import read_table

DATA_DIR = Path(__file__).resolve().parent / "data"
TRACKED_FIELDS = [c.field for c in importing.COLUMNS if c.field not in ("credit_code", "qualifications")]
SIZE_INPUTS = ("industry_id", "employees", "revenue_10k", "total_assets_10k")
BATCH_SIZE = 2000
OTHER_SECTOR = "其他未列明行业"


@cache
def _sections() -> dict[str, str]:
    """Industry code → its 门类 letter, from the GB/T 4754 catalogue."""
    by_code = {i.code: i for i in industries.load_industries()}
    result = {}
    for code, item in by_code.items():
        node = item
        while node.parent is not None:
            node = by_code[node.parent]
        result[code] = node.code
    return result


def section_of(industry_code: str | None) -> str:
    return _sections().get(industry_code or "", "")


@cache
def sector_of(industry_code: str | None) -> str:
    """The SME sector (划型行业) for an industry code; codes too broad to decide count as 其他未列明行业."""
    if not industry_code:
        return OTHER_SECTOR
    try:
        return industries.sector_for_industry(industry_code)
    except ValueError:
        return OTHER_SECTOR


# -- reference data --------------------------------------------------------------------------------

QUALIFICATION_TYPES = [
    # code, name, level, synonyms
    ("hnte", "高新技术企业", "国家级", ["国家级高新技术企业", "国家高新技术企业", "高企", "高新企业"]),
    ("tech_sme", "科技型中小企业", "国家级", ["科技型中小企", "科小"]),
    ("provincial_innovative", "省级科技创新型企业", "省级", ["科技创新型企业", "省科技创新型企业"]),
    ("srdi_sme", "专精特新中小企业", "省级", ["专精特新企业", "专精特新"]),
    ("little_giant", "专精特新“小巨人”企业", "国家级", ["小巨人", "专精特新小巨人", "专精特新\"小巨人\"企业",
                                                      "专精特新“小巨人”"]),
    ("innovative_sme", "创新型中小企业", "省级", ["创新型中小企"]),
    ("gazelle", "瞪羚企业", "省级", []),
    ("single_champion", "制造业单项冠军企业", "国家级", ["单项冠军", "单项冠军企业"]),
    ("agri_leading", "农业产业化重点龙头企业", "省级", ["龙头企业", "农业龙头企业"]),
    ("time_honored", "中华老字号", "国家级", ["老字号"]),
    ("a_level_scenic", "A级旅游景区经营单位", "", ["A级景区"]),
]


@transaction.atomic
def load_registry_reference() -> dict[str, int]:
    """Load GB/T 4754-2017 industries and qualification types (idempotent)."""
    existing = set(Industry.objects.values_list("code", flat=True))
    catalogue = industries.load_industries()
    new = []
    for item in catalogue:
        if item.code in existing:
            continue
        new.append(Industry(code=item.code, name=item.name, level=item.level, parent_id=item.parent,
                            section=section_of(item.code),
                            sector=sector_of(item.code) if item.level != "section" else ""))
    # Parents first, so foreign keys hold on PostgreSQL too.
    order = {"section": 0, "division": 1, "group": 2, "class": 3}
    Industry.objects.bulk_create(sorted(new, key=lambda i: order.get(i.level, 9)), batch_size=500)
    for sort_order, (code, name, level, synonyms) in enumerate(QUALIFICATION_TYPES):
        QualificationType.objects.update_or_create(code=code, defaults={"name": name, "level": level,
                                                                        "synonyms": synonyms,
                                                                        "sort_order": sort_order})
    return {"industries": len(catalogue), "qualifications": len(QUALIFICATION_TYPES)}


@cache
def size_thresholds() -> dict:
    return scale.load_thresholds(DATA_DIR / "sme-scale-2011.json")


def classify(*, industry_code: str | None, employees: int | None, revenue_10k: Decimal | None,
             assets_10k: Decimal | None) -> scale.SizeResult:
    """Size (大/中/小/微) with its Chinese reason; unknown industry → 其他未列明行业."""
    return _classify(sector_of(industry_code), employees, revenue_10k, assets_10k)


@lru_cache(maxsize=65536)
def _classify(sector: str, employees: int | None, revenue_10k: Decimal | None,
              assets_10k: Decimal | None) -> scale.SizeResult:
    # Registries repeat the same figures often (individual businesses without any); imports hit this cache.
    return scale.classify_size(sector=sector, employees=employees, revenue_10k=revenue_10k, assets_10k=assets_10k,
                               thresholds=size_thresholds())


def _apply_size(enterprise: Enterprise) -> None:
    result = classify(industry_code=enterprise.industry_id, employees=enterprise.employees,
                      revenue_10k=enterprise.revenue_10k, assets_10k=enterprise.total_assets_10k)
    enterprise.size = result.size
    enterprise.size_reason = result.reason_zh[:300]


def build_references(today: dt.date) -> importing.References:
    regions: dict[str, int] = {}
    zones: dict[str, int] = {}
    for region in Region.objects.all():
        target = zones if region.kind == RegionKind.ZONE else regions
        if region.kind == RegionKind.CITY:
            continue
        target[region.name] = region.pk
        target[region.code] = region.pk
        if "族自治县" in region.name:  # 肃南裕固族自治县 is commonly written 肃南县
            target[region.name[:2] + "县"] = region.pk
        if region.kind == RegionKind.ZONE:
            for short in (region.name.replace("经济技术开发区", "经开区"),):
                target[short] = region.pk
    qualifications: dict[str, str] = {}
    for q in QualificationType.objects.all():
        for name in (q.name, q.code, *q.synonyms):
            qualifications[name] = q.code
    return importing.References(industries=frozenset(Industry.objects.values_list("code", flat=True)),
                                regions=regions, zones=zones, qualifications=qualifications, today=today)


# -- import ---------------------------------------------------------------------------------------

@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total_rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "warnings": self.warnings, "total_rows": self.total_rows}


def import_enterprises(*, data: bytes, filename: str, by, dry_run: bool = False, scope_region: Region | None = None,
                       source: str = "", progress: Callable[[int, int], None] | None = None,
                       today: dt.date | None = None) -> ImportReport:
    """Import a CSV/XLSX of enterprises, idempotent by 统一社会信用代码.

    Valid rows are created or updated; invalid rows are rejected whole with (row, field, value, reason).
    Rows are written in batches, each batch atomic, so progress is visible and a re-run completes the rest.
    """
    today = today or timezone.localdate()
    report = ImportReport()
    # 1. Read and map headers (file-level problems stop here with a 4xx message).
    table = read_table(data, filename, max_bytes=settings.MAX_UPLOAD_BYTES)
    try:
        header_map = importing.map_headers(table.headers)
    except importing.HeaderError as exc:
        raise InvalidUpload(str(exc), code="bad_headers")
    if header_map.unknown:
        report.warnings.append(f"以下列不是模板中的列，已忽略：{'、'.join(header_map.unknown[:20])}")
    report.total_rows = len(table.rows)
    refs = build_references(today)

    # 2. Parse every row; reject duplicates within the file and rows outside the importer's county.
    valid: list[importing.ParsedRow] = []
    first_row_of: dict[str, int] = {}
    for offset, raw in enumerate(table.rows):
        parsed = importing.parse_row(offset + 2, raw, header_map, refs)
        code = str(parsed.values.get("credit_code", ""))
        if parsed.ok and code in first_row_of:
            parsed.errors.append(importing.RowError(parsed.row, "统一社会信用代码", code,
                                                    f"与第 {first_row_of[code]} 行重复"))
        if parsed.ok and scope_region is not None and parsed.values.get("region_id") not in (None, scope_region.pk):
            parsed.errors.append(importing.RowError(parsed.row, "所属县区", "", "不属于您管辖的县区"))
        if parsed.ok:
            first_row_of[code] = parsed.row
            if scope_region is not None:
                parsed.values.setdefault("region_id", scope_region.pk)
            valid.append(parsed)
        else:
            report.rejected.extend(e.as_dict() for e in parsed.errors)
    if scope_region is not None:
        _reject_out_of_scope_existing(valid, scope_region, report)

    # 3. Write in atomic batches.
    done = 0
    for start in range(0, len(valid), BATCH_SIZE):
        batch = valid[start:start + BATCH_SIZE]
        _write_batch(batch, by=by, dry_run=dry_run, report=report, source=source or filename)
        done += len(batch)
        if progress:
            progress(done + len(report.rejected), report.total_rows)
    return report


def _reject_out_of_scope_existing(valid: list[importing.ParsedRow], region: Region, report: ImportReport) -> None:
    codes = [p.values["credit_code"] for p in valid]
    foreign = set()
    for start in range(0, len(codes), 900):
        foreign |= set(Enterprise.objects.filter(credit_code__in=codes[start:start + 900])
                       .exclude(region=region).values_list("credit_code", flat=True))
    if not foreign:
        return
    keep = []
    for parsed in valid:
        if parsed.values["credit_code"] in foreign:
            report.rejected.append(importing.RowError(parsed.row, "统一社会信用代码", parsed.values["credit_code"],
                                                      "该主体登记在其他县区，您无权修改").as_dict())
        else:
            keep.append(parsed)
    valid[:] = keep


def _write_batch(batch: list[importing.ParsedRow], *, by, dry_run: bool, report: ImportReport, source: str) -> None:
    now = timezone.now()
    provenance_stamp = {"source": f"导入：{source}"[:120], "by": getattr(by, "username", "系统"),
                        "at": now.isoformat(timespec="seconds")}
    with transaction.atomic():
        existing = {e.credit_code: e for e in Enterprise.objects.filter(
            credit_code__in=[p.values["credit_code"] for p in batch])}
        # New enterprises are written as plain rows (no model instances): on a 100,000-row file, building and
        # preparing instances cost as much as everything else together. Provenance is the same stamp for every
        # field the file gives, so its JSON is encoded once per set of columns.
        to_create: list[dict[str, Any]] = []
        provenance_json: dict[tuple[str, ...], RawJSON] = {}
        to_update: list[Enterprise] = []
        changes: list[Change] = []
        qualification_rows: list[tuple[str, list[str]]] = []
        update_fields: set[str] = set()
        for parsed in batch:
            values = dict(parsed.values)
            qualification_codes = values.pop("qualifications", None)
            code = values["credit_code"]
            enterprise = existing.get(code)
            if enterprise is None:
                columns = tuple(values)
                if columns not in provenance_json:
                    provenance_json[columns] = RawJSON(json.dumps({name: provenance_stamp for name in columns}))
                size = classify(industry_code=values.get("industry_id"), employees=values.get("employees"),
                                revenue_10k=values.get("revenue_10k"), assets_10k=values.get("total_assets_10k"))
                to_create.append({**values, "industry_section": _section(values.get("industry_id")),
                                  "provenance": provenance_json[columns], "size": size.size,
                                  "size_reason": size.reason_zh[:300]})
                changes.append(Change("enterprise.import_create", "enterprises.enterprise", code, values["name"],
                                      None, values, _region_code_of(values.get("region_id"))))
            else:
                before = snapshot(enterprise, [*values.keys(), "size"])
                changed = {k: v for k, v in values.items() if getattr(enterprise, k) != v}
                if not changed and qualification_codes is None:
                    report.unchanged += 1
                    continue
                for name, value in changed.items():
                    setattr(enterprise, name, value)
                    enterprise.provenance[name] = provenance_stamp
                if changed.keys() & set(SIZE_INPUTS):
                    _apply_size(enterprise)
                    enterprise.industry_section = _section(enterprise.industry_id)
                    update_fields |= {"size", "size_reason", "industry_section"}
                if changed:
                    update_fields |= set(changed) | {"provenance", "updated_at"}
                    enterprise.updated_at = now
                    to_update.append(enterprise)
                    after = snapshot(enterprise, [*values.keys(), "size"])
                    changes.append(Change("enterprise.import_update", "enterprises.enterprise", code,
                                          enterprise.name, {k: before[k] for k in after if before[k] != after[k]},
                                          {k: after[k] for k in after if before[k] != after[k]},
                                          _region_code(enterprise)))
                else:
                    report.unchanged += 1
            if qualification_codes is not None:
                qualification_rows.append((code, qualification_codes))
        report.created += len(to_create)
        report.updated += len(to_update)
        if dry_run:
            transaction.set_rollback(True)
            return
        insert_rows(Enterprise, to_create)
        if to_update:
            Enterprise.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
        if qualification_rows:
            _replace_qualifications(qualification_rows, source)
        record_changes(changes, actor=by, reason=f"批量导入 {source}"[:500], at=now)
        # New enterprises are matched too (precise push reaches them before the next publication).
        changed_codes = [c.object_id for c in changes]
        if changed_codes:
            _rematch_policies_on_commit(Enterprise.objects.filter(credit_code__in=changed_codes)
                                        .values_list("id", flat=True))


def _replace_qualifications(rows: list[tuple[str, list[str]]], source: str) -> None:
    ids = dict(Enterprise.objects.filter(credit_code__in=[c for c, _ in rows]).values_list("credit_code", "id"))
    wanted = {(ids[code], q) for code, quals in rows for q in quals}
    current = {(e, q): pk for pk, e, q in EnterpriseQualification.objects.filter(enterprise_id__in=ids.values())
               .values_list("id", "enterprise_id", "qualification_id")}
    stale = sorted(pk for pair, pk in current.items() if pair not in wanted)
    for start in range(0, len(stale), 900):
        EnterpriseQualification.objects.filter(pk__in=stale[start:start + 900]).delete()
    label = f"导入：{source}"[:100]
    insert_rows(EnterpriseQualification, [{"enterprise_id": e, "qualification_id": q, "source": label}
                                          for e, q in sorted(wanted - current.keys())])


def _section(industry_code: str | None) -> str:
    return section_of(industry_code)


@cache
def _region_codes() -> dict[int, str]:
    return dict(Region.objects.values_list("id", "code"))


def _region_code(enterprise: Enterprise) -> str:
    return _region_code_of(enterprise.region_id)


def _region_code_of(region_id: int | None) -> str:
    if region_id is None:
        return ""
    codes = _region_codes()
    if region_id not in codes:
        _region_codes.cache_clear()
        codes = _region_codes()
    return codes.get(region_id, "")


# -- imports as background jobs -------------------------------------------------------------------

def start_enterprise_import(*, upload, by, dry_run: bool = False) -> EnterpriseImport:
    """Store the uploaded file and enqueue its import; the page polls the batch for progress."""
    from yingshang.enterprises.tasks import run_enterprise_import

    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise InvalidUpload(f"文件过大，上限为 {settings.MAX_UPLOAD_BYTES // 1048576} MB。", code="file_too_large")
    name = Path(upload.name or "upload").name[:200]
    if not name.lower().endswith((".csv", ".xlsx", ".xls", ".txt")):
        raise InvalidUpload("只接受 .xlsx、.xls 或 .csv 文件。", code="unsupported_type")
    batch = EnterpriseImport.objects.create(file=upload, original_name=name, dry_run=dry_run, created_by=by,
                                            region=by.scope_region)
    record_change(actor=by, action="enterprise_import.start", obj=batch, after={"file": name, "dry_run": dry_run})
    enqueue_with_commit(run_enterprise_import, import_id=batch.pk)
    return batch


def run_import_batch(import_id: int) -> EnterpriseImport:
    """Run a stored import (idempotent: a finished batch is left alone; a re-run converges)."""
    claimed = EnterpriseImport.objects.filter(pk=import_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
                                              ).update(status=ImportStatus.RUNNING)
    batch = EnterpriseImport.objects.select_related("created_by", "region").get(pk=import_id)
    if not claimed:
        return batch

    def progress(done: int, total: int) -> None:
        EnterpriseImport.objects.filter(pk=import_id).update(processed_rows=done, total_rows=total)

    try:
        with batch.file.open("rb") as handle:
            data = handle.read()
        report = import_enterprises(data=data, filename=batch.original_name, by=batch.created_by,
                                    dry_run=batch.dry_run, scope_region=batch.region, progress=progress,
                                    source=f"{batch.original_name}（批次 {batch.pk}）")
    except BusinessRuleError as exc:
        EnterpriseImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED, error=exc.message[:500],
                                                             finished_at=timezone.now())
        batch.refresh_from_db()
        return batch
    EnterpriseImport.objects.filter(pk=import_id).update(
        status=ImportStatus.DONE, total_rows=report.total_rows, processed_rows=report.total_rows,
        created_count=report.created, updated_count=report.updated, unchanged_count=report.unchanged,
        rejected_count=len({r["row"] for r in report.rejected}), rejected=report.rejected, warnings=report.warnings,
        finished_at=timezone.now())
    batch.refresh_from_db()
    return batch


# -- single-record edits --------------------------------------------------------------------------

EDITABLE_FIELDS = ["name", "entity_type", "industry", "established_on", "status", "region", "zone", "address",
                   "legal_representative", "employees", "revenue_10k", "total_assets_10k",
                   "registered_capital_10k", "foreign_invested", "above_scale", "tags", "credit_class"]


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, by, changes: dict[str, Any], reason: str, source: str = "") -> Enterprise:
    """Edit registry fields by hand; size is recomputed, provenance and the audit trail record the change."""
    if not by.can("enterprise.edit"):
        raise PermissionDenied("您没有修改主体信息的权限。")
    if not reason.strip():
        raise BusinessRuleError("请填写修改原因。", field="reason")
    before = snapshot(enterprise, EDITABLE_FIELDS + ["size"])
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            raise BusinessRuleError(f"字段 {name} 不可修改。", field=name)
        setattr(enterprise, name, value)
    enterprise.industry_section = _section(enterprise.industry_id)
    _apply_size(enterprise)
    after = snapshot(enterprise, EDITABLE_FIELDS + ["size"])
    changed = [k for k in after if before[k] != after[k]]
    if not changed:
        return enterprise
    stamp = {"source": source or (by.department.name if by.department_id else "人工修改"), "by": by.username,
             "at": timezone.now().isoformat(timespec="seconds")}
    for name in changed:
        enterprise.provenance[name] = stamp
    enterprise.save()
    record_change(actor=by, action="enterprise.update", obj=enterprise, reason=reason,
                  before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
                  region_code=_region_code(enterprise))
    _rematch_policies_on_commit([enterprise.pk])
    return enterprise


@transaction.atomic
def set_credit_class(enterprise: Enterprise, *, credit_class: str, by, reason: str) -> Enterprise:
    """Record the supervision credit tier (信用分级) of an enterprise."""
    before = enterprise.credit_class
    enterprise.credit_class = credit_class
    enterprise.provenance["credit_class"] = {"source": reason[:120], "by": getattr(by, "username", "系统"),
                                             "at": timezone.now().isoformat(timespec="seconds")}
    enterprise.save(update_fields=["credit_class", "provenance", "updated_at"])
    record_change(actor=by, action="enterprise.credit_class", obj=enterprise, reason=reason,
                  before={"credit_class": before}, after={"credit_class": credit_class},
                  region_code=_region_code(enterprise))
    _rematch_policies_on_commit([enterprise.pk])
    return enterprise


def _rematch_policies_on_commit(enterprise_ids) -> None:
    """A changed profile may change which policies match (精准推送): re-match after the commit.

    One enterprise → one task; many (an import batch) → one batch task per 2,000 distinct ids, not one each.
    """
    from yingshang.policies.tasks import rematch_enterprise, rematch_enterprises

    ids = sorted({int(pk) for pk in enterprise_ids})
    if len(ids) == 1:
        enqueue_with_commit(rematch_enterprise, enterprise_id=ids[0])
        return
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        enqueue_with_commit(rematch_enterprises, enterprise_ids=chunk)


# -- memberships -----------------------------------------------------------------------------------

@transaction.atomic
def request_membership(*, user, enterprise: Enterprise, position: str = "") -> EnterpriseMembership:
    """An enterprise user asks to act for an enterprise; staff must verify it first."""
    membership, created = EnterpriseMembership.objects.get_or_create(user=user, enterprise=enterprise,
                                                                     defaults={"position": position})
    if created:
        record_change(actor=user, action="membership.request", obj=membership,
                      after={"enterprise": enterprise.pk, "position": position}, region_code=_region_code(enterprise))
    return membership


def request_membership_by_code(*, user, credit_code: str, position: str = "") -> EnterpriseMembership:
    """An enterprise user names an enterprise by its 统一社会信用代码; staff verify the binding afterwards."""
    from yingshang.enterprises.credit_code import (
        InvalidCreditCode,
        normalize_credit_code,
        validate_credit_code,
    )

    if user.role != "enterprise":
        raise BusinessRuleError("只有企业用户可以申请绑定企业。", code="not_enterprise_user")
    code = normalize_credit_code(credit_code)
    try:
        validate_credit_code(code)
    except InvalidCreditCode as exc:
        raise BusinessRuleError(f"统一社会信用代码有误：{exc}", field="credit_code")
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise BusinessRuleError("主体库中没有该信用代码的企业，请联系所在县区营商部门登记。", field="credit_code")
    return request_membership(user=user, enterprise=enterprise, position=position[:50])


@transaction.atomic
def verify_membership(membership: EnterpriseMembership, *, by, approve: bool, note: str = "") -> EnterpriseMembership:
    """Staff confirm (or reject) that a user acts for the enterprise (企业账号核验)."""
    if not by.can("enterprise.verify_member"):
        raise PermissionDenied("您没有核验企业账号的权限。")
    if membership.status != MembershipStatus.PENDING:
        raise BusinessRuleError("该绑定申请已处理。", code="already_processed")
    membership.status = MembershipStatus.VERIFIED if approve else MembershipStatus.REJECTED
    membership.verified_by, membership.verified_at, membership.note = by, timezone.now(), note[:200]
    membership.save(update_fields=["status", "verified_by", "verified_at", "note"])
    record_change(actor=by, action="membership.verify" if approve else "membership.reject", obj=membership,
                  before={"status": MembershipStatus.PENDING}, after={"status": membership.status}, reason=note,
                  region_code=_region_code(membership.enterprise))
    return membership


def industry_tree_json() -> str:
    return json.dumps([{"code": c, "name": n} for c, n in Industry.objects.filter(level__in=["section", "division"])
                       .values_list("code", "name")], ensure_ascii=False)


SIZE_LABELS = dict(EnterpriseSize.choices)
