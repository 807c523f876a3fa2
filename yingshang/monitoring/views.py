"""Monitoring pages: 驾驶舱 and drill-down, catalogue, collection rounds and review, alerts, surveys, reports."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from yingshang.core import dataversions
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Department, Region
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import permission_required
from yingshang.enterprises.spreadsheets import write_xlsx
from yingshang.monitoring import (
    access,
    dashboard,
    reports,
    selectors,
    services,
    survey_services,
    tables,
    workbook,
)
from yingshang.monitoring.choices import SubmissionStatus
from yingshang.monitoring.models import (
    Alert,
    Dimension,
    IndexSnapshot,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    ScoringParameter,
    Submission,
    Topic,
    monitoring_scope,
)
from yingshang.monitoring.periods import label, parse_period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _period(request) -> str | None:
    period = request.GET.get("period") or dashboard.latest_period()
    if period:
        try:
            parse_period(period)
        except BusinessRuleError:
            return None
    return period


def _periods() -> list[str]:
    return list(
        IndexSnapshot.objects.filter(region__kind="city").order_by("-period").values_list("period", flat=True)
    )


@permission_required("monitoring.view")
@kept_whole
def dashboard_view(request):
    """驾驶舱: the city's index and trend, targets, worst indicators, county comparison."""
    requested = request.GET.get("period", "")
    if requested:
        try:
            parse_period(requested)
        except BusinessRuleError:
            return render(request, "monitoring/pages/dashboard.html", {"empty": True}, status=400)
    # The page body is kept until a monitoring, plans or region table is written, and shared by every viewer with
    # the same monitoring scope: the body differs between viewers only by the alerts they may see, which the scope
    # decides (see models.monitoring_scope). The figures, and the latest month when none is asked for, are computed
    # only when the body is not kept (lazy objects, evaluated by the template inside {% cache %}).
    view = SimpleLazyObject(lambda: dashboard.dashboard_overview(requested=requested, user=request.user))
    return render(
        request,
        "monitoring/pages/dashboard.html",
        {
            "requested_period": requested,
            "fragment": dashboard_fragment_key(request.user),
            "fragment_seconds": dataversions.fragment_seconds(),
            "view": view,
            "charts": SimpleLazyObject(lambda: dashboard.charts(view)),
            "heat": SimpleLazyObject(lambda: dashboard.heat_rows(view)),
            "periods": SimpleLazyObject(_periods),
            "index_code": dashboard.INDEX_CODE,
        },
    )


def dashboard_fragment_key(user) -> str:
    """The vary-on value of the kept 驾驶舱 body: the viewer's monitoring scope, the day and the data versions."""
    if not dataversions.enabled():
        return ""
    scope = monitoring_scope(user)
    scope_key = "none" if scope is None else ".".join(str(part) for part in scope)
    return f"{scope_key}:{dataversions.data_key(*_dashboard_tables())}"


@functools.cache
def _dashboard_tables() -> tuple[str, ...]:
    """The tables the 驾驶舱 body reads (a test checks the list against the queries of a fresh render)."""
    from yingshang.plans.models import Plan, PlanTarget, PlanTask

    return dataversions.model_tables(
        Alert, Dimension, IndexSnapshot, Indicator, IndicatorTarget, IndicatorValue, ScoringParameter, Topic,
        Plan, PlanTarget, PlanTask, Region, Department,
    )


@permission_required("monitoring.view")
@kept_whole
def dimension_detail(request, code: str):
    """Drill-down: a dimension → its first-level indicators and indicators, city and counties side by side."""
    dimension = Dimension.objects.filter(code=code).first()
    period = _period(request)
    if dimension is None or period is None:
        raise Http404
    snapshots = tables.region_snapshots(period)
    rows = tables.dimension_rows(dimension, snapshots)
    return render(
        request,
        "monitoring/pages/dimension.html",
        {
            "dimension": dimension,
            "period": period,
            "period_label": label(period),
            "snapshots": snapshots,
            "rows": rows,
        },
    )


