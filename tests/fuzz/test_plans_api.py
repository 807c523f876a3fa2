"""Hostile input to the plans API (/api/v1/plans): schemathesis generates valid and invalid requests from the OpenAPI
document and calls the WSGI application in-process, as the city administrator (who may import) and as a county
market regulator (who reports progress). No 5xx, every status documented, every body matching its schema.

The world holds an official plan whose ids the generator is steered towards, so that the operations on one plan or
task are reached, not only their 404s.
"""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from config.wsgi import application
from tests.fuzz.schemathesis_support import fuzz_settings

MAX_EXAMPLES = 40

pytestmark = pytest.mark.usefixtures("wsgi_keeps_test_connection")

# The API paths this module fuzzes (test_fuzz_coverage: every path of the API falls under some module's).
FUZZED_PATHS = r"^/api/v1/plans"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=FUZZED_PATHS)
KNOWN_IDS: dict[str, int] = {}


@schema.hook
def map_path_parameters(ctx, path_parameters):
    """Half of the generated ids are replaced by ids of the world's plan and task."""
    if path_parameters and KNOWN_IDS:
        for name in ("plan_id", "task_id"):
            value = path_parameters.get(name)
            if isinstance(value, int) and value % 2 == 0 and name in KNOWN_IDS:
                path_parameters[name] = KNOWN_IDS[name]
    return path_parameters


@pytest.fixture
def plan_world(cast):
    import datetime as dt
    from decimal import Decimal

    from yingshang.core.models import Department, Region
    from yingshang.plans.models import Plan, PlanMeasure, PlanTarget, PlanTask

    city, ganzhou = Region.objects.get(code="620700"), Region.objects.get(code="620702")
    plan = Plan.objects.create(title="模糊测试方案", year=2025, region=city, status="official")
    task = PlanTask.objects.create(
        plan=plan, number="1", title="任务", order=1, deadline=dt.date(2025, 12, 31)
    )
    task.lead_departments.set([Department.objects.get(function_key="market", region=ganzhou)])
    PlanMeasure.objects.create(task=task, order=1, text="措施")
    PlanTarget.objects.create(
        plan=plan,
        task=task,
        indicator="指标",
        indicator_key="指标",
        comparator=">=",
        value=Decimal(90),
        unit="%",
        text="指标达到90%",
    )
    KNOWN_IDS.update(plan_id=plan.pk, task_id=task.pk)
    yield plan
    KNOWN_IDS.clear()


@pytest.fixture(params=["city_admin", "gz_staff"])
def bearer(request, cast, plan_world):
    from yingshang.accounts.services import issue_api_token

    return issue_api_token(user=cast[request.param], name="fuzz")


@schema.parametrize()
@fuzz_settings(MAX_EXAMPLES)
def test_plans_api_survives_generated_requests(case, bearer):
    response = case.call(headers={"Authorization": f"Bearer {bearer}"})
    # As in test_api_schemathesis: ignored_auth is a false positive with an explicit bearer; business rules
    # legitimately refuse some schema-valid requests (a random file is not a plan → 400 with a Chinese reason).
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])


def test_plans_schemas_have_names_of_their_own():
    """Two apps' schemas with one class name share one OpenAPI component: the document then lies about one."""
    from config.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    assert {"indicator_key", "task_number"} <= set(components["PlanTargetOut"]["properties"])


def test_the_fuzzed_schema_covers_every_plans_operation():
    operations = sorted(op.ok().label for op in schema.get_all_operations())
    assert operations == [
        "GET /api/v1/plans",
        "GET /api/v1/plans/{plan_id}/targets",
        "GET /api/v1/plans/{plan_id}/tasks",
        "POST /api/v1/plans",
        "POST /api/v1/plans/tasks/{task_id}/progress",
    ]


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        ("NaN", 422),
        ("Infinity", 422),
        ("-0.1", 400),
        ("100.01", 400),
        ("1e400", 400),
        ("abc", 422),
        ("", 422),
        ("55.5", 201),
    ],
)
def test_progress_percent_edge_values(plan_world, cast, client_for, percent, status):
    from yingshang.plans.models import ProgressReport

    task = plan_world.tasks.get()
    response = client_for(cast.gz_staff).post(
        f"/api/v1/plans/tasks/{task.pk}/progress", {"percent": percent, "text": "推进中"}
    )
    assert response.status_code == status, response.content
    assert ProgressReport.objects.count() == (1 if status == 201 else 0)
    if status == 400:
        assert "完成进度须在 0% 到 100% 之间" in response.json()["detail"]
    if status == 422:
        assert response.json()["errors"][0]["field"] == "percent"
