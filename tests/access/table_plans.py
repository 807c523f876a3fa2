"""任务督办 routes. List pages are in the matrix; pages on one plan/task/notice/issue are pending (they need plan
fixtures per department) and listed explicitly below."""

from tests.access.matrix import FORBIDDEN, GOVERNMENT, Case, api_expect, expect

PLAN_VIEWERS = {"city_admin", "leader", "gz_admin", "lz_admin"}  # plan.view
REPORTERS = GOVERNMENT - {"operator", "inspector"}  # departments that report progress, and supervisors

CASES = {
    "plans:list": [Case(expect(allow=PLAN_VIEWERS, otherwise=FORBIDDEN))],
    "plans:import": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "plans:my_tasks": [Case(expect(allow=REPORTERS, otherwise=FORBIDDEN))],
    "plans:notices": [Case(expect(allow=REPORTERS, otherwise=FORBIDDEN))],
    "GET /api/v1/plans": [Case(api_expect(allow=PLAN_VIEWERS, otherwise=FORBIDDEN))],
}

PENDING_ROUTES = {
    "plans:notice", "plans:issue_close", "plans:detail", "plans:review", "plans:status", "plans:discard",
    "plans:target_add", "plans:target_edit", "plans:target_toggle", "plans:conflict_resolve", "plans:export",
    "plans:gantt", "plans:assessment", "plans:bulletin", "plans:task", "plans:task_edit", "plans:task_report",
    "plans:task_weights", "plans:task_close", "plans:milestone_add", "plans:milestone_done", "plans:notice_issue",
    "plans:issue_raise", "GET /api/v1/plans/{plan_id}/targets", "GET /api/v1/plans/{plan_id}/tasks",
    "POST /api/v1/plans", "POST /api/v1/plans/tasks/{task_id}/progress",
    "plans:*", "* /api/v1/plans*",
}