def _catalogue_year(request) -> int:
    """The plan year whose targets the catalogue shows: ?year=YYYY, else the latest scored month's year."""
    latest = dashboard.latest_period()
    default = parse_period(latest)[0] if latest else timezone.localdate().year
    raw = (request.GET.get("year") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else default


@permission_required("monitoring.view")
def indicator_list(request):
    """指标目录: every indicator with definition, formula, owner, source and current plan targets."""
    year = _catalogue_year(request)
    rows = tables.catalogue_rows(year)
    unmatched = services.unmatched_plan_targets() if request.user.can("monitoring.configure") else []
    return render(
        request, "monitoring/pages/indicators.html", {"rows": rows, "year": year, "unmatched": unmatched}
    )


@permission_required("monitoring.configure")
@require_POST
def link_targets(request):
    count = services.link_plan_targets(by=request.user)
    messages.success(request, f"已关联 {count} 个方案目标。")
    return redirect("monitoring:indicators")


@permission_required("monitoring.view")
def indicator_detail(request, code: str):
    """Drill-down: one indicator across regions for a month, with targets, scores and the city series."""
    indicator = Indicator.objects.select_related("topic__dimension").filter(code=code).first()
    period = _period(request)
    if indicator is None or period is None:
        raise Http404
    year, _ = parse_period(period)
    targets = selectors.targets_by_indicator(year).get(indicator.pk, [])
    snapshots = tables.region_snapshots(period)
    parameters = indicator.parameters.order_by("-plan_year", "-version")
    series = list(
        IndexSnapshot.objects.filter(region__kind="city")
        .order_by("period")
        .values_list("period", "indicator_scores")
    )
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 48, "right": 16, "top": 24, "bottom": 32},
        "xAxis": {"type": "category", "data": [p for p, _ in series]},
        "yAxis": {"type": "value", "name": indicator.unit},
        "series": [
            {
                "type": "line",
                "name": "全市",
                "data": [(s.get(indicator.code) or {}).get("value") for _, s in series],
            }
        ],
    }
    rows = tables.indicator_region_rows(indicator, snapshots)
    return render(
        request,
        "monitoring/pages/indicator.html",
        {
            "indicator": indicator,
            "period": period,
            "period_label": label(period),
            "targets": targets,
            "rows": rows,
            "parameters": parameters[:5],
            "chart": chart,
            "owner": selectors.department_names_by_function().get(indicator.function_key, ""),
        },
    )


@permission_required("monitoring.view")
def indicator_values(request, code: str, region_code: str):
    """Drill-down to the submitted values of an indicator in a region: every version with its provenance."""
    indicator = Indicator.objects.filter(code=code).first()
    region = access.get_region_for_user(request.user, region_code)
    if indicator is None:
        raise Http404
    values = tables.value_versions(request.user, indicator, region)
    return render(
        request,
        "monitoring/pages/values.html",
        {
            "indicator": indicator,
            "region": region,
            "values": values,
            "can_review": request.user.can("monitoring.review"),
            "can_submit": request.user.can("monitoring.submit"),
        },
    )


@permission_required("monitoring.view")
def round_list(request):
    """填报轮次: open rounds, my department's status; the city office opens rounds and sees every department."""
    return render(
        request,
        "monitoring/pages/rounds.html",
        {"rows": tables.round_rows(request.user), "can_open": request.user.can("monitoring.configure")},
    )


@permission_required("monitoring.configure")
@require_POST
def round_open(request):
    try:
        collection_round = services.open_round(period=request.POST.get("period", ""), by=request.user)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:rounds")
    messages.success(
        request, f"{label(collection_round.period)}填报已开启，截止 {collection_round.deadline:%Y-%m-%d}。"
    )
    return redirect("monitoring:round", collection_round.pk)


