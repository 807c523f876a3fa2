"""Appeal pages: filing (enterprise, public, operator), queues, the appeal page with its clock and timeline,
actions, 12345 import, visits, ledgers with export, metrics, hot topics."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from yingshang.accounts.roles import Role
from yingshang.appeals import (
    access,
    actions,
    captcha,
    importing,
    masking,
    metrics,
    selectors,
    services,
    sla,
    workflow,
)
from yingshang.appeals.choices import (
    ACTIVE_STATUSES,
    AppealAction,
    AppealStatus,
    Channel,
    ExtensionStatus,
    RefusalKind,
    RequesterType,
    Resolution,
    RevisitChannel,
    SatisfactionLevel,
    VisitKind,
)
from yingshang.appeals.forms import (
    EnterpriseAppealForm,
    ImportForm,
    OperatorIntakeForm,
    PublicAppealForm,
    VisitForm,
    parse_dispatch_close,
    parse_dispatch_line,
)
from yingshang.appeals.models import Appeal, AppealCategory, ExtensionRequest, Visit
from yingshang.appeals.services import Upload
from yingshang.appeals.uploads import MAX_ATTACHMENT_BYTES
from yingshang.core import dataversions
from yingshang.core.errors import BusinessRuleError, InvalidUpload
from yingshang.core.models import Department, Region
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import permission_required
from yingshang.core.selectors import load_work_calendar
from yingshang.enterprises.choices import MembershipStatus
from yingshang.enterprises.models import Enterprise
from yingshang.enterprises.spreadsheets import write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEDGER_FILTER_TABLES = dataversions.model_tables(Department, Region, AppealCategory)


def _now() -> dt.datetime:
    return timezone.now()


def _uploads(request) -> list[Upload]:
    files = request.FILES.getlist("attachments")
    for f in files:
        if f.size > MAX_ATTACHMENT_BYTES:
            raise InvalidUpload(
                f"附件“{f.name}”过大（{f.size / 1048576:.1f} MB），单个附件不超过 "
                f"{MAX_ATTACHMENT_BYTES // 1048576} MB。",
                field="attachments",
            )
    return [Upload(f.name, f.read()) for f in files]


def _page(request, queryset, size: int = 20):
    return Paginator(queryset, size, allow_empty_first_page=True).get_page(request.GET.get("page"))


def _rows_page(request, appeals, *, now: dt.datetime | None, suggestion: bool = False) -> dict:
    """One page of an appeal list for _appeal_rows.html: the page (count, links) and its printed rows."""
    page = _page(request, selectors.row_values(appeals, suggestion=suggestion))
    return {"page": page, "rows": selectors.appeal_rows(page.object_list, now=now)}


@login_required
def home(request):
    """Send each role to its own appeals page."""
    user = request.user
    if user.can("appeal.dispatch") and user.role == Role.OPERATOR_12345:
        return redirect("appeals:dispatch_queue")
    if user.role in (Role.DEPARTMENT_STAFF, Role.DEPARTMENT_LEADER):
        return redirect("appeals:inbox")
    if user.can("appeal.view"):
        return redirect("appeals:ledger")
    return redirect("appeals:mine")


# -- filing ----------------------------------------------------------------------------------------------


def _verified_enterprises(user):
    return Enterprise.objects.filter(memberships__user=user, memberships__status=MembershipStatus.VERIFIED)


@permission_required("appeal.file")
def file_new(request):
    """企业提交诉求: a phone-friendly form; attachments are checked by content."""
    enterprises = list(_verified_enterprises(request.user))
    form = EnterpriseAppealForm(
        request.POST or None,
        request.FILES or None,
        enterprises=enterprises,
        initial={"client_key": services.new_tracking_number(_now())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = next((e for e in enterprises if str(e.pk) == data["enterprise"]), None)
        if data["enterprise"] and enterprise is None:
            form.add_error("enterprise", "您不是该企业的已核验账号。")
        else:
            try:
                appeal = services.file_appeal(
                    by=request.user,
                    channel=Channel.ENTERPRISE_WEB
                    if request.user.role == Role.ENTERPRISE
                    else Channel.EXPERIENCE_OFFICER,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    urgency=data["urgency"],
                    enterprise=enterprise,
                    requester_type=RequesterType.ENTERPRISE if enterprise else RequesterType.INDIVIDUAL,
                    address=data["address"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    attachments=_uploads(request),
                    client_key=data["client_key"],
                    policy_clause_title=data["policy_clause_title"],
                    now=_now(),
                )
            except BusinessRuleError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"诉求已提交，编号 {appeal.tracking_number}。我们将及时派单办理。")
                return redirect("appeals:detail", appeal.pk)
    return render(
        request,
        "appeals/file.html",
        {"form": form, "title": "提交诉求"},
        status=400 if request.method == "POST" else 200,
    )


def public_form(request):
    """公众诉求表单: no login needed, anonymous allowed; the requester keeps a secret tracking link.

    Anonymous visitors answer an arithmetic captcha and are limited per address (captcha.py)."""
    anonymous = not request.user.is_authenticated
    if request.method == "POST" and anonymous and captcha.over_rate_limit(captcha.client_address(request)):
        messages.error(
            request,
            f"提交过于频繁：同一网络 {captcha.RATE_WINDOW // 60} 分钟内最多提交 {captcha.RATE_LIMIT} 件，"
            "请稍后再试，或拨打 12345 热线。",
        )
        form = PublicAppealForm(initial={"client_key": services.new_tracking_number(_now())})
        return render(request, "appeals/public_form.html", {"form": form}, status=429)
    form = PublicAppealForm(
        request.POST or None,
        request.FILES or None,
        with_captcha=anonymous,
        initial={"client_key": services.new_tracking_number(_now())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            raise Http404  # a bot filled the honeypot
        try:
            description = data["description"]
            if data["enterprise_name"]:
                description = f"【企业：{data['enterprise_name']}】{description}"
            appeal = services.file_appeal(
                by=request.user if request.user.is_authenticated else None,
                channel=Channel.PUBLIC_FORM,
                category=data["category"],
                title=data["title"],
                description=description,
                urgency=data["urgency"],
                region=data["region"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                anonymous=data["anonymous"],
                attachments=_uploads(request),
                client_key=data["client_key"],
                requester_type=RequesterType.ENTERPRISE
                if data["enterprise_name"]
                else RequesterType.INDIVIDUAL,
                now=_now(),
            )
        except BusinessRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return redirect("appeals:track", appeal.token)
    if form.is_bound and form.with_captcha:
        form.new_challenge()
    return render(
        request, "appeals/public_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


def track(request, token: str):
    """公众查询: status, reply and rating for whoever holds the secret link."""
    appeal = access.get_appeal_by_token(token)
    if request.method == "POST":
        try:
            services.rate_appeal(
                appeal,
                level=request.POST.get("level"),
                resolution=request.POST.get("resolution", ""),
                comment=request.POST.get("comment", ""),
                by=None,
                now=_now(),
                via_token=True,
                caused_by_unit=request.POST.get("caused_by_unit") == "on",
            )
        except BusinessRuleError as exc:
            messages.error(request, exc.message)
            return render(request, "appeals/track.html", _track_context(appeal), status=exc.status)
        messages.success(request, "感谢您的评价。")
        return redirect("appeals:track", token)
    return render(request, "appeals/track.html", _track_context(appeal))


def _track_context(appeal):
    events = appeal.events.exclude(action__in=["urge", "supervise", "publicize"]).order_by("id")
    return {
        "appeal": appeal,
        "events": events,
        "levels": SatisfactionLevel.choices,
        "resolutions": Resolution.choices,
    }


@permission_required("appeal.intake")
def intake(request):
    """话务员登记 12345 来电诉求."""
    form = OperatorIntakeForm(
        request.POST or None,
        request.FILES or None,
        initial={"client_key": services.new_tracking_number(_now())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = None
        if data["credit_code"]:
            enterprise = Enterprise.objects.filter(credit_code=data["credit_code"].strip().upper()).first()
            if enterprise is None:
                form.add_error("credit_code", "主体库中没有这个统一社会信用代码。")
        if not form.errors:
            try:
                appeal = services.file_appeal(
                    by=request.user,
                    channel=Channel.HOTLINE_12345,
                    category=data["category"],
                    title=data["title"],
                    description=data["description"],
                    urgency=data["urgency"],
                    enterprise=enterprise,
                    region=data["region"],
                    requester_type=data["requester_type"],
                    address=data["address"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    external_id=data["external_id"],
                    attachments=_uploads(request),
                    client_key=data["client_key"],
                    now=_now(),
                )
            except BusinessRuleError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"已受理，编号 {appeal.tracking_number}，请确认派单。")
                return redirect("appeals:detail", appeal.pk)
    return render(
        request,
        "appeals/file.html",
        {"form": form, "title": "来电登记（12345）"},
        status=400 if request.method == "POST" else 200,
    )


# -- lists -----------------------------------------------------------------------------------------------


@login_required
@kept_whole
def mine(request):
    """我的诉求 (enterprise users and 体验官)."""
    appeals = Appeal.objects.visible_to(request.user).order_by("-id")
    return render(
        request,
        "appeals/mine.html",
        {**_rows_page(request, appeals, now=None), "can_file": request.user.can("appeal.file")},
    )


@permission_required("appeal.dispatch")
@kept_whole(seconds=60)
def dispatch_queue(request):
    """待派单 and 退单 awaiting the dispatcher, oldest first."""
    appeals = (
        Appeal.objects.visible_to(request.user)
        .filter(status__in=[AppealStatus.RECEIVED, AppealStatus.DISPUTED])
        .order_by("id")
    )
    return render(
        request,
        "appeals/queue.html",
        {**_rows_page(request, appeals, now=_now(), suggestion=True), "title": "待派单"},
    )


@permission_required("appeal.handle")
@kept_whole(seconds=60)
def inbox(request):
    """部门待办: appeals of my department by state (待签收, 办理中, 暂停, 已答复), most urgent first."""
    status = request.GET.get("status", "")
    appeals = (
        Appeal.objects.visible_to(request.user)
        .filter(status__in=[*ACTIVE_STATUSES, AppealStatus.REPLIED])
    )
    if status in AppealStatus.values:
        appeals = appeals.filter(status=status)
    return render(
        request,
        "appeals/queue.html",
        {
            **_rows_page(request, appeals.order_by("due_at", "id"), now=_now()),
            "title": "部门待办",
            "statuses": [(s, AppealStatus(s).label) for s in (*ACTIVE_STATUSES, AppealStatus.REPLIED)],
            "current_status": status,
        },
    )


@permission_required("appeal.approve_extension")
def extensions(request):
    """延期审批: pending extension requests the user may decide."""
    pending = (
        ExtensionRequest.objects.filter(
            status=ExtensionStatus.PENDING, appeal__in=Appeal.objects.visible_to(request.user)
        )
        .select_related("appeal", "appeal__handling_department", "requested_by")
        .order_by("requested_at")
    )
    return render(request, "appeals/extensions.html", {"pending": pending})


@permission_required("appeal.revisit")
def revisits(request):
    """待回访: replied and recently closed appeals not yet revisited."""
    appeals = (
        Appeal.objects.visible_to(request.user)
        .filter(status__in=[AppealStatus.REPLIED, AppealStatus.CLOSED], revisited=False)
        .order_by("replied_at", "id")
    )
    return render(request, "appeals/queue.html", {**_rows_page(request, appeals, now=_now()), "title": "待回访"})


# -- the appeal page ---------------------------------------------------------------------------------------

HIDDEN_ACTIONS = {
    AppealAction.SUPERVISE,
    AppealAction.PUBLICIZE,
    AppealAction.REOPEN,
    AppealAction.APPROVE_EXTENSION,
    AppealAction.REJECT_EXTENSION,
}


@login_required
@kept_whole(seconds=60)
def detail(request, appeal_id: int):
    appeal = access.get_appeal_for_user(request.user, appeal_id)
    return render(request, "appeals/detail.html", _detail_context(request, appeal))


def _detail_context(request, appeal: Appeal, error: str = "") -> dict:
    user, now = request.user, _now()
    calendar = load_work_calendar()
    clock = None
    if appeal.status in ACTIVE_STATUSES and appeal.due_at and appeal.dispatched_at:
        moment = appeal.paused_at or now
        clock = sla.clock(now=moment, start=appeal.dispatched_at, due=appeal.due_at, calendar=calendar)
    actions = [
        a
        for a in workflow.allowed_actions(appeal.status)
        if a not in HIDDEN_ACTIONS and services.can_act(user, appeal, a)
    ]
    shows_contact = access.can_see_contact(user, appeal)
    extensions = list(appeal.extensions.select_related("requested_by", "decided_by"))  # newest first
    pending_extension = next((x for x in extensions if x.status == ExtensionStatus.PENDING), None)
    can_decide_extension = (
        bool(pending_extension)
        and services.can_act(user, appeal, AppealAction.APPROVE_EXTENSION)
        and pending_extension.requested_by_id != user.pk
    )
    dispatching = AppealAction.DISPATCH in actions or AppealAction.REDISPATCH in actions
    if dispatching:  # preselect the department of the catalogue line valid on the dispatch day
        appeal.suggested_department_id = selectors.department_to_suggest_at_dispatch(
            appeal, on=timezone.localtime(now).date()
        )
    return {
        "appeal": appeal,
        "clock": clock,
        "actions": actions,
        "error": error,
        "contact_name": appeal.contact_name if shows_contact else masking.mask_name(appeal.contact_name),
        "contact_phone": appeal.contact_phone if shows_contact else masking.mask_phone(appeal.contact_phone),
        "events": appeal.events.select_related("actor").order_by("id"),
        "attachments": appeal.attachments.all(),
        "co_handlers": appeal.co_handlers.select_related("department"),
        "ratings": appeal.ratings.all(),
        "links": appeal.links.select_related("other"),
        "extensions": extensions,
        "pending_extension": pending_extension,
        "can_decide_extension": can_decide_extension,
        "departments": Department.objects.filter(is_active=True).select_related("region")
        if dispatching
        else [],
        "categories": AppealCategory.objects.filter(is_active=True) if dispatching else [],
        "duplicates": selectors.duplicate_candidates(appeal) if AppealAction.MERGE in actions else [],
        "refusal_kinds": RefusalKind.choices,
        "levels": SatisfactionLevel.choices,
        "resolutions": Resolution.choices,
        "revisit_channels": RevisitChannel.choices,
        "sign_off_note": "销号须有办结依据，并由部门负责人或营商管理员签批。",
    }


@login_required
@require_POST
def act(request, appeal_id: int, action: str):
    """One POST endpoint for every workflow action; a refused action re-renders the page with the reason."""
    appeal = access.get_appeal_for_user(request.user, appeal_id)
    if action not in AppealAction.values:
        raise Http404
    try:
        actions.perform(
            appeal, action, params=request.POST, files=_uploads(request), by=request.user, now=_now()
        )
    except BusinessRuleError as exc:
        appeal.refresh_from_db()
        return render(
            request,
            "appeals/detail.html",
            _detail_context(request, appeal, error=exc.message),
            status=exc.status,
        )
    messages.success(request, f"已{AppealAction(action).label}。")
    return redirect("appeals:detail", appeal.pk)


@login_required
def attachment(request, appeal_id: int, attachment_id: int):
    appeal = access.get_appeal_for_user(request.user, appeal_id)
    item = get_object_or_404(appeal.attachments, pk=attachment_id)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


# -- 12345 import and visits -------------------------------------------------------------------------------


@permission_required("appeal.import")
def import_orders(request):
    """12345 工单批量导入 (CSV/XLSX)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_IMPORT_BYTES:  # refused before it is read into memory
                raise InvalidUpload(
                    f"文件过大（{upload.size / 1048576:.1f} MB），上限为 "
                    f"{services.MAX_IMPORT_BYTES // 1048576} MB。",
                    code="file_too_large",
                )
            report = services.import_work_orders(
                data=upload.read(), filename=upload.name, by=request.user, now=_now()
            )
        except BusinessRuleError as exc:
            form.add_error("file", exc.message)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "appeals/import.html", {"form": form, "report": report}, status=status)


