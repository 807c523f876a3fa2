"""The only way interfaces fetch one policy-supermarket record by id: 404 for both 'missing' and 'not yours'."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from yingshang.accounts.roles import Role
from yingshang.enterprises.choices import MembershipStatus
from yingshang.enterprises.models import Enterprise
from yingshang.policies.models import Clause, Disbursement, GuideAssignment, PolicyApplication, PolicyDocument


def get_document_for_user(user, document_id: int) -> PolicyDocument:
    """A document the user may read: published for everyone, drafts for policy staff in scope."""
    return get_object_or_404(
        PolicyDocument.objects.visible_to(user).select_related("region", "department"), pk=document_id
    )


def get_editable_document_for_user(user, document_id: int) -> PolicyDocument:
    """A document the user may draft, correct or revise (起草部门/区域内)."""
    document = get_document_for_user(user, document_id)
    if not PolicyDocument.objects.editable_by(user).filter(pk=document.pk).exists():
        raise PermissionDenied("您无权修改该政策。")
    return document


def get_clause_for_user(user, clause_id: int) -> Clause:
    """A clause of a document the user may read."""
    return get_object_or_404(
        Clause.objects.visible_to(user).select_related("document", "handling_department"), pk=clause_id
    )


def get_editable_clause_for_user(user, clause_id: int) -> Clause:
    """A clause the user may correct and confirm."""
    clause = get_clause_for_user(user, clause_id)
    if not PolicyDocument.objects.editable_by(user).filter(pk=clause.document_id).exists():
        raise PermissionDenied("您无权修改该条款。")
    return clause


def enterprises_for_user(user):
    """The enterprises an enterprise user acts for (verified bindings only)."""
    if not user.is_authenticated or user.role != Role.ENTERPRISE:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(memberships__user=user, memberships__status=MembershipStatus.VERIFIED)


def own_enterprises_for_user(user) -> list[Enterprise]:
    """The enterprises an enterprise user acts for, by id, loaded with what 我的政策 and matching read (the
    registry facts, region and zone codes, the self-declared facts 企业自报); other fields load on access."""
    return list(
        enterprises_for_user(user)
        .select_related("region", "zone", "policy_declaration")
        .only(*_MATCHED_ENTERPRISE_FIELDS)
        .order_by("pk")
    )


_MATCHED_ENTERPRISE_FIELDS = (
    "id", "name", "entity_type", "industry_id", "industry_section", "established_on", "region__code",
    "zone__code", "employees", "revenue_10k", "above_scale", "tags", "credit_class", "size", "size_reason",
    "provenance", "policy_declaration__enterprise_id", "policy_declaration__rd_ratio",
    "policy_declaration__tax_paid_10k", "policy_declaration__declared_at",
)


def get_own_enterprise_for_user(user, enterprise_id: int | None = None, *, own: list[Enterprise] | None = None
                                ) -> Enterprise:
    """The enterprise an enterprise user acts for (the first one when no id is given).

    `own` is `own_enterprises_for_user(user)` when the caller has it already (one query for both).
    """
    if own is not None:
        if enterprise_id is None:
            if not own:
                _not_bound()
            return own[0]
        for enterprise in own:
            if enterprise.pk == enterprise_id:
                return enterprise
        raise Http404("No Enterprise matches the given query.")
    enterprises = enterprises_for_user(user).select_related("region", "zone", "industry").order_by("pk")
    if enterprise_id is None:
        enterprise = enterprises.first()
        if enterprise is None:
            _not_bound()
        return enterprise
    return get_object_or_404(enterprises, pk=enterprise_id)


def _not_bound():
    from yingshang.core.errors import ExplainedNotFound

    raise ExplainedNotFound(
        "您尚未绑定经营主体，或绑定尚未核验：请在“企业空间”认领企业，县区营商部门核验后即可使用政策服务。"
    )


def get_enterprise_for_user(user, enterprise_id: int) -> Enterprise:
    """An enterprise whose matches the user may see: their own, or within a policy officer's scope.

    Government roles without policy work (12345, inspectors) see the registry entry elsewhere but not its policy
    matches, which carry the enterprise's self-declared figures (研发占比, 纳税额).
    """
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(user).select_related("region", "zone", "industry", "policy_declaration"),
        pk=enterprise_id,
    )
    if user.role != Role.ENTERPRISE and not user.can("policy.view_admin"):
        raise PermissionDenied("您没有查看企业政策匹配的权限。")
    return enterprise


def get_application_for_user(user, application_id: int) -> PolicyApplication:
    """An application of the user's enterprise, or in a reviewer's department/region."""
    return get_object_or_404(
        PolicyApplication.objects.visible_to(user).select_related(
            "enterprise", "clause", "clause__document", "enterprise__region"
        ),
        pk=application_id,
    )


def get_reviewable_application_for_user(user, application_id: int) -> PolicyApplication:
    """An application the user may decide on (审核)."""
    application = get_application_for_user(user, application_id)
    if not user.can("policy.review_application"):
        raise PermissionDenied("您没有审核申报的权限。")
    return application


def get_disbursement_for_user(user, disbursement_id: int) -> Disbursement:
    """A payout the user may advance: within scope and with the 兑现 permission."""
    disbursement = get_object_or_404(
        Disbursement.objects.filter(
            application__in=PolicyApplication.objects.visible_to(user)
        ).select_related("application", "application__clause", "application__enterprise"),
        pk=disbursement_id,
    )
    if not user.can("policy.disburse"):
        raise PermissionDenied("您没有登记拨付的权限。")
    return disbursement


def get_guide_assignment_for_user(user, assignment_id: int) -> GuideAssignment:
    """An assignment the user guides, or one an assigning administrator can see."""
    assignments = GuideAssignment.objects.select_related("enterprise", "guide")
    if not (user.is_authenticated and user.is_government):
        assignments = assignments.none()
    elif not user.can("policy.assign_guide"):
        assignments = assignments.filter(guide=user)
    else:
        assignments = assignments.filter(enterprise__in=Enterprise.objects.visible_to(user))
    return get_object_or_404(assignments, pk=assignment_id)