def _form_rows(collection_round, department, posted=None):
    """The web form's rows; after a refused POST each row keeps what was typed (value, 无数据, 说明)."""
    indicators = selectors.due_indicators(
        function_key=department.function_key, period=collection_round.period
    )
    regions = selectors.reporting_regions(department)
    current = {
        (v.indicator_id, v.region_id): v
        for v in IndicatorValue.objects.filter(
            period=collection_round.period, is_current=True, indicator__in=indicators, region__in=regions
        )
    }
    posted = posted or {}
    rows = []
    for indicator in indicators:
        for region in regions:
            field = f"{indicator.code}__{region.code}"
            rows.append(
                {
                    "indicator": indicator,
                    "region": region,
                    "current": current.get((indicator.pk, region.pk)),
                    "field": field,
                    "value": posted.get(f"{field}__value", ""),
                    "no_data": bool(posted.get(f"{field}__no_data")),
                    "note": posted.get(f"{field}__note", ""),
                }
            )
    return rows


@permission_required("monitoring.view")
def round_detail(request, round_id: int):
    """One round: the department's web form (or Excel upload); the city office sees all submissions."""
    collection_round = access.get_round_for_user(request.user, round_id)
    if request.method == "POST" and not request.user.can("monitoring.submit"):
        raise PermissionDenied("您的角色不能报送监测数据。")
    department = request.user.department if request.user.can("monitoring.submit") else None
    errors: list[dict] = []
    status = 200
    if request.method == "POST" and department is not None:
        rows = [
            services.SubmittedRow(
                indicator_code=row["indicator"].code,
                region_code=row["region"].code,
                raw_value=request.POST.get(f"{row['field']}__value", ""),
                raw_no_data="是" if request.POST.get(f"{row['field']}__no_data") else "",
                note=request.POST.get(f"{row['field']}__note", ""),
                row_label=row["indicator"].name
                + ("" if row["region"] == department.region else f"（{row['region'].name}）"),
            )
            for row in _form_rows(collection_round, department)
        ]
        try:
            upload = request.FILES.get("file")
            if upload is not None:
                rows = workbook.read_upload(
                    upload.read(), upload.name, collection_round=collection_round, department=department
                )
            services.submit_values(
                collection_round=collection_round,
                department=department,
                rows=rows,
                by=request.user,
                now=timezone.now(),
                origin="excel" if upload is not None else "form",
                source_file=upload.name if upload is not None else "",
            )
        except BusinessRuleError as exc:
            errors = exc.details or [{"field": exc.field or "", "reason": exc.message}]
            status = exc.status
        else:
            messages.success(request, "已提交，等待市营商局审核。")
            return redirect("monitoring:round", collection_round.pk)
    submission = (
        Submission.objects.filter(round=collection_round, department=department).first()
        if department
        else None
    )
    submissions = tables.round_submissions(request.user, collection_round)
    owing = tables.round_owing(request.user, collection_round)
    return render(
        request,
        "monitoring/pages/round.html",
        {
            "round": collection_round,
            "department": department,
            "submission": submission,
            "form_rows": _form_rows(collection_round, department, request.POST if errors else None)
            if department
            else [],
            "errors": errors,
            "posted": request.POST,
            "submissions": submissions,
            "owing": owing,
            "editable": submission is None
            or submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
        },
        status=status,
    )


@permission_required("monitoring.submit")
def round_template(request, round_id: int):
    """The department's Excel template for the round (download, fill, upload)."""
    collection_round = access.get_round_for_user(request.user, round_id)
    if request.user.department is None:
        raise Http404
    content = workbook.build_template(collection_round, request.user.department)
    return _download(
        content,
        f"{collection_round.period}-{request.user.department.short_name or request.user.department.name}-监测数据模板.xlsx",
        XLSX,
    )


@permission_required("monitoring.view")
def submission_detail(request, submission_id: int):
    submission = access.get_submission_for_user(request.user, submission_id)
    values = tables.submission_values(submission)
    return render(
        request,
        "monitoring/pages/submission.html",
        {
            "submission": submission,
            "values": values,
            "can_review": request.user.can("monitoring.review")
            and submission.status == SubmissionStatus.SUBMITTED,
        },
    )


