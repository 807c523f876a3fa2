"""诉求 routes. Queue and report pages are in the matrix; pages on one appeal are pending (they need appeal
fixtures per department and county) and listed explicitly below."""

from tests.access.matrix import (
    ALLOW,
    ENTERPRISE_SIDE,
    FORBIDDEN,
    GOVERNMENT,
    SIGNED_IN,
    Case,
    api_expect,
    expect,
)

HANDLERS = {"city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff"}  # appeal.handle
LEDGER = GOVERNMENT - {"inspector"}  # appeal.view
METRICS = {"city_admin", "leader", "operator", "city_dept_lead", "gz_admin", "lz_admin"}  # appeal.metrics
VISITORS = {"city_admin", "city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff", "officer"}

CASES = {
    "appeals:home": [Case(expect(allow=SIGNED_IN))],  # a redirect to the role's own appeals page
    "appeals:new": [Case(expect(allow=ENTERPRISE_SIDE, otherwise=FORBIDDEN))],
    "appeals:public": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "appeals:intake": [Case(expect(allow={"operator"}, otherwise=FORBIDDEN))],
    "appeals:mine": [Case(expect(allow=SIGNED_IN))],
    "appeals:dispatch_queue": [Case(expect(allow={"city_admin", "operator", "gz_admin", "lz_admin"},
                                           otherwise=FORBIDDEN))],
    "appeals:inbox": [Case(expect(allow=HANDLERS, otherwise=FORBIDDEN))],
    "appeals:extensions": [Case(expect(allow={"city_admin", "city_dept_lead"}, otherwise=FORBIDDEN))],
    "appeals:revisits": [Case(expect(allow={"city_admin", "operator"}, otherwise=FORBIDDEN))],
    "appeals:import": [Case(expect(allow={"city_admin", "operator"}, otherwise=FORBIDDEN))],
    "appeals:import_template": [Case(expect(allow=SIGNED_IN))],
    "appeals:visits": [Case(expect(allow=VISITORS, otherwise=FORBIDDEN))],
    "appeals:visit_new": [Case(expect(allow=VISITORS, otherwise=FORBIDDEN))],
    "appeals:ledger": [Case(expect(allow=LEDGER, otherwise=FORBIDDEN))],
    "appeals:ledger_export": [Case(expect(allow=LEDGER, otherwise=FORBIDDEN))],
    "appeals:metrics": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:hot": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:formulas": [Case(expect(allow=LEDGER, otherwise=FORBIDDEN))],
    # Everyone signed in gets a list scoped to them (enterprises: their own appeals).
    "GET /api/v1/appeals": [Case(api_expect(allow=SIGNED_IN))],
}

PENDING_ROUTES = {
    "appeals:track", "appeals:detail", "appeals:act", "appeals:attachment",
    "GET /api/v1/appeals/{appeal_id}", "POST /api/v1/appeals", "POST /api/v1/appeals/work-orders",
    "POST /api/v1/appeals/{appeal_id}/transitions",
    "open311_discovery", "open311_services", "open311_service", "open311_requests", "open311_request",
    "open311_token", "pattern:open311/v2/^(?P<path>.*)$",
    "appeals:*", "* /api/v1/appeals*", "open311*", "pattern:open311/v2/*",
}
