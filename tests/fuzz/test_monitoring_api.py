"""Hostile input to the monitoring API (/api/v1/monitoring/…): schemathesis generates valid and invalid requests
from the OpenAPI document and calls the WSGI application in-process, with a catalogue, a plan year and an index
in the database. No 5xx, every status documented, every body matching its schema.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from config.wsgi import application
from tests.fuzz.schemathesis_support import fuzz_settings

MAX_EXAMPLES = 40

pytestmark = pytest.mark.usefixtures("wsgi_keeps_test_connection")

# The API paths this module fuzzes (test_fuzz_coverage: every path of the API falls under some module's).
FUZZED_PATHS = r"^/api/v1/monitoring"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=FUZZED_PATHS)


@pytest.fixture
def monitored(cast):
    """The catalogue and one month of published values and index for the city and two counties."""
    from yingshang.monitoring.services import load_catalogue, recompute_index
    from yingshang.monitoring.tests.conftest import publish

    load_catalogue()
    for region, value in (("620700", 80), ("620702", 70), ("620723", 90)):
        publish("online_filing_rate", region, "2026-09", value)
    recompute_index(now=dt.datetime(2026, 10, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    return cast


@pytest.fixture
def bearer(monitored):
    from yingshang.accounts.services import issue_api_token

    return issue_api_token(user=monitored.gz_admin, name="fuzz-monitoring")


@schema.parametrize()
@fuzz_settings(MAX_EXAMPLES)
def test_monitoring_api_survives_generated_requests(case, bearer):
    response = case.call(headers={"Authorization": f"Bearer {bearer}"})
    # See test_api_schemathesis: ignored_auth is a false positive with an explicit bearer header, and business
    # rules legitimately refuse some schema-valid requests (an unknown region code → 400 with a Chinese reason).
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])


def test_the_fuzzed_monitoring_schema_covers_both_operations():
    operations = sorted(op.ok().label for op in schema.get_all_operations())
    assert operations == ["GET /api/v1/monitoring/index", "GET /api/v1/monitoring/indicators"]


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"region": "620702", "period": "2026-13"}, 400, "period"),
        ({"region": "620702", "period": "２０２６-09"}, 400, "period"),
        ({"region": "62070２", "period": "2026-09"}, 400, "region"),
        ({"region": "620702" * 50, "period": "2026-09"}, 400, "region"),
        ({"region": "620702", "period": ""}, 400, "period"),
        ({"region": "620702", "period": "2026-08"}, 404, None),
    ],
)
def test_index_bad_parameters_are_chinese_4xx(monitored, client_for, query, status, field):
    response = client_for(monitored.gz_admin).get("/api/v1/monitoring/index", query)
    body = response.json()
    assert response.status_code == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"])
    assert [error["field"] for error in body["errors"]] == ([field] if field else [])


@pytest.mark.parametrize("year", ["20x5", "99999", "２０２６", "-1", "0000"])
def test_indicator_year_that_is_not_a_year_is_a_400(monitored, client_for, year):
    response = client_for(monitored.gz_admin).get("/api/v1/monitoring/indicators", {"year": year})
    assert response.status_code == 400
    assert "年度" in response.json()["detail"]
