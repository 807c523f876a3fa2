"""政策超市 routes: every page and API operation, with own/other department and own/other county objects from
`world_policies.py` (owners: the city's, 甘州区's and 临泽县's market regulators)."""

import itertools

from tests.access.matrix import (
    ALLOW,
    ANONYMOUS,
    CAST,
    FORBIDDEN,
    GOVERNMENT,
    NOT_FOUND,
    SIGNED_IN,
    Case,
    api_expect,
    expect,
)

# Who administers policies (policy.view_admin): every government role except 12345 and inspectors.
POLICY_ADMIN_VIEW = GOVERNMENT - {"operator", "inspector"}
REVIEWERS = {
    "city_admin",
    "city_staff",
    "city_dept_lead",
    "gz_staff",
    "lz_staff",
}  # policy.review_application
DRAFTERS = REVIEWERS  # policy.draft
OWNERS = {"gz_owner", "lz_owner"}  # enterprise users with a verified enterprise (policy.apply)
# Who sees a draft of each owner: city-wide policy roles and that owner's department or county.
SEES_DRAFT = {
    "city": {"city_admin", "leader", "city_staff", "city_dept_lead"},
    "gz": {"city_admin", "leader", "gz_admin", "gz_staff"},
    "lz": {"city_admin", "leader", "lz_admin", "lz_staff"},
}
# Who may edit an owner's documents and clauses (policy.draft within scope).
EDITS = {
    "city": {"city_admin", "city_staff", "city_dept_lead"},
    "gz": {"city_admin", "gz_staff"},
    "lz": {"city_admin", "lz_staff"},
}
# Who sees an enterprise's application (its users; reviewers of the handling department; county; city-wide).
SEES_APPLICATION = {
    "gz": {"city_admin", "leader", "gz_admin", "gz_staff", "gz_owner"},
    "lz": {"city_admin", "leader", "lz_admin", "lz_staff", "lz_owner"},
}
PUBLIC = {person: ALLOW for person in (*CAST, ANONYMOUS)}
_revisions = itertools.count(1)


def _pk(name, argument):
    return lambda world: {argument: world[name].pk}


def _missing(argument):
    return lambda world: {argument: 987654321}


def _visible(name, argument, sees, *, api=False, anonymous=NOT_FOUND):
    """A read of one object: those who see it get it, everyone else (anonymous too) 404."""
    outcomes = (api_expect if api else expect)(allow=sees, otherwise=NOT_FOUND, anonymous=anonymous)
    return Case(outcomes, kwargs=_pk(name, argument), label=name)


def _management(
    name, argument, *, allow, sees=POLICY_ADMIN_VIEW, permitted=POLICY_ADMIN_VIEW, method="get", data=None
):
    """A management page on one object: no permission → 403; permission but out of scope → 404; in scope but
    not allowed to act → 403."""
    outcomes = expect(
        allow=allow,
        forbidden=(set(CAST) - set(permitted)) | ((set(sees) & set(permitted)) - allow),
        not_found=set(permitted) - set(sees),
    )
    return Case(
        outcomes, kwargs=_pk(name, argument), method=method, data=data or (lambda world: {}), label=name
    )


def _revision(world):
    return {"action": "revise", "text": f"矩阵修订正文 {next(_revisions)}", "reason": "矩阵测试"}


