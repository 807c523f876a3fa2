"""Policy supermarket API (/api/v1/policies): search, documents, clauses, matches, calculator, applications."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from yingshang.core import dataversions
from yingshang.core.api_support import ErrorOut, paginate
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import require
from yingshang.policies import access, matching, search, selectors, services
from yingshang.policies.models import Clause, Disbursement, PolicyApplication, PushPreference
from yingshang.policies.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    CalculatorIn,
    ClauseOut,
    DocumentOut,
    MatchOut,
    PushPreferenceIn,
    PushPreferenceOut,
    SearchOut,
)

router = Router(tags=["政策超市"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class SearchQuery(Schema):
    q: str = ""
    topic: str = ""
    support_type: str = ""
    level: str = ""
    delivery_mode: str = ""


def _clause_out(request, clause: Clause) -> dict:
    return {
        "id": clause.pk,
        "document_id": clause.document_id,
        "number": clause.number,
        "title": clause.title,
        "text": clause.text,
        "topic": clause.topic,
        "support_types": clause.support_types,
        "rules": clause.rules,
        "benefits": [
            b.as_dict() | {"type_label": b.get_benefit_type_display()} for b in clause.benefits.all()
        ],
        "delivery_mode": clause.delivery_mode,
        "application_opens_on": clause.application_opens_on,
        "application_closes_on": clause.application_closes_on,
        "materials": clause.materials,
        "handling_department": clause.handling_department.name if clause.handling_department_id else None,
        "contact": clause.contact,
        "service_days": clause.service_days,
        "mobile_url": request.build_absolute_uri(f"/policies/clauses/{clause.pk}/"),
    }


def _match_out(match: selectors.LiveMatch) -> dict:
    return {
        "clause_id": match.clause.pk,
        "clause_title": match.clause.title,
        "document_title": match.clause.document.title,
        "status": match.result.status,
        "estimated_max_yuan": match.result.estimated_max_yuan,
        "conditions": [c.to_dict() for c in match.result.conditions],
        "hints": match.result.hints,
    }


def _application_out(application: PolicyApplication) -> dict:
    disbursement = Disbursement.objects.filter(application=application).first()
    return {
        "id": application.pk,
        "tracking_number": application.tracking_number,
        "enterprise_id": application.enterprise_id,
        "enterprise_name": application.enterprise.name,
        "clause_id": application.clause_id,
        "clause_title": application.clause.title,
        "channel": application.channel,
        "status": application.status,
        "status_label": application.get_status_display(),
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "missing_materials": application.missing_materials,
        "decision_reason": application.decision_reason,
        "approved_yuan": application.approved_yuan,
        "disbursement": None
        if disbursement is None
        else {
            "status": disbursement.status,
            "amount_yuan": disbursement.amount_yuan,
            "expected_instructed_on": disbursement.expected_instructed_on,
            "instructed_at": disbursement.instructed_at,
            "expected_paid_on": disbursement.expected_paid_on,
            "paid_at": disbursement.paid_at,
        },
    }


@router.get("", response={200: SearchOut, **ERRORS}, auth=None, summary="检索政策（中文分词、同义词、分面）")
@kept_whole
def search_policies(request, query: Query[SearchQuery]):
    filters = search.SearchFilters.from_mapping(query.dict())
    # The same for every caller (published policies only): kept per query until a policies table is written.
    return dataversions.cached_fragment(
        f"policy-search-api:{filters!r}", dataversions.data_key(*selectors.policy_tables()), lambda: _search_out(filters)
    )


def _search_out(filters: search.SearchFilters) -> dict:
    result = search.search_policies(filters)
    return {
        "total": result.total,
        "hits": [
            {
                "document_id": hit.document.pk,
                "clause_id": hit.clause.pk if hit.clause else None,
                "title": hit.entry.title,
                "document_title": hit.document.title,
                "snippet_html": str(hit.snippet),
            }
            for hit in result.hits
        ],
        "facets": {
            name: [{"value": v, "label": label, "count": n} for v, label, n in values]
            for name, values in result.facets.items()
        },
    }


@router.get(
    "/documents/{int:document_id}", response={200: DocumentOut, **ERRORS}, auth=None, summary="政策详情"
)
def get_document(request, document_id: int):
    document = access.get_document_for_user(request.user, document_id)
    clauses = document.clauses.filter(review_status="confirmed").select_related("handling_department")
    return {
        **{
            name: getattr(document, name)
            for name in (
                "id",
                "title",
                "document_number",
                "issuer",
                "level",
                "status",
                "published_on",
                "effective_on",
                "expires_on",
                "is_example",
            )
        },
        "clauses": [_clause_out(request, c) for c in clauses.prefetch_related("benefits")],
    }


@router.get("/clauses/{int:clause_id}", response={200: ClauseOut, **ERRORS}, auth=None, summary="条款详情")
def get_clause(request, clause_id: int):
    return _clause_out(request, access.get_clause_for_user(request.user, clause_id))


@router.get(
    "/enterprises/{int:enterprise_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    summary="企业可享受的政策（逐项说明依据与来源）",
)
@kept_whole
def enterprise_matches(request, enterprise_id: int, include_unknown: bool = True):
    enterprise = access.get_enterprise_for_user(request.user, enterprise_id)
    matches = selectors.kept_matches(enterprise, today=timezone.localdate())
    wanted = {matching.MET, matching.UNKNOWN} if include_unknown else {matching.MET}
    return [_match_out(m) for m in matches if m.result.status in wanted]


@router.post(
    "/calculator",
    response={200: list[MatchOut], **ERRORS},
    auth=None,
    summary="政策计算器（访客回答问题，不保存）",
)
def calculator(request, payload: CalculatorIn):
    today = timezone.localdate()
    facts = matching.EnterpriseFacts(
        entity_type=payload.entity_type,
        industry_code=payload.industry_code,
        industry_section=payload.industry_section or (None if payload.industry_code else None),
        region_code=payload.region,
        size=payload.size,
        established_on=matching.age_cutoff(today, payload.age_years)
        if payload.age_years is not None
        else None,
        employees=payload.employees,
        revenue_10k=payload.revenue_10k,
        rd_ratio=payload.rd_ratio,
        tax_paid_10k=payload.tax_paid_10k,
        above_scale=None,
        qualifications=frozenset(payload.qualifications) if payload.qualifications is not None else None,
        tags=frozenset(payload.tags) if payload.tags is not None else None,
        credit_class="" if payload.not_dishonest else None,
        sources=dict.fromkeys(matching.FACT_LABELS, "访客填写"),
    )
    wanted = {matching.MET, matching.UNKNOWN} if payload.include_unknown else {matching.MET}
    return [_match_out(m) for m in selectors.live_matches(facts, today=today) if m.result.status in wanted]


@router.get(
    "/applications", response={200: ApplicationPage, **ERRORS}, summary="申报列表（本人企业或管辖范围）"
)
def list_applications(request, page: int = 1, page_size: int = 20, status: str = ""):
    applications = PolicyApplication.objects.visible_to(request.user).select_related("enterprise", "clause")
    if status:
        applications = applications.filter(status=status)
    items, meta = paginate(applications, page=page, page_size=page_size)
    return {**meta, "results": [_application_out(a) for a in items]}


@router.post(
    "/applications", response={201: ApplicationOut, **ERRORS}, summary="提交申报（材料请在网页上传）"
)
def create_application(request, payload: ApplicationIn):
    require(request.user, "policy.apply")
    enterprise = access.get_own_enterprise_for_user(request.user, payload.enterprise_id)
    clause = access.get_clause_for_user(request.user, payload.clause_id)
    application = services.submit_application(
        enterprise=enterprise,
        clause=clause,
        by=request.user,
        now=timezone.now(),
        answers={"说明": payload.note[:1000]},
        requested_yuan=payload.requested_yuan,
        missing=payload.missing_materials,
        promised_on=payload.promised_on,
        commitment=payload.commitment,
    )
    return Status(201, _application_out(application))


@router.get(
    "/applications/{int:application_id}",
    response={200: ApplicationOut, **ERRORS},
    summary="申报详情与兑现进度",
)
def get_application(request, application_id: int):
    return _application_out(access.get_application_for_user(request.user, application_id))


def _preference_out(preference: PushPreference | None) -> dict:
    if preference is None:
        return {
            "sms": False,
            "email": False,
            "phone": "",
            "email_address": "",
            "topics": [],
            "support_types": [],
        }
    return {name: getattr(preference, name) for name in services.PUSH_PREFERENCE_FIELDS}


@router.get(
    "/push-preferences", response={200: PushPreferenceOut, **ERRORS}, summary="我的推送渠道（站内消息之外）"
)
def get_push_preferences(request):
    return _preference_out(PushPreference.objects.filter(user=request.user).first())


@router.put(
    "/push-preferences",
    response={200: PushPreferenceOut, **ERRORS},
    summary="设置短信、邮件推送及关注的主题、支持方式",
)
def put_push_preferences(request, payload: PushPreferenceIn):
    return _preference_out(services.set_push_preferences(user=request.user, **payload.dict()))