@login_required
def import_template(request):
    example = [
        "12345-20251126-0001",
        "2025-11-26 10:30",
        "水电气热报装",
        "新厂房申请用电报装一个多月仍未接电。",
        "王先生",
        "13800000000",
        "张掖市某某农业科技有限公司",
        "",
        "甘州区",
        "张掖经开区",
        "一般",
    ]
    return _xlsx(
        write_xlsx(importing.TEMPLATE_HEADERS, [example], sheet_title="12345工单"), "12345工单导入模板.xlsx"
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@permission_required("appeal.record_visit")
def visits(request):
    """千企问需走访与体验官活动: the user's visits with the appeals each produced."""
    mine = (
        Visit.objects.filter(recorded_by=request.user)
        if request.user.role not in (Role.CITY_ADMIN, Role.OPERATOR_12345)
        else Visit.objects.all()
    )
    return render(
        request, "appeals/visits.html", {"page": _page(request, mine.select_related("enterprise", "region"))}
    )


@permission_required("appeal.record_visit")
def visit_new(request):
    """登记一次走访/体验活动，一次可登记多个问题（每个问题生成一件诉求）."""
    form = VisitForm(request.POST or None)
    categories = AppealCategory.objects.filter(is_active=True)
    item_rows = range(1, 6)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = None
        if data["credit_code"]:
            enterprise = Enterprise.objects.filter(credit_code=data["credit_code"].strip().upper()).first()
            if enterprise is None:
                form.add_error("credit_code", "主体库中没有这个统一社会信用代码。")
        items = []
        for i in item_rows:
            text = request.POST.get(f"item_{i}_text", "").strip()
            if text:
                category = categories.filter(pk=request.POST.get(f"item_{i}_category") or 0).first()
                items.append(services.VisitItem(category, text))
        if not form.errors:
            try:
                visit = services.record_visit(
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    visited_on=data["visited_on"],
                    items=items,
                    now=_now(),
                    enterprise=enterprise,
                    region=data["region"],
                    place=data["place"],
                    summary=data["summary"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                )
            except BusinessRuleError as exc:
                error = exc.message
            else:
                messages.success(request, f"已登记，生成诉求 {visit.appeals.count()} 件。")
                return redirect("appeals:visits")
    return render(
        request,
        "appeals/visit_new.html",
        {
            "form": form,
            "categories": categories,
            "item_rows": item_rows,
            "error": error,
            "kinds": VisitKind.choices,
        },
        status=400 if request.method == "POST" else 200,
    )


# -- ledgers, metrics, hot topics ------------------------------------------------------------------------


@permission_required("appeal.view")
@kept_whole(seconds=60)
def ledger(request):
    """诉求台账: by department, county, category, state, month; overdue flags; Excel export."""
    now = _now()
    filters = selectors.LedgerFilters.from_mapping(request.GET)
    appeals = selectors.ledger(request.user, filters, now=now)  # may clear an invalid month from `filters`
    context = {**_rows_page(request, appeals, now=now), "query": request.GET.urlencode()}
    if request.headers.get("HX-Request"):
        return render(request, "appeals/_ledger_rows.html", context)
    # The filter form shows no appeal: it is kept for every viewer with the same departments in scope (and the
    # same filter values) until a department, region or category is written.
    scope, departments = selectors.department_scope(request.user)
    context["filter_form"] = mark_safe(  # noqa: S308 - our own template's output, escaped when it was rendered
        dataversions.cached_fragment(
            f"appeal_ledger_filters\n{scope}\n{context['query']}",
            dataversions.data_key(*LEDGER_FILTER_TABLES),
            lambda: render_to_string(
                "appeals/_ledger_filters.html",
                {"filters": filters, **selectors.ledger_filter_options(departments)},
            ),
        )
    )
    return render(request, "appeals/ledger.html", context)


@permission_required("appeal.view")
def ledger_export(request):
    now = _now()
    filters = selectors.LedgerFilters.from_mapping(request.GET)
    rows = (
        (
            a.tracking_number,
            a.get_channel_display(),
            a.received_at,
            a.category.name,
            a.get_urgency_display(),
            a.title,
            a.enterprise.name if a.enterprise else "",
            a.region.name if a.region else "",
            a.handling_department.name if a.handling_department else "",
            a.get_status_display(),
            a.due_at,
            "是" if a.status in ACTIVE_STATUSES and a.due_at and a.due_at < now else "",
            a.replied_at,
            a.get_rating_level_display() if a.rating_level else "",
            a.get_resolution_display(),
            a.escalation_level,
            a.archived_at,
        )
        for a in selectors.ledger(request.user, filters, now=now)[:100_000].iterator(chunk_size=2000)
    )
    headers = [
        "诉求编号",
        "渠道",
        "受理时间",
        "类别",
        "紧急程度",
        "标题",
        "企业",
        "县区",
        "主办单位",
        "状态",
        "答复期限",
        "超期",
        "答复时间",
        "满意度",
        "是否解决",
        "升级等级",
        "销号时间",
    ]
    return _xlsx(
        write_xlsx(headers, rows, sheet_title="诉求台账"), f"诉求台账-{timezone.localdate():%Y%m%d}.xlsx"
    )


def _month(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


def _metric_rows(counts_by_unit: dict, names: dict, *, order: str, bursts: dict | None = None) -> list[dict]:
    """One table row per unit of `names` (the caller's scope) that has counts this month."""
    rows = []
    for pk, counts in sorted(counts_by_unit.items(), key=lambda item: -getattr(item[1], order)):
        if pk not in names:
            continue
        burst = (bursts or {}).get(pk)
        flags = [
            metrics.satisfaction_gap_flag(counts),
            f"{burst[0]} 条评价集中在 {burst[1]:%m-%d %H:%M} 起 10 分钟内" if burst else "",
        ]
        rows.append(
            {
                "name": names[pk],
                "counts": counts,
                "rates": metrics.rates(counts),
                "flags": [f for f in flags if f],
            }
        )
    return rows


def _requester_type(request) -> str:
    value = request.GET.get("requester_type", "")
    return value if value in RequesterType.values else ""


def _metrics(request, *, requester_type: str) -> dict:
    """The month's metrics in the user's scope: totals split by requester type (企业/个人), then per department and
    per county for `requester_type` ("" = all)."""
    now, month = _now(), _month(request.GET.get("month", ""))
    if selectors.stats_computed_at(month) is None:
        services.refresh_monthly_stats(month, now=now)
    departments = {d.pk: d.name for d in selectors.department_scope(request.user)[1]}
    region_scope = request.user.scope_region if request.user.role == Role.COUNTY_ADMIN else None
    regions = {None: "市本级/未定", **{r.pk: r.name for r in Region.objects.exclude(kind="zone")}}
    if region_scope is not None:
        regions = {region_scope.pk: region_scope.name}
    bursts = selectors.rating_bursts(month)
    split = []  # (label, requester_type, totals, rates) for 全部 / 企业 / 个人
    tables = {}
    for value, label in (("", "全部"), *RequesterType.choices):
        by_region = selectors.monthly_counts(month, by="region", now=now, requester_type=value)
        total = metrics.Counts()
        for pk, counts in by_region.items():
            if pk in regions:
                total = total + counts
        split.append(
            {"label": label, "requester_type": value, "counts": total, "rates": metrics.rates(total)}
        )
        if value == requester_type:
            by_department = selectors.monthly_counts(month, by="department", now=now, requester_type=value)
            tables = {
                "按承办单位": _metric_rows(by_department, departments, order="dispatched", bursts=bursts),
                "按县区": _metric_rows(by_region, regions, order="received"),
            }
    total = split[0]["counts"]
    rates = metrics.rates(total)
    exclusion_flag = metrics.concentrated_exclusions(
        {row["name"]: row["counts"].refused + row["counts"].merged for row in tables["按县区"]}
    )
    return {
        "month": month,
        "requester_type": requester_type,
        "requester_types": RequesterType.choices,
        "formulas": metrics.FORMULAS,
        "version": metrics.FORMULA_VERSION,
        "total": total,
        "total_rates": rates,
        "split": split,
        "tables": tables,
        "exclusion_flag": exclusion_flag,
        "computed_at": selectors.stats_computed_at(month),
        "targets": [
            (f, rates[f.key], metrics.meets_target(f.key, rates[f.key])) for f in metrics.FORMULAS if f.target
        ],
    }


@permission_required("appeal.metrics")
def metrics_page(request):
    """三率 and the other metrics per department and county, with formulas, targets, the requester-type split and
    anomaly flags."""
    if request.method == "POST":
        month = _month(request.GET.get("month", ""))
        services.refresh_monthly_stats(month, now=_now())
        messages.success(request, "已按最新数据重新计算。")
        return redirect(f"{request.path}?month={month:%Y-%m}")
    return render(
        request,
        "appeals/metrics_report.html",
        {**_metrics(request, requester_type=_requester_type(request)), "query": request.GET.urlencode()},
    )


@permission_required("appeal.metrics")
def metrics_export(request):
    """The metrics page as a workbook: every rate per department and county for 全部/企业/个人, then the formulas."""
    month = _month(request.GET.get("month", ""))
    headers = [
        "诉求人类型",
        "类别",
        "单位",
        "受理",
        "派单",
        "不予受理",
        "并单",
        "超期未答复",
        *[f"{f.name}（%）" for f in metrics.FORMULAS],
        "提示",
        "口径版本",
    ]
    rows = []
    for value, label in (("", "全部"), *RequesterType.choices):
        data = _metrics(request, requester_type=value)
        for title, table in data["tables"].items():
            for row in table:
                c = row["counts"]
                rows.append(
                    [
                        label,
                        title,
                        row["name"],
                        c.received,
                        c.dispatched,
                        c.refused,
                        c.merged,
                        c.overdue_open,
                        *[
                            round(row["rates"][f.key] * 100, 2) if row["rates"][f.key] is not None else ""
                            for f in metrics.FORMULAS
                        ],
                        "；".join(row["flags"]),
                        metrics.FORMULA_VERSION,
                    ]
                )
    rows.append([])
    rows.append(["指标", "公式（口径）", "行动方案目标"])
    rows.extend([f.name, f.text, f"≥ {f.target:.0%}" if f.target else ""] for f in metrics.FORMULAS)
    return _xlsx(write_xlsx(headers, rows, sheet_title="诉求指标"), f"诉求指标-{month:%Y%m}.xlsx")


@permission_required("appeal.metrics")
def hot_topics(request):
    """热点诉求: weekly top categories and keywords, trend, county heat table, 每月一题 candidates."""
    data = selectors.hot_topics(request.user, now=_now())
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"top": 40, "left": 40, "right": 10},
        "xAxis": {"type": "category", "data": data["trend"]["weeks"]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": name, "type": "line", "data": values} for name, values in data["trend"]["series"].items()
        ],
    }
    return render(request, "appeals/hot.html", {**data, "chart": chart})


@permission_required("appeal.view")
def formulas(request):
    """The published metric formulas (口径) with their version."""
    return render(
        request,
        "appeals/formulas.html",
        {
            "formulas": metrics.FORMULAS,
            "version": metrics.FORMULA_VERSION,
            "lam": metrics.SATISFACTION_LAMBDA,
        },
    )


# -- 综合考评 ------------------------------------------------------------------------------------------------


def _assessment(request) -> dict:
    """The month's assessment tables in the user's scope (departments, then counties)."""
    now, month = _now(), _month(request.GET.get("month", ""))
    requester_type = _requester_type(request)
    if selectors.stats_computed_at(month) is None:
        services.refresh_monthly_stats(month, now=now)
    departments = {d.pk: d.name for d in selectors.department_scope(request.user)[1]}
    region_scope = request.user.scope_region if request.user.role == Role.COUNTY_ADMIN else None
    regions = {
        r.pk: r.name
        for r in Region.objects.exclude(kind__in=["city", "zone"])
        if region_scope is None or r.pk == region_scope.pk
    }
    dispatched = selectors.monthly_counts(month, by="department", now=now, requester_type=requester_type)
    departments = {
        pk: name for pk, name in departments.items() if pk in dispatched
    }  # units with appeals this month
    weights, by_department = selectors.comprehensive_assessment(
        month, by="department", names=departments, now=now, requester_type=requester_type
    )
    _, by_region = selectors.comprehensive_assessment(
        month, by="region", names=regions, now=now, requester_type=requester_type
    )
    columns = [(key, metrics.FORMULAS_BY_KEY[key].name, weight) for key, weight in weights.weights.items()]
    return {
        "month": month,
        "weights": weights,
        "columns": columns,
        "requester_type": requester_type,
        "requester_types": RequesterType.choices,
        "tables": [("按承办单位", by_department), ("按县区", by_region)],
    }


@permission_required("appeal.metrics")
def assessment_page(request):
    """综合考评: departments and counties ranked on the weighted three rates, with the published weights."""
    return render(
        request, "appeals/assessment.html", {**_assessment(request), "query": request.GET.urlencode()}
    )


@permission_required("appeal.metrics")
def assessment_export(request):
    data = _assessment(request)
    headers = [
        "类别",
        "名次",
        "单位",
        "得分",
        *[f"{name}（权重 {weight:.0%}）" for _, name, weight in data["columns"]],
        "派单量",
        "说明",
        "权重版本",
    ]
    rows = [
        [
            title,
            row.rank or "",
            row.unit,
            row.score if row.score is not None else "",
            *[
                round(row.rates[key] * 100, 2) if row.rates[key] is not None else ""
                for key, _, _ in data["columns"]
            ],
            row.counts.dispatched,
            "、".join(row.missing) + ("暂无数据" if row.missing else ""),
            data["weights"].version,
        ]
        for title, table in data["tables"]
        for row in table
    ]
    return _xlsx(write_xlsx(headers, rows, sheet_title="综合考评"), f"综合考评-{data['month']:%Y%m}.xlsx")


# -- city configuration: categories and SLA rules ------------------------------------------------------------


@permission_required("appeal.configure")
def configuration(request):
    """类别与时限规则: the city administrator edits categories and publishes dated versions of SLA rules."""
    from yingshang.appeals.forms import CategoryForm, SlaRuleForm
    from yingshang.appeals.models import SlaRule

    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "category":
                category = get_object_or_404(AppealCategory, pk=request.POST.get("category_id") or 0)
                form = CategoryForm(request.POST)
                if not form.is_valid():
                    raise BusinessRuleError("；".join(e for errors in form.errors.values() for e in errors))
                services.update_category(
                    category,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    keywords=form.keyword_list(),
                    function_key=form.cleaned_data["function_key"],
                    is_active=form.cleaned_data["is_active"],
                )
                messages.success(request, f"已保存类别“{category.code} {form.cleaned_data['name']}”。")
            else:
                form = SlaRuleForm(request.POST)
                if not form.is_valid():
                    raise BusinessRuleError("；".join(e for errors in form.errors.values() for e in errors))
                data = form.cleaned_data
                replaces = get_object_or_404(SlaRule, pk=data["replaces"]) if data["replaces"] else None
                rule = services.publish_sla_rule(
                    by=request.user,
                    values=data,
                    effective_from=data["effective_from"],
                    replaces=replaces,
                    now=_now(),
                )
                messages.success(
                    request, f"已发布时限规则 #{rule.pk}，{rule.effective_from:%Y-%m-%d} 起生效。"
                )
            return redirect("appeals:configuration")
        except BusinessRuleError as exc:
            error, status = exc.message, exc.status
    today = timezone.localdate()
    rules = (
        SlaRule.objects.filter(is_active=True)
        .select_related("category")
        .order_by("category__code", "kind", "urgency", "effective_from")
    )
    return render(
        request,
        "appeals/configuration.html",
        {
            "categories": AppealCategory.objects.order_by("sort_order", "code"),
            "rules": rules,
            "today": today,
            "error": error,
            "new_rule": SlaRuleForm(initial={"effective_from": today}),
        },
        status=status,
    )


# -- dispatch catalogue (派单目录) ------------------------------------------------------------------------------


@permission_required("appeal.configure")
def dispatch_catalogue(request):
    """派单目录: the city administrator adds dated lines (category × region → department) and ends them; history stays."""
    from yingshang.appeals.models import DispatchRoute

    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "close":
                route_id, until = parse_dispatch_close(request.POST)
                route = get_object_or_404(DispatchRoute, pk=route_id)
                services.close_dispatch_route(route, by=request.user, effective_until=until)
                messages.success(request, f"目录行 #{route.pk} 于 {until:%Y-%m-%d} 失效（含当日）。")
            else:
                line = parse_dispatch_line(request.POST)
                category = AppealCategory.objects.filter(pk=line.pop("category_id")).first()
                if category is None:
                    raise BusinessRuleError("类别不存在。", field="category")
                route = services.add_dispatch_route(by=request.user, category=category, **line)
                messages.success(
                    request, f"已新增目录行 #{route.pk}，{route.effective_from:%Y-%m-%d} 起生效。"
                )
            return redirect("appeals:catalogue")
        except BusinessRuleError as exc:
            error, status = exc.message, exc.status
    today = timezone.localdate()
    return render(
        request,
        "appeals/dispatch_catalogue.html",
        {
            "lines": selectors.dispatch_catalogue(),
            "today": today,
            "error": error,
            "form": request.POST,
            "categories": AppealCategory.objects.filter(is_active=True).order_by("sort_order", "code"),
            "regions": Region.objects.exclude(kind="city").order_by("code"),
            "departments": Department.objects.filter(is_active=True)
            .select_related("region")
            .order_by("path"),
        },
        status=status,
    )


@permission_required("appeal.configure")
def dispatch_catalogue_export(request):
    """The dispatch catalogue with its history as a workbook."""
    today = timezone.localdate()
    headers = [
        "编号",
        "类别代码",
        "类别",
        "区划代码",
        "区划",
        "承办单位",
        "承办职能",
        "生效日期",
        "失效日期",
        "今日是否有效",
    ]
    rows = [
        [
            line.pk,
            line.category.code,
            line.category.name,
            line.region.code if line.region_id else "",
            line.region.name if line.region_id else "全市通用",
            line.department.name if line.department_id else "",
            line.function_key,
            line.effective_from,
            line.effective_until or "",
            "是" if line.valid_on(today) else "",
        ]
        for line in selectors.dispatch_catalogue()
    ]
    return _xlsx(write_xlsx(headers, rows, sheet_title="派单目录"), f"派单目录-{today:%Y%m%d}.xlsx")
