"""营商监测 routes. Pages without an object are in the matrix; pages on one round/submission/value/alert/survey
are pending (they need monitoring fixtures per county) and listed explicitly below."""

from tests.access.matrix import FORBIDDEN, GOVERNMENT, Case, api_expect, expect

VIEWERS = GOVERNMENT - {"operator", "inspector"}  # monitoring.view
SUBMITTERS = {"city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff"}  # monitoring.submit

CASES = {
    "monitoring:dashboard": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "monitoring:indicators": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "monitoring:alerts": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    # Everyone who can read monitoring sees the rounds (the city office opens them; departments submit).
    "monitoring:rounds": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "monitoring:round_open": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), method="post")],
    "monitoring:link_targets": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), method="post")],
    "monitoring:weights": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "monitoring:surveys": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "GET /api/v1/monitoring/indicators": [Case(api_expect(allow=VIEWERS, otherwise=FORBIDDEN))],
}

PENDING_ROUTES = {
    "monitoring:dimension", "monitoring:indicator", "monitoring:values", "monitoring:round",
    "monitoring:round_template", "monitoring:submission", "monitoring:submission_review", "monitoring:value_revise",
    "monitoring:value_approve", "monitoring:alert", "monitoring:report", "monitoring:export", "monitoring:survey",
    "monitoring:survey_qr", "monitoring:survey_answer", "GET /api/v1/monitoring/index",
    "monitoring:*", "* /api/v1/monitoring*",
}
