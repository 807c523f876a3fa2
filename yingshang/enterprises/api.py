"""Registry API: list/filter, detail, imports (upload and status)."""

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from yingshang.core import dataversions
from yingshang.core.api_support import ErrorOut, paginate
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import require
from yingshang.enterprises import access, selectors, services
from yingshang.enterprises.models import Enterprise, EnterpriseImport, registry_scope_key
from yingshang.enterprises.schemas import EnterpriseDetailOut, EnterprisePage, ImportOut

router = Router(tags=["经营主体"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ListQuery(Schema):
    q: str = ""
    region: str = ""
    section: str = ""
    industry: str = ""
    size: str = ""
    qualification: str = ""
    status: str = ""
    tag: str = ""
    page: int = 1
    page_size: int = 20


def _out(e: Enterprise) -> dict:
    return {"id": e.pk, "credit_code": e.credit_code, "name": e.name, "entity_type": e.entity_type,
            "industry_code": e.industry_id, "industry_name": e.industry.name if e.industry else None,
            "established_on": e.established_on, "status": e.status,
            "region_code": e.region.code if e.region else None, "region_name": e.region.name if e.region else None,
            "zone_name": e.zone.name if e.zone else None, "employees": e.employees, "revenue_10k": e.revenue_10k,
            "size": e.size, "size_label": e.get_size_display(), "size_reason": e.size_reason,
            "foreign_invested": e.foreign_invested, "above_scale": e.above_scale, "tags": e.tags}


@router.get("", response={200: EnterprisePage, **ERRORS}, summary="经营主体列表（筛选、分页）")
@kept_whole
def list_enterprises(request, query: Query[ListQuery]):
    require(request.user, "enterprise.view")

    def page() -> EnterprisePage:
        filters = selectors.EnterpriseFilters.from_mapping(query.dict())
        items, meta = paginate(selectors.enterprise_list(request.user, filters), page=query.page,
                               page_size=query.page_size)
        return EnterprisePage.model_validate({**meta, "results": [_out(e) for e in items]})

    # Kept, validated, for every viewer with the same data scope and query until a registry table is written (as
    # the registry pages are); ninja then only serialises it.
    return dataversions.cached_fragment(f"api-enterprises:{sorted(query.dict().items())}",
                                        f"{_data_key()}:{registry_scope_key(request.user)}", page)


@router.get("/{int:enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS}, summary="经营主体详情")
@kept_whole
def get_enterprise(request, enterprise_id: int):
    government = request.user.is_government
    rendered = []

    def detail() -> dict:
        enterprise = access.get_enterprise_for_user(request.user, enterprise_id)  # the scope check of a fresh read
        rendered.append(True)
        out = EnterpriseDetailOut.model_validate({
            **_out(enterprise), "address": enterprise.address,
            "legal_representative": enterprise.legal_representative,
            "total_assets_10k": enterprise.total_assets_10k,
            "registered_capital_10k": enterprise.registered_capital_10k, "credit_class": enterprise.credit_class,
            "qualifications": [q.qualification.name for q in enterprise.qualifications.select_related("qualification")],
            "provenance": enterprise.provenance if government else {}})
        return {"out": out, "region_id": enterprise.region_id, "zone_id": enterprise.zone_id}

    # Kept per enterprise for government staff (who see provenance) and for everyone else; the viewer's scope is
    # checked on every request, never kept.
    kept = dataversions.cached_fragment(f"api-enterprise-out:{enterprise_id}:{int(government)}", _data_key(), detail)
    if not rendered:
        access.check_enterprise_visible(request.user, enterprise_id, region_id=kept["region_id"],
                                        zone_id=kept["zone_id"])
    return kept["out"]


def _data_key() -> str:
    return dataversions.data_key(*selectors.registry_tables())


def _import_out(batch: EnterpriseImport) -> dict:
    return {"id": batch.pk, "status": batch.status, "status_label": batch.get_status_display(),
            "file": batch.original_name, "dry_run": batch.dry_run, "total_rows": batch.total_rows,
            "processed_rows": batch.processed_rows, "progress_percent": batch.progress_percent,
            "created": batch.created_count, "updated": batch.updated_count, "unchanged": batch.unchanged_count,
            "rejected_count": batch.rejected_count, "rejected": batch.rejected[:1000], "warnings": batch.warnings,
            "error": batch.error}


@router.post("/imports", response={202: ImportOut, **ERRORS}, summary="上传主体表格并开始导入（后台任务）")
def start_import(request, file: File[UploadedFile], dry_run: Form[bool] = False):
    if not request.user.can("enterprise.import"):
        raise PermissionDenied("您没有导入经营主体的权限。")
    batch = services.start_enterprise_import(upload=file, by=request.user, dry_run=dry_run)
    batch.refresh_from_db()
    return Status(202, _import_out(batch))


@router.get("/imports/{int:import_id}", response={200: ImportOut, **ERRORS}, summary="导入批次状态与逐行报告")
def get_import(request, import_id: int):
    return _import_out(access.get_import_for_user(request.user, import_id))
