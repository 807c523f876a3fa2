"""政策超市 routes. Pages without an object are in the matrix; pages on one document/clause/application are still
pending (they need policy fixtures in the matrix world) and listed explicitly below."""

from tests.access.matrix import ALLOW, FORBIDDEN, GOVERNMENT, NOT_FOUND, SIGNED_IN, Case, api_expect, expect

# Who administers policies (policy.view_admin): every government role except 12345 and inspectors.
POLICY_ADMIN_VIEW = GOVERNMENT - {"operator", "inspector"}
REVIEWERS = {"city_admin", "city_staff", "city_dept_lead", "gz_staff", "lz_staff"}  # policy.review_application
DRAFTERS = REVIEWERS  # policy.draft

CASES = {
    "policies:home": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "policies:calculator": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    # My policies: only a verified enterprise user has an enterprise to match; everyone else has none (404).
    "policies:mine": [Case(expect(allow={"gz_owner", "lz_owner"}, otherwise=NOT_FOUND))],
    "policies:applications": [Case(expect(allow=SIGNED_IN))],
    "policies:manage": [Case(expect(allow=POLICY_ADMIN_VIEW, otherwise=FORBIDDEN))],
    "policies:import": [Case(expect(allow=DRAFTERS, otherwise=FORBIDDEN))],
    "policies:review_queue": [Case(expect(allow=REVIEWERS, otherwise=FORBIDDEN))],
    "policies:ledger": [Case(expect(allow=POLICY_ADMIN_VIEW, otherwise=FORBIDDEN))],
    "policies:evaluation": [Case(expect(allow={"city_admin", "leader", "city_dept_lead", "gz_admin", "lz_admin"},
                                        otherwise=FORBIDDEN))],
    "policies:guides": [Case(expect(allow=POLICY_ADMIN_VIEW - {"leader"}, otherwise=FORBIDDEN))],
    "GET /api/v1/policies": [Case(api_expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "GET /api/v1/policies/applications": [Case(api_expect(allow=SIGNED_IN))],
}

PENDING_ROUTES = {
    "policies:document", "policies:clause", "policies:apply", "policies:confirm", "policies:application",
    "policies:application_action", "policies:compendium", "policies:compendium_pdf", "policies:compendium_docx",
    "policies:qr", "policies:manage_document", "policies:document_action", "policies:clause_edit",
    "policies:eligible", "policies:decide", "policies:advance", "policies:guide_detail",
    "GET /api/v1/policies/applications/{application_id}", "GET /api/v1/policies/clauses/{clause_id}",
    "GET /api/v1/policies/documents/{document_id}", "GET /api/v1/policies/enterprises/{enterprise_id}/matches",
    "POST /api/v1/policies/applications", "POST /api/v1/policies/calculator",
    # Still being built: anything new in the app is pending until it has an entry.
    "policies:*", "* /api/v1/policies*",
}