CASES = {
    "policies:home": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "policies:calculator": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    # My policies: only a verified enterprise user has an enterprise to match; everyone else has none (404).
    "policies:mine": [Case(expect(allow=OWNERS, otherwise=NOT_FOUND))],
    # 推送设置: enterprise users of a verified enterprise, their own preferences only (no object id to guess).
    "policies:push_preferences": [
        Case(expect(allow=OWNERS, otherwise=NOT_FOUND)),
        Case(
            expect(allow=OWNERS, otherwise=NOT_FOUND),
            method="post",
            data=lambda world: {"action": "opt_out"},
            label="opt_out",
        ),
        Case(
            expect(allow=OWNERS, otherwise=NOT_FOUND),
            method="post",
            data=lambda world: {"action": "save", "sms": "on", "phone": "13800138000"},
            label="save",
        ),
    ],
    "policies:applications": [Case(expect(allow=SIGNED_IN))],
    "policies:manage": [Case(expect(allow=POLICY_ADMIN_VIEW, otherwise=FORBIDDEN))],
    "policies:import": [Case(expect(allow=DRAFTERS, otherwise=FORBIDDEN))],
    "policies:review_queue": [Case(expect(allow=REVIEWERS, otherwise=FORBIDDEN))],
    "policies:ledger": [Case(expect(allow=POLICY_ADMIN_VIEW, otherwise=FORBIDDEN))],
    "policies:evaluation": [
        Case(
            expect(
                allow={"city_admin", "leader", "city_dept_lead", "gz_admin", "lz_admin"}, otherwise=FORBIDDEN
            )
        )
    ],
    "policies:guides": [Case(expect(allow=POLICY_ADMIN_VIEW - {"leader"}, otherwise=FORBIDDEN))],
    # Public pages: a published document or clause for everyone; a draft only for its owner's scope.
    "policies:document": [
        Case(PUBLIC, kwargs=_pk("city_policy_document", "document_id"), label="已发布"),
        *(_visible(f"{key}_policy_draft", "document_id", SEES_DRAFT[key]) for key in ("city", "gz", "lz")),
        Case(expect(not_found=CAST, anonymous=NOT_FOUND), kwargs=_missing("document_id"), label="不存在"),
    ],
    "policies:clause": [
        Case(PUBLIC, kwargs=_pk("gz_policy_clause", "clause_id"), label="已发布"),
        *(
            _visible(f"{key}_policy_draft_clause", "clause_id", SEES_DRAFT[key])
            for key in ("city", "gz", "lz")
        ),
    ],
    "policies:compendium": [
        Case(PUBLIC, kwargs=lambda w: {"industry": "肉牛"}),
        Case(
            expect(not_found=CAST, anonymous=NOT_FOUND), kwargs=lambda w: {"industry": "x"}, label="未知产业"
        ),
    ],
    "policies:compendium_pdf": [Case(PUBLIC, kwargs=lambda w: {"industry": "肉牛"})],
    "policies:compendium_docx": [Case(PUBLIC, kwargs=lambda w: {"industry": "肉牛"})],
    "policies:qr": [
        Case(
            PUBLIC,
            kwargs=lambda w: {"kind": "document", "key": str(w.city_policy_document.pk)},
            label="已发布",
        ),
        Case(
            expect(not_found=CAST, anonymous=NOT_FOUND),
            kwargs=lambda w: {"kind": "document", "key": str(w.gz_policy_draft.pk)},
            label="草稿不出码",
        ),
        Case(
            expect(not_found=CAST, anonymous=NOT_FOUND),
            kwargs=lambda w: {"kind": "clause", "key": str(w.lz_policy_draft_clause.pk)},
            label="草稿条款",
        ),
    ],
    # Enterprise actions: only a verified enterprise user (policy.apply); the clause must be published.
    "policies:apply": [
        Case(
            expect(allow=OWNERS, not_found={"stranger"}, otherwise=FORBIDDEN),
            kwargs=_pk("gz_policy_clause", "clause_id"),
            label="已发布条款",
        ),
        Case(
            expect(not_found=OWNERS | {"stranger"}, otherwise=FORBIDDEN),
            kwargs=_pk("lz_policy_draft_clause", "clause_id"),
            label="草稿条款",
        ),
    ],
    # gz_enterprise already has the gz 免申即享 payout (refused with a message → back to the clause);
    # lz_enterprise confirms it. Either way the owner is let through; nobody else.
    "policies:confirm": [
        Case(
            expect(allow=OWNERS, not_found={"stranger"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=_pk("gz_policy_auto_clause", "clause_id"),
            label="已发布免申即享",
        ),
        Case(
            expect(not_found=OWNERS | {"stranger"}, otherwise=FORBIDDEN),
            method="post",
            kwargs=_pk("gz_policy_draft_clause", "clause_id"),
            label="草稿条款",
        ),
    ],
    "policies:application": [
        Case(
            expect(allow=SEES_APPLICATION[key], otherwise=NOT_FOUND),
            kwargs=_pk(f"{key}_policy_application", "application_id"),
            label=key,
        )
        for key in ("gz", "lz")
    ],
    # An unknown action changes nothing and returns to the application: only its own enterprise user gets there.
    "policies:application_action": [
        Case(
            expect(
                allow={f"{key}_owner"},
                not_found=(OWNERS | {"stranger"}) - {f"{key}_owner"},
                otherwise=FORBIDDEN,
            ),
            kwargs=_pk(f"{key}_policy_application", "application_id"),
            method="post",
            data=lambda w: {"action": "noop"},
            label=key,
        )
        for key in ("gz", "lz")
    ],
    # Management pages on one object.
    "policies:manage_document": [
        *(
            _management(f"{key}_policy_draft", "document_id", allow=SEES_DRAFT[key], sees=SEES_DRAFT[key])
            for key in ("city", "gz", "lz")
        ),
        _management("gz_policy_document", "document_id", allow=POLICY_ADMIN_VIEW),
    ],
    # A revision with new text on a draft (stays a draft): the owner's drafters; others with policy.draft 404.
    "policies:document_action": [
        _management(
            f"{key}_policy_draft",
            "document_id",
            allow=EDITS[key],
            sees=SEES_DRAFT[key] & DRAFTERS,
            permitted=DRAFTERS,
            method="post",
            data=_revision,
        )
        for key in ("city", "gz", "lz")
    ],
    "policies:clause_edit": [
        *(
            _management(
                f"{key}_policy_draft_clause",
                "clause_id",
                allow=EDITS[key],
                sees=SEES_DRAFT[key] & DRAFTERS,
                permitted=DRAFTERS,
            )
            for key in ("city", "gz", "lz")
        ),
        _management("gz_policy_clause", "clause_id", allow=EDITS["gz"], sees=DRAFTERS, permitted=DRAFTERS),
    ],
    # 免申即享 list of a published clause: every policy officer, listing only enterprises in their own scope.
    "policies:eligible": [
        _management("gz_policy_auto_clause", "clause_id", allow=POLICY_ADMIN_VIEW),
        _management("gz_policy_draft_clause", "clause_id", allow=SEES_DRAFT["gz"], sees=SEES_DRAFT["gz"]),
    ],
    # A decision form without an action changes nothing: reviewers who see the application get back to it.
    "policies:decide": [
        _management(
            f"{key}_policy_application",
            "application_id",
            allow=REVIEWERS & SEES_APPLICATION[key],
            sees=REVIEWERS & SEES_APPLICATION[key],
            permitted=REVIEWERS,
            method="post",
        )
        for key in ("gz", "lz")
    ],
    # Advancing a payout without a target step changes nothing: the disbursing roles in scope.
    "policies:advance": [
        _management(
            "gz_policy_disbursement",
            "disbursement_id",
            allow={"city_admin"},
            sees={"city_admin"},
            permitted={"city_admin", "city_dept_lead"},
            method="post",
        ),
    ],
    # 金牌导办: the guide and the assigning administrators of the enterprise's county.
    "policies:guide_detail": [
        _management(
            f"{key}_policy_guide",
            "assignment_id",
            allow={"city_admin", f"{key}_admin", f"{key}_staff"},
            sees={"city_admin", f"{key}_admin", f"{key}_staff"},
            permitted=POLICY_ADMIN_VIEW - {"leader"},
        )
        for key in ("gz", "lz")
    ],
    "GET /api/v1/policies": [Case(api_expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "GET /api/v1/policies/applications": [Case(api_expect(allow=SIGNED_IN))],
    "GET /api/v1/policies/applications/{application_id}": [
        Case(
            api_expect(allow=SEES_APPLICATION[key], otherwise=NOT_FOUND),
            kwargs=_pk(f"{key}_policy_application", "application_id"),
            label=key,
        )
        for key in ("gz", "lz")
    ],
    "GET /api/v1/policies/clauses/{clause_id}": [
        Case(PUBLIC, kwargs=_pk("lz_policy_clause", "clause_id"), label="已发布"),
        *(
            _visible(f"{key}_policy_draft_clause", "clause_id", SEES_DRAFT[key], api=True)
            for key in ("gz", "lz")
        ),
    ],
    "GET /api/v1/policies/documents/{document_id}": [
        Case(PUBLIC, kwargs=_pk("gz_policy_document", "document_id"), label="已发布"),
        *(
            _visible(f"{key}_policy_draft", "document_id", SEES_DRAFT[key], api=True)
            for key in ("city", "lz")
        ),
    ],
    # An enterprise's matches: its own users and policy officers in scope; 12345 and inspectors see the
    # enterprise in the registry but not its policy matches (403).
    "GET /api/v1/policies/enterprises/{enterprise_id}/matches": [
        Case(
            api_expect(
                allow=(POLICY_ADMIN_VIEW - {"lz_admin", "lz_staff"}) | {"gz_owner"},
                forbidden={"operator", "inspector"},
                otherwise=NOT_FOUND,
            ),
            kwargs=_pk("gz_enterprise", "enterprise_id"),
            label="甘州区企业",
        ),
        Case(
            api_expect(
                allow=(POLICY_ADMIN_VIEW - {"gz_admin", "gz_staff"}) | {"lz_owner"},
                forbidden={"operator", "inspector"},
                otherwise=NOT_FOUND,
            ),
            kwargs=_pk("lz_enterprise", "enterprise_id"),
            label="临泽县企业",
        ),
    ],
    "GET /api/v1/policies/push-preferences": [Case(api_expect(allow=SIGNED_IN))],
}

# The matrix posts form data; these operations take a JSON body, so the same cast × own/other county table is
# run with JSON in yingshang/policies/tests/test_api_matrix.py.
EXCLUDED = {
    "POST /api/v1/policies/applications": "JSON 请求体；矩阵见 yingshang/policies/tests/test_api_matrix.py",
    "POST /api/v1/policies/calculator": "JSON 请求体；矩阵见 yingshang/policies/tests/test_api_matrix.py",
    "PUT /api/v1/policies/push-preferences": "JSON 请求体；矩阵见 yingshang/policies/tests/test_api_matrix.py",
}
