"""Registry pages: list, detail, edit, import with progress, exports, account verification."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from yingshang.core import dataversions
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Region
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import permission_required
from yingshang.enterprises import access, importing, selectors, services
from yingshang.enterprises.choices import EnterpriseSize, EnterpriseStatus, MembershipStatus
from yingshang.enterprises.forms import EnterpriseEditForm, ImportForm
from yingshang.enterprises.models import (
    EnterpriseImport,
    EnterpriseMembership,
    Industry,
    QualificationType,
    registry_scope_key,
)
from yingshang.enterprises.spreadsheets import write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _filter_choices() -> dict[str, list[tuple[str, str, str]]]:
    """Each filter select's (value, escaped value, escaped label); cached for a few minutes (they change only with
    reference data)."""
    choices = caches["local"].get("enterprise_filter_choices")
    if choices is None:
        pairs = {"region": Region.objects.exclude(kind="city").values_list("code", "name"),
                 "section": [(code, f"{code} {name}") for code, name in
                             Industry.objects.filter(level="section").values_list("code", "name")],
                 "size": EnterpriseSize.choices,
                 "qualification": QualificationType.objects.values_list("code", "name"),
                 "status": EnterpriseStatus.choices}
        choices = {name: [(str(value), escape(str(value)), escape(str(label))) for value, label in options]
                   for name, options in pairs.items()}
        caches["local"].set("enterprise_filter_choices", choices, 300)
    return choices


def _options(choices: list[tuple[str, str, str]], selected: str) -> str:
    """A select's <option>s with the chosen one marked (escaped once in _filter_choices, not per request)."""
    return mark_safe("".join(f'<option value="{value}" {"selected" if raw == selected else ""}>{label}</option>'  # noqa: S308 - escaped
                             for raw, value, label in choices))


@permission_required("enterprise.view")
@kept_whole
def enterprise_list(request):
    """经营主体库: searchable, filterable list; htmx swaps only the results. The results are kept for every viewer
    with the same data scope (they show the same rows); the filter form is the same for everyone."""
    filters = selectors.EnterpriseFilters.from_mapping(request.GET)
    # Counted and fetched only when the results fragment is not kept (see _results.html).
    page = SimpleLazyObject(lambda: selectors.enterprise_list_page(request.user, filters, request.GET.get("page")))
    fragment = dataversions.data_key(*selectors.registry_tables())
    context = {"page": page, "filters": filters, "fragment_seconds": dataversions.fragment_seconds(),
               "fragment": f"{fragment}:{registry_scope_key(request.user)}" if fragment else ""}
    if request.headers.get("HX-Request"):
        return render(request, "enterprises/_results.html", context)
    choices = _filter_choices()
    context.update({
        **{f"{name}_options": _options(choices[name], getattr(filters, name)) for name in choices},
        "can_export": request.user.can("enterprise.export"),
    })
    return render(request, "enterprises/list.html", context)


@login_required
@kept_whole
def enterprise_detail(request, enterprise_id: int):
    """One enterprise. The body is kept per enterprise and view class (government staff see provenance and the
    timeline, editors the edit link) until a registry table is written (the timeline's audit events are written with
    the enterprise rows they describe); the viewer's scope is checked on every request, never kept."""
    user = request.user
    government, can_edit = user.is_government, user.can("enterprise.edit")
    rendered = []

    def page() -> dict:
        enterprise = access.get_enterprise_for_user(user, enterprise_id)  # the scope check of a fresh render
        rendered.append(True)
        body = render_to_string("enterprises/_detail_body.html", {
            "enterprise": enterprise, "government": government, "can_edit": can_edit,
            **selectors.enterprise_page_parts(enterprise, government=government),
        })
        return {"title": enterprise.name, "body": body, "region_id": enterprise.region_id,
                "zone_id": enterprise.zone_id}

    cached = dataversions.cached_fragment(f"enterprise-body:{enterprise_id}:{int(government)}{int(can_edit)}",
                                          dataversions.data_key(*selectors.registry_tables()), page)
    if not rendered:
        access.check_enterprise_visible(user, enterprise_id, region_id=cached["region_id"], zone_id=cached["zone_id"])
    return render(request, "enterprises/detail.html", {"title": cached["title"], "body": mark_safe(cached["body"])})  # noqa: S308 - our own template's output


@permission_required("enterprise.edit")
def enterprise_edit(request, enterprise_id: int):
    enterprise = access.get_enterprise_for_user(request.user, enterprise_id)
    form = EnterpriseEditForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "reason"}
        enterprise.refresh_from_db()  # the form mutated the instance; the service compares against the stored row
        try:
            services.update_enterprise(enterprise, by=request.user, changes=changes,
                                       reason=form.cleaned_data["reason"])
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存，修改已记入审计记录。")
            return redirect("enterprises:detail", enterprise.pk)
    return render(request, "enterprises/edit.html", {"form": form, "enterprise": enterprise},
                  status=400 if request.method == "POST" else 200)


