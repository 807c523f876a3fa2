"""Pages of the policy supermarket: the enterprise side (phone-first) and the management side."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from yingshang.accounts.models import User
from yingshang.core import dataversions
from yingshang.core.errors import BusinessRuleError
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import permission_required
from yingshang.enterprises.models import Enterprise, Industry
from yingshang.policies import (
    access,
    channels,
    exports,
    forms,
    interpretation,
    matching,
    search,
    selectors,
    services,
)
from yingshang.policies.choices import (
    ApplicationStatus,
    DeliveryMode,
    DisbursementStatus,
    DocumentStatus,
    PolicyLevel,
)
from yingshang.policies.models import (
    Clause,
    Disbursement,
    GuideAssignment,
    PolicyApplication,
    PolicyDocument,
    PolicyMatch,
    PushPreference,
)
from yingshang.policies.rules import describe_rules
from yingshang.policies.taxonomy import CHARACTERISTIC_INDUSTRIES


def _now():
    return timezone.now()


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def _benefit_text(clause: Clause) -> str:
    return "；".join(
        interpretation.benefit_phrase(b.as_dict() | {"benefit_type": b.benefit_type})
        for b in clause.benefits.all()
    )


# -- enterprise side ---------------------------------------------------------------------------------


@kept_whole
def home(request):
    """政策超市: search with facets and highlighted snippets; open to visitors."""
    filters = search.SearchFilters.from_mapping(request.GET)
    context = {
        "filters": filters,
        # The results are the same for every visitor: kept per query until a policies table is written, searched
        # only when not kept (lazy, evaluated inside {% cache %}).
        "result": SimpleLazyObject(lambda: search.search_policies(filters)),
        "fragment": f"{filters!r}:{dataversions.data_key(*selectors.policy_tables())}",
        "fragment_seconds": dataversions.fragment_seconds(),
        "levels": PolicyLevel.choices,
        "modes": DeliveryMode.choices,
        "industries": CHARACTERISTIC_INDUSTRIES,
        "is_enterprise": request.user.is_authenticated and request.user.role == "enterprise",
    }
    template = "policies/_search_results.html" if request.headers.get("HX-Request") else "policies/home.html"
    return render(request, template, context)


def _clause_facts(clause: Clause, names) -> interpretation.ClauseFacts:
    return interpretation.ClauseFacts(
        anchor=f"clause-{clause.pk}",
        cite=clause.cite,
        title=clause.title,
        who=describe_rules(clause.rules, names),
        benefits=[b.as_dict() | {"benefit_type": b.benefit_type} for b in clause.benefits.all()],
        delivery_mode_label=clause.get_delivery_mode_display(),
        opens_on=clause.application_opens_on.isoformat() if clause.application_opens_on else None,
        closes_on=clause.application_closes_on.isoformat() if clause.application_closes_on else None,
        materials=[m["name"] for m in clause.materials],
        department=clause.handling_department.name if clause.handling_department_id else None,
        contact=clause.contact or None,
        service_days=clause.service_days,
    )


@kept_whole
def document_detail(request, document_id: int):
    """一键解读: the interpretation generated from the confirmed structure, each sentence citing its clause.

    The body is the same for every reader but for the 管理 link: kept per document, host and that link until a table
    it reads is written (computed lazily, inside the template's {% cache %}); the reader's access to the document is
    checked on every request.
    """
    document = access.get_document_for_user(request.user, document_id)
    can_manage = PolicyDocument.objects.editable_by(request.user).filter(pk=document.pk).exists()
    url = _absolute(request, reverse("policies:document", args=[document.pk]))

    def clauses() -> list[Clause]:
        return list(
            document.clauses.filter(review_status="confirmed")
            .select_related("handling_department")
            .prefetch_related("benefits")
        )

    def sections() -> dict:
        names = selectors.rule_names()
        return interpretation.interpret([_clause_facts(c, names) for c in context["clauses"]])

    context = {
        "document": document,
        "clauses": SimpleLazyObject(clauses),
        "sections": SimpleLazyObject(sections),
        "qr": SimpleLazyObject(lambda: exports.qr_svg(url)),
        "url": url,
        "versions": document.versions.all()[:10],
        "can_manage": can_manage,
        "fragment_seconds": dataversions.fragment_seconds(),
        "fragment": f"{document.pk}:{int(can_manage)}:{url}:{dataversions.data_key(*selectors.document_page_tables())}",
    }
    return render(request, "policies/document.html", context)


@kept_whole
def clause_detail(request, clause_id: int):
    """One clause: reading, 申报指南 step diagram, my eligibility with reasons, apply or confirm.

    What every reader sees alike (the reading, the guide, the text, the QR code) is kept per clause and host until a
    table it reads is written, computed lazily inside the template's {% cache %} blocks; the enterprise's own
    eligibility and application are read on every request (its facts kept per enterprise, `kept_enterprise_facts`).
    """
    clause = access.get_clause_for_user(request.user, clause_id)
    enterprise = result = application = None
    if request.user.is_authenticated and request.user.role == "enterprise":
        enterprise = (
            access.enterprises_for_user(request.user).select_related("region", "zone").order_by("pk").first()
        )
    if enterprise is not None:
        result = matching.evaluate_clause(
            clause.rules,
            [b.as_dict() for b in clause.benefits.all()],
            selectors.kept_enterprise_facts(enterprise),
            today=timezone.localdate(),
            clause_id=clause.pk,
            names=selectors.rule_names(),
        )
        application = (
            PolicyApplication.objects.filter(enterprise=enterprise, clause=clause)
            .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
            .first()
        )
    url = _absolute(request, reverse("policies:clause", args=[clause.pk]))
    return render(
        request,
        "policies/clause.html",
        {
            "clause": clause,
            "document": clause.document,
            "who": SimpleLazyObject(lambda: describe_rules(clause.rules, selectors.rule_names())),
            "benefit_text": SimpleLazyObject(lambda: _benefit_text(clause)),
            "enterprise": enterprise,
            "result": result,
            "application": application,
            "steps": SimpleLazyObject(lambda: _guide_steps(clause)),
            "qr": SimpleLazyObject(lambda: exports.qr_svg(url)),
            "is_open": clause.document.status == DocumentStatus.PUBLISHED,
            "fragment_seconds": dataversions.fragment_seconds(),
            "fragment": f"{clause.pk}:{url}:{dataversions.data_key(*selectors.document_page_tables())}",
        },
    )


def _guide_steps(clause: Clause) -> list[dict]:
    """申报指南可视化: the steps of this clause's chain, for the step diagram."""
    department = clause.handling_department.name if clause.handling_department_id else "受理部门"
    days = f"{clause.service_days}个工作日内" if clause.service_days else "按承诺时限"
    if clause.delivery_mode == DeliveryMode.AUTOMATIC:
        return [
            {"title": "系统比对", "text": "平台用登记数据自动判断是否符合条件"},
            {"title": "推送告知", "text": "符合条件的企业收到站内消息"},
            {"title": "意愿确认", "text": "企业在线确认享受，无需提交材料"},
            {"title": "拨付到账", "text": f"{department}下达拨付指令，资金直达企业账户"},
        ]
    steps = [
        {"title": "查看条件", "text": "在“我的政策”查看是否符合、缺什么信息"},
        {
            "title": "在线申报",
            "text": "登记信息自动带入，上传材料"
            + ("，可容缺受理" if clause.allows_missing_materials else ""),
        },
        {"title": "部门审核", "text": f"{department}{days}办结，需补正时退回并说明原因"},
        {"title": "拨付到账", "text": "审核通过后下达拨付指令，每一步显示预计日期"},
    ]
    if clause.delivery_mode == DeliveryMode.INSTANT:
        steps[2] = {"title": "即时核验", "text": "条件由系统核验，符合即通过"}
    return steps


def calculator(request):
    """政策计算器: visitors answer a few questions and see what they may qualify for (nothing stored)."""
    sections = Industry.objects.filter(level="section").values_list("code", "name")
    form = forms.CalculatorForm(request.GET or None, sections=sections)
    matches = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        age = data["age_years"]
        today = timezone.localdate()
        founded = matching.age_cutoff(today, float(age)) if age is not None else None

        def number(name):
            return float(data[name]) if data[name] is not None else None

        facts = matching.EnterpriseFacts(
            entity_type=data["entity_type"] or None,
            industry_section=data["industry_section"] or None,
            region_code=data["region"] or None,
            size=data["size"] or None,
            established_on=founded,
            employees=number("employees"),
            revenue_10k=number("revenue_10k"),
            rd_ratio=number("rd_ratio"),
            tax_paid_10k=number("tax_paid_10k"),
            above_scale=None,
            qualifications=frozenset(data["qualifications"]) if data["qualifications_known"] else None,
            tags=frozenset(data["tags"]) if data["tags"] else None,
            credit_class="" if data["not_dishonest"] else None,
            sources=dict.fromkeys(matching.FACT_LABELS, "访客填写"),
        )
        matches = [
            m for m in selectors.live_matches(facts, today=today) if m.result.status != matching.NOT_MET
        ]
    return render(
        request,
        "policies/calculator.html",
        {"form": form, "matches": matches},
        status=400 if request.GET and not form.is_valid() else 200,
    )


@login_required
@kept_whole
def my_policies(request):
    """我的政策: every active clause this enterprise meets or may meet, with reasons and amounts."""
    own = access.own_enterprises_for_user(request.user)
    enterprise = access.get_own_enterprise_for_user(request.user, _int(request.GET.get("enterprise")), own=own)
    declaration = getattr(enterprise, "policy_declaration", None)
    initial = {
        "rd_ratio": declaration.rd_ratio if declaration else None,
        "tax_paid_10k": declaration.tax_paid_10k if declaration else None,
    }
    form = forms.DeclarationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.declare_enterprise_facts(
                enterprise,
                by=request.user,
                rd_ratio=form.cleaned_data["rd_ratio"],
                tax_paid_10k=form.cleaned_data["tax_paid_10k"],
            )
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已保存，匹配结果已更新。")
            return redirect(reverse("policies:mine") + f"?enterprise={enterprise.pk}")
    applications = list(
        PolicyApplication.objects.filter(enterprise=enterprise)
        .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
        .values_list("clause_id", "pk", "status")
    )
    applied = {clause_id: pk for clause_id, pk, _ in applications}
    live = selectors.kept_matches(
        enterprise,
        today=timezone.localdate(),
        benefited=[clause_id for clause_id, _, status in applications if status == ApplicationStatus.APPROVED],
    )
    met = [
        {"clause": m.clause, "result": m.result, "application_id": applied.get(m.clause.pk)}
        for m in live
        if m.result.status == matching.MET
    ]
    unknown = [m for m in live if m.result.status == matching.UNKNOWN]
    guide = (
        GuideAssignment.objects.filter(enterprise=enterprise, ended_at__isnull=True)
        .values_list("guide__full_name", "guide__username", "guide__department__name")
        .first()
    )
    return render(
        request,
        "policies/mine.html",
        {
            "enterprise": enterprise,
            "enterprises": own[::-1],  # the registry's order (newest first)
            "met": met,
            "unknown": unknown,
            "hints": list(dict.fromkeys(h for m in unknown for h in m.result.hints)),
            # An unbound form reads the same for every enterprise with the same figures: rendered once per process.
            "form_html": form.as_div() if form.is_bound else _declaration_form_html(initial),
            "guide": guide and {"name": guide[0] or guide[1], "department": guide[2] or ""},
            "total_yuan": sum(m["result"].estimated_max_yuan or 0 for m in met),
        },
        status=400 if form.errors else 200,
    )


_declaration_forms: dict[tuple[str, ...], str] = {}


def _declaration_form_html(initial: dict) -> str:
    """The unbound 企业自报 form's HTML, rendered once per process for each pair of figures."""
    key = tuple(repr(value) for value in initial.values())  # Decimal("4.00") == Decimal("4") but reads otherwise
    html = _declaration_forms.get(key)
    if html is None:
        if len(_declaration_forms) >= 256:
            _declaration_forms.clear()
        html = _declaration_forms[key] = forms.DeclarationForm(initial=initial).as_div()
    return html


@login_required
def push_preferences(request):
    """推送设置: an enterprise user's SMS/e-mail push channels besides in-app messages, and opting out."""
    enterprise = access.get_own_enterprise_for_user(request.user)
    preference = PushPreference.objects.filter(user=request.user).first()
    form = forms.PushPreferenceForm(
        request.POST or None,
        initial={
            "sms": preference.sms if preference else False,
            "email": preference.email if preference else False,
            "topics": preference.topics if preference else [],
            "support_types": preference.support_types if preference else [],
        },
    )
    if request.method == "POST" and request.POST.get("action") == "opt_out":
        services.opt_out_of_push(user=request.user)
        messages.success(request, "已退订短信和邮件推送，站内消息照常接收。")
        return redirect("policies:push_preferences")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_push_preferences(
                user=request.user,
                sms=data["sms"],
                email=data["email"],
                phone=data["phone"] or (preference.phone if preference else ""),
                email_address=data["email_address"] or (preference.email_address if preference else ""),
                topics=data["topics"],
                support_types=data["support_types"],
            )
        except BusinessRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "推送设置已保存。")
            return redirect("policies:push_preferences")
    shown = {
        "phone": channels.mask_address(preference.phone or request.user.phone)
        if preference
        else channels.mask_address(request.user.phone or ""),
        "email_address": channels.mask_address(
            (preference.email_address if preference else "") or request.user.email
        ),
    }
    return render(
        request,
        "policies/push_preferences.html",
        {"enterprise": enterprise, "form": form, "preference": preference, "shown": shown},
        status=400 if form.errors else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@permission_required("policy.apply")
def apply(request, clause_id: int):
    """网上申报: registry fields pre-filled read-only; one upload per required material; 容缺/承诺制."""
    clause = access.get_clause_for_user(request.user, clause_id)
    enterprise = access.get_own_enterprise_for_user(request.user, _int(request.POST.get("enterprise")))
    error = None
    if request.method == "POST":
        files = _uploaded_materials(request, clause)
        missing = [m["name"] for i, m in enumerate(clause.materials) if request.POST.get(f"missing_{i}")]
        promised = request.POST.get("promised_on") or None
        try:
            promised_on = dt.date.fromisoformat(promised) if promised else None
            requested = int(request.POST["requested_yuan"]) if request.POST.get("requested_yuan") else None
        except ValueError:
            error = "日期或金额格式不正确。"
        else:
            try:
                application = services.submit_application(
                    enterprise=enterprise,
                    clause=clause,
                    by=request.user,
                    now=_now(),
                    answers={"说明": request.POST.get("note", "")[:1000]},
                    requested_yuan=requested,
                    files=files,
                    missing=missing,
                    promised_on=promised_on,
                    commitment=bool(request.POST.get("commitment")),
                )
            except BusinessRuleError as exc:
                error = exc.message
            else:
                messages.success(request, f"申报已提交，受理编号 {application.tracking_number}。")
                return redirect("policies:application", application.pk)
    return render(
        request,
        "policies/apply.html",
        {
            "clause": clause,
            "enterprise": enterprise,
            "prefill": services._prefill(enterprise),
            "error": error,
            "materials": list(enumerate(clause.materials)),
        },
        status=400 if error else 200,
    )


@require_POST
@permission_required("policy.apply")
def confirm_automatic(request, clause_id: int):
    """免申即享 意愿确认."""
    clause = access.get_clause_for_user(request.user, clause_id)
    enterprise = access.get_own_enterprise_for_user(request.user, _int(request.POST.get("enterprise")))
    try:
        application = services.confirm_automatic_benefit(
            enterprise=enterprise, clause=clause, by=request.user, now=_now()
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return redirect("policies:clause", clause.pk)
    messages.success(request, "已确认享受，资金将按进度拨付。")
    return redirect("policies:application", application.pk)


@login_required
def application_list(request):
    """我的申报 (enterprise) — applications with status and where the money is."""
    applications = PolicyApplication.objects.visible_to(request.user).select_related(
        "clause", "clause__document", "enterprise", "disbursement"
    )
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    return render(request, "policies/applications.html", {"page": page})


@login_required
def application_detail(request, application_id: int):
    """One application: timeline, review deadline, disbursement steps with expected dates, rating."""
    application = access.get_application_for_user(request.user, application_id)
    disbursement = Disbursement.objects.filter(application=application).first()
    is_owner = request.user.role == "enterprise"
    return render(
        request,
        "policies/application.html",
        {
            "application": application,
            "events": application.events.all(),
            "disbursement": disbursement,
            "materials": application.material_files.all(),
            "is_owner": is_owner,
            "can_review": request.user.can("policy.review_application") and not is_owner,
            "can_disburse": request.user.can("policy.disburse") and not is_owner,
            "decision_form": forms.DecisionForm(initial={"amount_yuan": application.requested_yuan}),
            "rating_form": forms.RatingForm(),
            "steps": _money_steps(application, disbursement),
        },
    )


def _money_steps(application: PolicyApplication, disbursement: Disbursement | None) -> list[dict]:
    """“我的钱到哪了”: approved → instructed → paid, each with its actual or expected date."""
    return [
        {
            "label": "审核通过",
            "done": application.status == ApplicationStatus.APPROVED,
            "date": application.decided_at,
            "expected": application.due_at,
        },
        {
            "label": "下达拨付指令",
            "done": bool(disbursement and disbursement.instructed_at),
            "date": disbursement.instructed_at if disbursement else None,
            "expected": disbursement.expected_instructed_on if disbursement else None,
        },
        {
            "label": "资金到账",
            "done": bool(disbursement and disbursement.paid_at),
            "date": disbursement.paid_at if disbursement else None,
            "expected": disbursement.expected_paid_on if disbursement else None,
        },
    ]


def _uploaded_materials(request, clause) -> dict:
    """The files posted for a clause's required materials (inputs `material_<n>`), by material name."""
    return {
        m["name"]: request.FILES[f"material_{i}"]
        for i, m in enumerate(clause.materials)
        if f"material_{i}" in request.FILES
    }


@require_POST
@permission_required("policy.apply")
def application_action(request, application_id: int):
    """Enterprise actions on its application: resubmit (补正), withdraw, rate."""
    application = access.get_application_for_user(request.user, application_id)
    action = request.POST.get("action")
    try:
        if action == "resubmit":
            files = _uploaded_materials(request, application.clause)
            services.resubmit_application(
                application, by=request.user, now=_now(), files=files, note=request.POST.get("note", "")[:500]
            )
            messages.success(request, "已重新提交。")
        elif action == "withdraw":
            services.withdraw_application(application, by=request.user, now=_now())
            messages.success(request, "已撤回。")
        elif action == "rate":
            form = forms.RatingForm(request.POST)
            if not form.is_valid():
                raise BusinessRuleError("请选择评价环节和评分。")
            services.rate_policy(
                enterprise=application.enterprise,
                clause=application.clause,
                stage=form.cleaned_data["stage"],
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                by=request.user,
            )
            messages.success(request, "感谢评价。")
        else:
            raise BusinessRuleError("未知的操作。")
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    return redirect("policies:application", application.pk)


# -- 一本通 / 一码通 ----------------------------------------------------------------------------------


def _compendium_context(request, industry: str) -> dict:
    if industry not in CHARACTERISTIC_INDUSTRIES:
        raise Http404("没有这个特色产业的政策一本通。")
    clauses = [
        c
        for c in selectors.active_clauses()
        if industry in c.rules.get("tags_any", []) or industry in c.document.tags
    ]
    names = selectors.rule_names()
    entries = [
        {
            "clause": c,
            "who": describe_rules(c.rules, names),
            "benefit_text": _benefit_text(c),
            "url": _absolute(request, reverse("policies:clause", args=[c.pk])),
            "qr_png": exports.qr_png_data_uri(_absolute(request, reverse("policies:clause", args=[c.pk]))),
        }
        for c in clauses
    ]
    url = _absolute(request, reverse("policies:compendium", args=[industry]))
    return {
        "title": f"{industry}产业政策一本通",
        "industry": industry,
        "entries": entries,
        "url": url,
        "subtitle": f"共 {len(entries)} 项适用政策 · 生成于 {timezone.localdate():%Y-%m-%d}",
        "qr_png": exports.qr_png_data_uri(url),
    }


def compendium(request, industry: str):
    """一本通: the policies for one characteristic industry, with QR codes; PDF and DOCX downloads."""
    context = _compendium_context(request, industry)
    return render(
        request,
        "policies/compendium.html",
        {**context, "qr": exports.qr_svg(context["url"]), "industries": CHARACTERISTIC_INDUSTRIES},
    )


def compendium_pdf(request, industry: str):
    context = _compendium_context(request, industry)
    response = HttpResponse(exports.compendium_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(context['title'])}.pdf"
    return response


def compendium_docx(request, industry: str):
    context = _compendium_context(request, industry)
    response = HttpResponse(
        exports.compendium_docx(context),
        content_type=("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(context['title'])}.docx"
    return response


# -- management side ---------------------------------------------------------------------------------


@permission_required("policy.view_admin")
def manage(request):
    """政策管理: documents in scope by status, with clause review progress."""
    status = request.GET.get("status", "")
    documents = PolicyDocument.objects.visible_to(request.user).annotate(
        clause_count=Count("clauses"), pending=Count("clauses", filter=Q(clauses__review_status="pending"))
    )
    if status in DocumentStatus.values:
        documents = documents.filter(status=status)
    page = Paginator(documents.order_by("-updated_at", "-id"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/manage.html",
        {
            "page": page,
            "statuses": DocumentStatus.choices,
            "status": status,
            "can_draft": request.user.can("policy.draft"),
        },
    )


@permission_required("policy.draft")
def import_document(request):
    """导入政策: upload TXT/DOCX/PDF or paste text; the machine reads, a person confirms next."""
    form = forms.DocumentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        metadata = {
            key: data[key]
            for key in (
                "title",
                "document_number",
                "issuer",
                "level",
                "region",
                "effective_on",
                "expires_on",
                "source_url",
                "budget_yuan",
                "tags",
            )
        }
        try:
            if data["file"]:
                document = services.import_policy_document(by=request.user, upload=data["file"], **metadata)
            else:
                document = services.create_document(by=request.user, text=data["text"], **metadata)
        except BusinessRuleError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已读取 {document.clauses.count()} 个条款，请逐条核对后确认。")
            return redirect("policies:manage_document", document.pk)
    return render(request, "policies/import.html", {"form": form}, status=400 if form.errors else 200)


@permission_required("policy.view_admin")
def manage_document(request, document_id: int):
    """Review page: each clause with its machine reading, confirmation state; document actions."""
    document = access.get_document_for_user(request.user, document_id)
    clauses = document.clauses.select_related("handling_department").prefetch_related("benefits")
    versions = list(document.versions.all())
    diff = services.version_diff(versions[1], versions[0]) if len(versions) > 1 else []
    return render(
        request,
        "policies/manage_document.html",
        {
            "document": document,
            "clauses": clauses,
            "versions": versions,
            "diff": diff,
            "can_edit": PolicyDocument.objects.editable_by(request.user).filter(pk=document.pk).exists(),
            "can_publish": request.user.can("policy.publish"),
            "statuses": DocumentStatus,
        },
    )


@require_POST
@permission_required("policy.draft")
def document_action(request, document_id: int):
    """送审 / 发布 / 退回 / 废止 / 修订."""
    document = access.get_editable_document_for_user(request.user, document_id)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "submit":
            services.submit_document_for_review(document, by=request.user)
            messages.success(request, "已送审。")
        elif action == "publish":
            services.publish_document(document, by=request.user, now=_now())
            messages.success(request, "已发布：正在后台匹配企业并推送。")
        elif action in ("draft", "repealed", "expired"):
            services.withdraw_document(document, by=request.user, to=action, reason=reason)
            messages.success(request, "状态已更新。")
        elif action == "revise":
            services.revise_document(
                document, by=request.user, text=request.POST.get("text", ""), note=reason
            )
            messages.success(request, "已保存新版本。")
        else:
            raise BusinessRuleError("未知的操作。")
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "policies/action_error.html",
            {"message": exc.message, "document": document},
            status=exc.status,
        )
    return redirect("policies:manage_document", document.pk)


def _extraction_rows(clause: Clause) -> list[dict]:
    """Each machine-read field with its value, confidence and the quoted source text."""
    reading = clause.extraction or {}
    spans = reading.get("spans", {})
    confidence = reading.get("confidence", {})
    labels = {
        "support_types": "支持方式",
        "amount_max_yuan": "最高金额（元）",
        "ratio": "比例",
        "topic": "主题",
        "eligibility.qualifications": "资质",
        "eligibility.industries": "行业",
        "eligibility.scale": "规模",
        "eligibility.regions": "地区",
        "eligibility.other": "其他条件",
    }
    rows = []
    for key, label in labels.items():
        if key.startswith("eligibility."):
            value = reading.get("eligibility", {}).get(key.split(".", 1)[1])
        else:
            value = reading.get(key)
        quotes = [
            clause.text[start:end]
            for start, end in spans.get(key, [])
            if 0 <= start < end <= len(clause.text)
        ]
        display = (
            "、".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
        )
        rows.append(
            {
                "label": label,
                "display": display or "—",
                "confidence": confidence.get(key),
                "quotes": quotes,
                "low": (confidence.get(key) or 0) < 0.6,
            }
        )
    return rows


@permission_required("policy.draft")
def clause_edit(request, clause_id: int):
    """Correct and confirm one clause: machine reading with source spans beside the structured form."""
    clause = access.get_editable_clause_for_user(request.user, clause_id)
    form = forms.ClauseReviewForm(request.POST or None, initial=forms.ClauseReviewForm.initial_for(clause))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_clause(
                clause,
                by=request.user,
                changes=form.changes(),
                benefits=form.benefits(),
                confirm=form.cleaned_data["confirm"],
            )
        except BusinessRuleError as exc:
            for detail in exc.details or [{"reason": exc.message}]:
                form.add_error(None, detail["reason"])
        else:
            messages.success(
                request, "条款已确认。" if form.cleaned_data["confirm"] else "已保存（尚未确认）。"
            )
            return redirect("policies:manage_document", clause.document_id)
    return render(
        request,
        "policies/clause_edit.html",
        {
            "clause": clause,
            "form": form,
            "rows": _extraction_rows(clause),
            "notes": (clause.extraction or {}).get("notes", []),
        },
        status=400 if form.errors else 200,
    )


@permission_required("policy.review_application")
def review_queue(request):
    """审核工作台: applications in the reviewer's scope, overdue first."""
    status = request.GET.get("status", "open")
    applications = PolicyApplication.objects.visible_to(request.user).select_related(
        "enterprise", "clause", "clause__document"
    )
    if status == "open":
        applications = applications.filter(
            status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW]
        )
    elif status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    page = Paginator(applications.order_by("due_at", "pk"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/review_queue.html",
        {"page": page, "status": status, "now": _now(), "statuses": ApplicationStatus.choices},
    )


@require_POST
@permission_required("policy.review_application")
def decide_application(request, application_id: int):
    """受理 / 退回补正 / 通过 / 不予通过."""
    application = access.get_reviewable_application_for_user(request.user, application_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择操作并填写金额。")
        return redirect("policies:application", application.pk)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"] or ""
    try:
        if action == "accept":
            services.accept_application(application, by=request.user, now=_now())
        elif action == "return":
            services.return_application(application, by=request.user, reason=reason, now=_now())
        elif action == "approve":
            services.approve_application(
                application,
                by=request.user,
                reason=reason,
                now=_now(),
                amount_yuan=form.cleaned_data["amount_yuan"] or 0,
            )
        else:
            services.reject_application(application, by=request.user, reason=reason, now=_now())
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "policies/action_error.html",
            {"message": exc.message, "application": application},
            status=exc.status,
        )
    messages.success(request, "已处理。")
    return redirect("policies:application", application.pk)


@permission_required("policy.view_admin")
def ledger(request):
    """兑现台账: every payout in scope with its step, plus totals by policy, department, county, industry."""
    disbursements = Disbursement.objects.filter(
        application__in=PolicyApplication.objects.visible_to(request.user)
    ).select_related(
        "application", "application__enterprise", "application__clause", "application__clause__document"
    )
    status = request.GET.get("status", "")
    if status in DisbursementStatus.values:
        disbursements = disbursements.filter(status=status)
    totals = selectors.ledger_totals(disbursements)
    summary = disbursements.aggregate(
        total=Sum("amount_yuan"), paid=Sum("amount_yuan", filter=Q(status=DisbursementStatus.PAID))
    )
    page = Paginator(disbursements, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/ledger.html",
        {
            "page": page,
            "totals": totals,
            "summary": summary,
            "status": status,
            "statuses": DisbursementStatus.choices,
            "can_disburse": request.user.can("policy.disburse"),
        },
    )


@require_POST
@permission_required("policy.disburse")
def advance_disbursement(request, disbursement_id: int):
    disbursement = access.get_disbursement_for_user(request.user, disbursement_id)
    try:
        services.advance_disbursement(
            disbursement,
            by=request.user,
            to=request.POST.get("to", ""),
            now=_now(),
            voucher=request.POST.get("voucher", ""),
        )
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "兑现进度已更新。")
    return redirect(request.POST.get("next") or reverse("policies:ledger"))


@permission_required("policy.evaluate")
def evaluation(request):
    """评估: uptake, amounts, time to payment, share of eligible that benefited, ratings; flags."""
    documents = PolicyDocument.objects.visible_to(request.user).exclude(status=DocumentStatus.DRAFT)
    figures, summary = selectors.evaluation(documents, today=timezone.localdate())
    chart = {
        "tooltip": {},
        "legend": {"data": ["符合条件企业", "受益企业"]},
        "xAxis": {"type": "category", "data": [f.document.title[:10] for f in figures]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": "符合条件企业", "type": "bar", "data": [f.eligible for f in figures]},
            {"name": "受益企业", "type": "bar", "data": [f.beneficiaries for f in figures]},
        ],
    }
    return render(
        request, "policies/evaluation_chain.html", {"figures": figures, "summary": summary, "chart": chart}
    )


@permission_required("policy.view_admin")
def eligible_list(request, clause_id: int):
    """免申即享 名单: enterprises that meet a clause on registry data, and whether they confirmed."""
    clause = access.get_clause_for_user(request.user, clause_id)
    matches = (
        PolicyMatch.objects.filter(
            clause=clause, status="met", enterprise__in=Enterprise.objects.visible_to(request.user)
        )
        .select_related("enterprise", "enterprise__region")
        .order_by("enterprise__name")
    )
    confirmed = set(PolicyApplication.objects.filter(clause=clause).values_list("enterprise_id", flat=True))
    page = Paginator(matches, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/eligible.html",
        {
            "clause": clause,
            "page": page,
            "confirmed": confirmed,
            "decidable": matching.registry_decidable(clause.rules),
        },
    )


@permission_required("policy.guide")
def guides(request):
    """金牌导办: assignments in scope (or my own as a guide) and the assignment form."""
    assignments = GuideAssignment.objects.filter(ended_at__isnull=True).select_related("enterprise", "guide")
    if request.user.can("policy.assign_guide"):
        assignments = assignments.filter(enterprise__in=Enterprise.objects.visible_to(request.user))
    else:
        assignments = assignments.filter(guide=request.user)
    guide_users = User.objects.filter(is_active=True).exclude(role__in=["enterprise", "experience_officer"])
    if request.user.scope_region is not None:
        guide_users = guide_users.filter(
            Q(region=request.user.scope_region) | Q(department__region=request.user.scope_region)
        )
    form = forms.GuideAssignForm(request.POST or None, guides=guide_users)
    if request.method == "POST":
        if not request.user.can("policy.assign_guide"):
            raise PermissionDenied("您没有指派导办员的权限。")
        if form.is_valid():
            enterprise = access.get_enterprise_for_user(request.user, form.cleaned_data["enterprise_id"])
            try:
                services.assign_guide(
                    enterprise=enterprise, guide=form.cleaned_data["guide"], by=request.user, now=_now()
                )
            except BusinessRuleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已指派。")
                return redirect("policies:guides")
    page = Paginator(assignments.order_by("-assigned_at"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/guides.html",
        {"page": page, "form": form, "can_assign": request.user.can("policy.assign_guide")},
        status=400 if form.errors else 200,
    )


@permission_required("policy.guide")
def guide_detail(request, assignment_id: int):
    """One guide assignment: the contact log and a form to add to it."""
    assignment = access.get_guide_assignment_for_user(request.user, assignment_id)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_guide_contact(
                assignment,
                by=request.user,
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"],
                now=_now(),
            )
        except BusinessRuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已记录。")
            return redirect("policies:guide_detail", assignment.pk)
    stored = (
        PolicyMatch.objects.filter(enterprise=assignment.enterprise, status="met")
        .select_related("clause")
        .prefetch_related("clause__benefits")
        .order_by("clause_id")
    )
    matches = selectors.explain_matches(assignment.enterprise, stored, today=timezone.localdate())
    return render(
        request,
        "policies/guide_assignment.html",
        {
            "assignment": assignment,
            "contacts": assignment.contacts.select_related("recorded_by"),
            "form": form,
            "matches": matches,
        },
        status=400 if form.errors else 200,
    )


def qr_code(request, kind: str, key: str):
    """一码通: an SVG QR code opening the mobile page of a document, clause or compendium."""
    if kind == "document":
        target = reverse(
            "policies:document",
            args=[get_object_or_404(PolicyDocument.objects.published(), pk=_int(key) or 0).pk],
        )
    elif kind == "clause":
        target = reverse(
            "policies:clause", args=[get_object_or_404(Clause.objects.active(), pk=_int(key) or 0).pk]
        )
    elif kind == "compendium" and key in CHARACTERISTIC_INDUSTRIES:
        target = reverse("policies:compendium", args=[key])
    else:
        raise Http404("没有这个二维码。")
    return HttpResponse(exports.qr_svg(_absolute(request, target)), content_type="image/svg+xml")