@permission_required("monitoring.review")
@require_POST
def submission_review(request, submission_id: int):
    submission = access.get_submission_for_review(request.user, submission_id)
    try:
        services.review_submission(
            submission=submission,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
            by=request.user,
            now=timezone.now(),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:submission", submission.pk)
    if request.POST.get("decision") == "approve":
        services.recompute_index(now=timezone.now(), periods=[submission.round.period])
    messages.success(request, "审核完成。")
    return redirect("monitoring:submission", submission.pk)


@permission_required("monitoring.view")
def value_revise(request, value_id: int):
    """Correct a value (更正): the old version and the reason are kept."""
    value = access.get_value_for_revision(request.user, value_id)
    error = ""
    if request.method == "POST":
        try:
            services.revise_value(
                value=value,
                raw_value=request.POST.get("value", ""),
                no_data=bool(request.POST.get("no_data")),
                reason=request.POST.get("reason", ""),
                by=request.user,
                now=timezone.now(),
            )
        except BusinessRuleError as exc:
            error = exc.message
        else:
            messages.success(request, "已提交更正，原数值与原因已留痕，待市营商局审核后生效。")
            return redirect("monitoring:values", value.indicator.code, value.region.code)
    return render(
        request, "monitoring/revise.html", {"value": value, "error": error}, status=400 if error else 200
    )


@permission_required("monitoring.review")
@require_POST
def value_approve(request, value_id: int):
    value = access.get_value_for_user(request.user, value_id)
    try:
        services.approve_value(value=value, by=request.user, now=timezone.now())
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        services.recompute_index(now=timezone.now(), periods=[value.period])
        messages.success(request, "更正已发布，指数已重算。")
    return redirect("monitoring:values", value.indicator.code, value.region.code)


@permission_required("monitoring.view")
def alert_list(request):
    return render(request, "monitoring/pages/alerts.html", {"alerts": tables.visible_alerts(request.user)})


@permission_required("monitoring.view")
def alert_detail(request, alert_id: int):
    alert = access.get_alert_for_user(request.user, alert_id)
    if request.method == "POST":
        alert = access.get_alert_for_action(request.user, alert_id)
        try:
            if request.POST.get("action") == "escalate":
                if not request.user.can("monitoring.review"):
                    raise BusinessRuleError("只有市营商局可以转督办。")
                services.escalate_alert(alert=alert, by=request.user, now=timezone.now())
            else:
                services.acknowledge_alert(alert=alert, by=request.user)
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        return redirect("monitoring:alert", alert.pk)
    return render(
        request,
        "monitoring/alert.html",
        {"alert": alert, "can_escalate": request.user.can("monitoring.review")},
    )


@permission_required("monitoring.view")
def report_download(request, period: str, fmt: str):
    """月通报 as PDF or DOCX."""
    if fmt not in ("pdf", "docx"):
        raise Http404
    try:
        parse_period(period)
    except BusinessRuleError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    if not IndexSnapshot.objects.filter(period=period).exists():
        return HttpResponse(
            f"{label(period)}尚无监测结果。", status=404, content_type="text/plain; charset=utf-8"
        )
    context = reports.report_context(period=period, user=request.user)
    if fmt == "pdf":
        return _download(reports.render_pdf(context), f"营商环境监测月通报-{period}.pdf", "application/pdf")
    return _download(
        reports.render_docx(context),
        f"营商环境监测月通报-{period}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def _export_period(request) -> str:
    """The month an export is for: ?period=YYYY-MM (400 if malformed), else the latest scored month (404 if none)."""
    raw = request.GET.get("period")
    if raw:
        parse_period(raw)
        return raw
    latest = dashboard.latest_period()
    if latest is None:
        raise Http404("尚无监测结果。")
    return latest


def _export_id(request, name: str, what: str) -> int:
    raw = (request.GET.get(name) or "").strip()
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 12):
        raise BusinessRuleError(f"参数 {name} 应为{what}编号（正整数），收到“{raw[:20]}”。", field=name)
    return int(raw)


def _export_dashboard(name: str):
    def build(request) -> tables.Sheet:
        period = _export_period(request)
        headers, rows = reports.table(name, period=period, user=request.user)
        return tables.Sheet(
            headers, rows, reports.TABLE_TITLES[name], f"监测-{reports.TABLE_TITLES[name]}-{period}"
        )

    return build


def _export_dimension(request) -> tables.Sheet:
    dimension = Dimension.objects.filter(code=request.GET.get("code", "")).first()
    if dimension is None:
        raise Http404
    return tables.dimension_sheet(dimension, period=_export_period(request))


def _export_indicator(request) -> tables.Sheet:
    indicator = Indicator.objects.filter(code=request.GET.get("code", "")).first()
    if indicator is None:
        raise Http404
    return tables.indicator_sheet(indicator, period=_export_period(request))


def _export_values(request) -> tables.Sheet:
    indicator = Indicator.objects.filter(code=request.GET.get("code", "")).first()
    region = access.get_region_for_user(request.user, request.GET.get("region", ""))
    if indicator is None:
        raise Http404
    return tables.values_sheet(request.user, indicator, region)


def _export_configuration(build):
    """Exports of the city office's configuration pages (monitoring.configure, as the pages)."""

    def guarded(request) -> tables.Sheet:
        if not request.user.can("monitoring.configure"):
            raise PermissionDenied("只有市营商局可以查看评分参数与权重。")
        return build(request)

    return guarded


def _parameter_year(request) -> int:
    raw = (request.GET.get("year") or str(timezone.localdate().year)).strip()
    if not (raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100):
        raise BusinessRuleError("方案年度应为 2000–2100 之间的四位数字。", field="year")
    return int(raw)


def _export_surveys(request) -> tables.Sheet:
    if not request.user.can("monitoring.configure"):
        raise PermissionDenied("只有市营商局可以查看满意度调查列表。")
    return tables.surveys_sheet()


# Every table a monitoring page shows, by slug: each builder checks scope as its page does.
EXPORTS = {
    "targets": _export_dashboard("targets"),
    "ranking": _export_dashboard("ranking"),
    "scores": _export_dashboard("scores"),
    "dimension": _export_dimension,
    "indicator": _export_indicator,
    "values": _export_values,
    "catalogue": lambda request: tables.catalogue_sheet(year=_catalogue_year(request)),
    "alerts": lambda request: tables.alerts_sheet(request.user),
    "rounds": lambda request: tables.rounds_sheet(request.user),
    "round": lambda request: tables.round_sheet(
        request.user, access.get_round_for_user(request.user, _export_id(request, "round", "填报轮次"))
    ),
    "submission": lambda request: tables.submission_sheet(
        access.get_submission_for_user(request.user, _export_id(request, "submission", "部门填报"))
    ),
    "surveys": _export_surveys,
    "parameters": _export_configuration(
        lambda request: tables.parameters_sheet(year=_parameter_year(request))
    ),
    "weights": _export_configuration(lambda request: tables.weights_sheet()),
    "survey": lambda request: tables.survey_sheet(
        access.get_survey_for_user(request.user, _export_id(request, "survey", "调查"))
    ),
    "survey_sample": lambda request: tables.survey_sample_sheet(
        access.get_survey_for_user(request.user, _export_id(request, "survey", "调查"))
    ),
}


@permission_required("monitoring.view")
def export_table(request, table: str):
    """XLSX export (导出 Excel) of any monitoring table: the page's rows, columns and scope."""
    build = EXPORTS.get(table)
    if build is None:
        raise Http404
    try:
        sheet = build(request)
    except BusinessRuleError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    content = write_xlsx(sheet.headers, sheet.rows, sheet_title=tables.sheet_title(sheet.title))
    return _download(content, tables.file_name(sheet.filename) + ".xlsx", XLSX)


def _preview_period(request, year: int | None = None) -> str | None:
    """The month a preview is computed for: the latest published month (of the plan year, if given)."""
    periods = services.published_periods(year=year)
    return periods[-1] if periods else None


@permission_required("monitoring.configure")
def weights_edit(request):
    """Edit the weights: preview the index with them, then save a new version (recomputed in the background)."""
    current = selectors.weights_for("9999-12")
    error, preview, status = "", None, 200
    weights = current.weights if current else {}
    if request.method == "POST":
        posted = {"dimension": {}, "topic": {}, "indicator": {}}
        for key, value in request.POST.items():
            level, _, code = key.partition(":")
            if level in posted:
                posted[level][code] = value
        weights = posted
        try:
            if request.POST.get("action") == "preview":
                preview = _weights_preview(posted)
            else:
                services.save_weights(
                    weights=posted,
                    effective_from=request.POST.get("effective_from", ""),
                    note=request.POST.get("note", ""),
                    by=request.user,
                )
        except BusinessRuleError as exc:
            error = "；".join(d["reason"] for d in exc.details) if exc.details else exc.message
            status = 400
        else:
            if preview is None:
                messages.success(request, "已保存新的权重版本；指数正在后台重算，几分钟内生效。")
                return redirect("monitoring:weights")
    dimensions = Dimension.objects.prefetch_related("topics__indicators").order_by("sort_order")
    versions = tables.weight_versions()
    return render(
        request,
        "monitoring/weights_form.html",
        {
            "current": current,
            "dimensions": dimensions,
            "weights": weights,
            "error": error,
            "posted": request.POST,
            "preview": preview,
            "versions": versions,
        },
        status=status,
    )


def _weights_preview(posted: dict) -> dict:
    from yingshang.monitoring import catalogue as catalogue_module
    from yingshang.monitoring.weights import validate_weights

    data = catalogue_module.load()
    names = {row["code"]: row["name"] for row in (*data.dimensions, *data.topics, *data.indicators)}
    errors = validate_weights(
        posted,
        names=names,
        dimensions=[d["code"] for d in data.dimensions],
        topics_by_dimension=data.topics_by_dimension(),
        indicators_by_topic=data.indicators_by_topic(),
    )
    if errors:
        raise BusinessRuleError(errors[0], details=[{"field": "weights", "reason": e} for e in errors])
    period = _preview_period(None)
    if period is None:
        return {"period": None, "rows": []}
    clean = {level: {code: float(w) for code, w in values.items()} for level, values in posted.items()}
    return {
        "period": period,
        "rows": services.preview_index(period=period, now=timezone.now(), weights=clean),
    }


@permission_required("monitoring.configure")
def parameters_edit(request):
    """Edit best/worst values (前沿值/下限值) per indicator for a plan year: preview, then save new versions."""
    raw_year = request.GET.get("year") or request.POST.get("plan_year") or str(timezone.localdate().year)
    if not (raw_year.isascii() and raw_year.isdigit() and 2000 <= int(raw_year) <= 2100):
        return HttpResponse(
            "方案年度应为 2000–2100 之间的四位数字。", status=400, content_type="text/plain; charset=utf-8"
        )
    year = int(raw_year)
    errors: list[dict] = []
    preview, status = None, 200
    if request.method == "POST":
        changes, errors = services.read_parameter_changes(request.POST, plan_year=year)
        if not errors:
            try:
                if request.POST.get("action") == "preview":
                    period = _preview_period(year)
                    preview = {
                        "period": period,
                        "changes": changes,
                        "rows": services.preview_index(
                            period=period,
                            now=timezone.now(),
                            parameters={c.indicator.pk: (float(c.best), float(c.worst)) for c in changes},
                        )
                        if period and changes
                        else [],
                    }
                else:
                    saved = services.set_scoring_parameters(
                        plan_year=year,
                        changes=changes,
                        basis=request.POST.get("basis", ""),
                        by=request.user,
                        now=timezone.now(),
                    )
                    messages.success(
                        request,
                        f"已保存 {len(saved)} 个指标的新版本评分参数（{year} 年度）；指数正在后台重算。",
                    )
                    return redirect(f"{reverse('monitoring:parameters')}?year={year}")
            except BusinessRuleError as exc:
                errors = exc.details or [{"field": exc.field or "", "reason": exc.message}]
        status = 400 if errors else 200
    return render(
        request,
        "monitoring/parameters.html",
        {
            "year": year,
            "rows": _parameter_form_rows(year, request.POST),
            "errors": errors,
            "posted": request.POST,
            "preview": preview,
        },
        status=status,
    )


def _parameter_form_rows(year: int, posted) -> list[dict]:
    """Rows of the parameter form: what was typed (after an error or a preview), else the values in force."""
    result = []
    for row in selectors.parameter_rows(year):
        code, parameter = row.indicator.code, row.parameter
        result.append(
            {
                "indicator": row.indicator,
                "parameter": parameter,
                "inherited": row.inherited,
                "best_text": posted.get(f"best:{code}", selectors.plain(parameter.best) if parameter else ""),
                "worst_text": posted.get(
                    f"worst:{code}", selectors.plain(parameter.worst) if parameter else ""
                ),
            }
        )
    return result


@permission_required("monitoring.configure")
def survey_list(request):
    error = ""
    if request.method == "POST":
        try:
            survey = survey_services.create_survey(
                title=request.POST.get("title", ""),
                period=request.POST.get("period", ""),
                sample_size=int(request.POST.get("sample_size") or 0),
                by=request.user,
            )
        except ValueError:
            error = "样本量应为整数。"
        except BusinessRuleError as exc:
            error = exc.message
        else:
            return redirect("monitoring:survey", survey.pk)
    return render(
        request,
        "monitoring/pages/surveys.html",
        {"surveys": tables.survey_list(), "error": error},
        status=400 if error else 200,
    )


@permission_required("monitoring.view")
def survey_detail(request, survey_id: int):
    survey = access.get_survey_for_user(request.user, survey_id)
    if request.method == "POST":
        survey = access.get_survey_for_configuration(request.user, survey_id)
        action, now = request.POST.get("action"), timezone.now()
        try:
            if action == "sample":
                seed = int(request.POST.get("seed") or 0)
                survey_services.draw_sample(survey=survey, seed=seed, by=request.user)
            elif action == "open":
                survey_services.open_survey(survey=survey, by=request.user, now=now)
            elif action == "close":
                survey_services.close_survey(survey=survey, by=request.user, now=now)
            elif action == "publish":
                survey_services.publish_satisfaction(survey=survey, by=request.user, now=now)
                services.recompute_index(now=now, periods=[survey.period])
        except ValueError:
            messages.error(request, "随机种子应为整数。")
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
        return redirect("monitoring:survey", survey.pk)
    invitations = tables.survey_invitations(survey)
    dissatisfied = [i for i in invitations if hasattr(i, "response") and i.response.overall <= 2]
    return render(
        request,
        "monitoring/pages/survey.html",
        {
            "survey": survey,
            "invitations": invitations,
            "results": survey_services.satisfaction(survey),
            "definition": survey_services.SatisfactionResult.definition,
            "dissatisfied": dissatisfied,
            "can_configure": request.user.can("monitoring.configure"),
        },
    )


@permission_required("monitoring.configure")
def survey_qr(request, survey_id: int, invitation_id: int):
    survey = access.get_survey_for_user(request.user, survey_id)
    invitation = survey.invitations.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    url = request.build_absolute_uri(reverse("monitoring:survey_answer", args=[invitation.token]))
    return HttpResponse(survey_services.qr_png(url), content_type="image/png")


def survey_answer(request, token: str):
    """The enterprise's answer page, opened from the link or QR code (the token is the credential)."""
    invitation = access.get_invitation_by_token(token)
    error, status = "", 200
    if request.method == "POST":
        answers = {q["code"]: request.POST.get(q["code"]) for q in invitation.survey.questions}
        try:
            survey_services.submit_survey_response(
                invitation=invitation,
                answers=answers,
                comment=request.POST.get("comment", ""),
                now=timezone.now(),
            )
        except BusinessRuleError as exc:
            error, status = exc.message, exc.status
        else:
            return render(request, "monitoring/survey_thanks.html", {"survey": invitation.survey})
    return render(
        request,
        "monitoring/survey_answer.html",
        {
            "invitation": invitation,
            "survey": invitation.survey,
            "error": error,
            "posted": request.POST,
            "ratings": [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")],
        },
        status=status,
    )