@permission_required("enterprise.import")
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.start_enterprise_import(upload=form.cleaned_data["file"], by=request.user,
                                                     dry_run=form.cleaned_data["dry_run"])
        except BusinessRuleError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("enterprises:import_status", batch.pk)
    recent = EnterpriseImport.objects.filter(created_by=request.user)[:10]
    return render(request, "enterprises/import.html", {"form": form, "recent": recent},
                  status=400 if request.method == "POST" else 200)


@permission_required("enterprise.import")
def import_status(request, import_id: int):
    batch = access.get_import_for_user(request.user, import_id)
    template = "enterprises/_import_progress.html" if request.headers.get("HX-Request") else "enterprises/import_status.html"
    return render(request, template, {"batch": batch, "rejected_preview": batch.rejected[:100]})


@permission_required("enterprise.import")
def import_rejected(request, import_id: int):
    """The rejected rows with reasons, as a spreadsheet the user can fix and upload again."""
    batch = access.get_import_for_user(request.user, import_id)
    rows = [(r["row"], r["field"], r["value"], r["reason"]) for r in batch.rejected]
    return _xlsx_response(write_xlsx(["行号", "字段", "值", "原因"], rows, sheet_title="被拒绝的行"),
                          f"导入批次{batch.pk}-被拒绝的行.xlsx")


@login_required
def import_template(request):
    example = ["91620702MA74XXXX0X（示例，请替换）", "张掖市某某农业科技有限公司", "企业", "0511", "2019-05-20", "存续",
               "甘州区", "", "张掖市甘州区某路 1 号", "张三", "56", "3200", "5100", "1000", "否", "是",
               "高新技术企业；科技型中小企业", "玉米制种"]
    return _xlsx_response(write_xlsx(importing.TEMPLATE_HEADERS, [example], sheet_title="经营主体"),
                          "经营主体导入模板.xlsx")


@permission_required("enterprise.export")
def enterprise_export(request):
    """XLSX of the filtered list (formula-safe), streamed in constant memory on the server side."""
    filters = selectors.EnterpriseFilters.from_mapping(request.GET)
    qs = selectors.enterprise_list(request.user, filters)[:200_000]
    headers = ["统一社会信用代码", "企业名称", "主体类型", "行业代码", "行业", "成立日期", "登记状态", "所属县区", "所在园区",
               "住所", "法定代表人", "从业人员", "营业收入（万元）", "资产总额（万元）", "企业规模", "规模判定依据", "信用等级"]
    rows = ((e.credit_code, e.name, e.get_entity_type_display(), e.industry_id or "",
             e.industry.name if e.industry else "", e.established_on, e.get_status_display(),
             e.region.name if e.region else "", e.zone.name if e.zone else "", e.address, e.legal_representative,
             e.employees, e.revenue_10k, e.total_assets_10k, e.get_size_display(), e.size_reason, e.credit_class)
            for e in qs.iterator(chunk_size=2000))
    return _xlsx_response(write_xlsx(headers, rows, sheet_title="经营主体"),
                          f"经营主体-{dt.date.today():%Y%m%d}.xlsx")


@permission_required("enterprise.verify_member")
def membership_queue(request):
    """Pending account bindings (企业账号核验) in the user's scope."""
    from yingshang.enterprises.models import Enterprise

    pending = (EnterpriseMembership.objects.filter(status=MembershipStatus.PENDING,
                                                   enterprise__in=Enterprise.objects.visible_to(request.user))
               .select_related("user", "enterprise"))
    return render(request, "enterprises/memberships.html", {"pending": pending})


@permission_required("enterprise.verify_member")
@require_POST
def membership_decide(request, membership_id: int):
    membership = access.get_membership_for_user(request.user, membership_id)
    try:
        services.verify_membership(membership, by=request.user, approve=request.POST.get("decision") == "approve",
                                   note=request.POST.get("note", ""))
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已处理。")
    return redirect("enterprises:memberships")


@login_required
@require_POST
def membership_request(request):
    """An enterprise user asks to act for an enterprise by its credit code (pending staff verification)."""
    try:
        membership = services.request_membership_by_code(user=request.user,
                                                         credit_code=request.POST.get("credit_code", ""),
                                                         position=request.POST.get("position", ""))
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已提交绑定“{membership.enterprise.name}”的申请，待县区工作人员核验。")
    return redirect("core:workspace")
