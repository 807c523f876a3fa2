"""Hostile input to the appeal API (/api/v1/appeals, schemathesis from the OpenAPI document) and to Open311
GeoReport v2 (/open311/v2/, which has no OpenAPI document: hypothesis draws the standard's parameters from
hostile values). No 5xx; API bodies match their schema; Open311 errors keep the standard's shape."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from config.wsgi import application
from tests.fuzz.schemathesis_support import fuzz_settings

MAX_EXAMPLES = 25
pytestmark = pytest.mark.usefixtures("wsgi_keeps_test_connection")

# The API paths this module fuzzes (test_fuzz_coverage: every path of the API falls under some module's).
FUZZED_PATHS = r"^/api/v1/appeals"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=FUZZED_PATHS)
FUZZ_SETTINGS = fuzz_settings(MAX_EXAMPLES)


@pytest.fixture
def operator_bearer(cast):
    """The 12345 operator may file, push work orders, dispatch and see every appeal: the widest surface."""
    from yingshang.accounts.services import issue_api_token
    from yingshang.appeals.selectors import clear_catalogue
    from yingshang.appeals.services import load_appeal_catalogue

    load_appeal_catalogue()
    clear_catalogue()
    return issue_api_token(user=cast.operator, name="fuzz")


@schema.parametrize()
@FUZZ_SETTINGS
def test_appeal_api_survives_generated_requests(case, operator_bearer):
    response = case.call(headers={"Authorization": f"Bearer {operator_bearer}"})
    # See test_api_schemathesis.py for why these two checks are left out.
    case.validate_response(response, excluded_checks=[ignored_auth, positive_data_acceptance])


def test_the_fuzzed_appeal_schema_covers_every_operation():
    operations = {op.ok().label for op in schema.get_all_operations()}
    assert operations == {
        "GET /api/v1/appeals",
        "POST /api/v1/appeals",
        "POST /api/v1/appeals/work-orders",
        "GET /api/v1/appeals/{appeal_id}",
        "POST /api/v1/appeals/{appeal_id}/transitions",
    }


# -- Open311 ------------------------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "009",
        "NaN",
        "nan",
        "Infinity",
        "-Infinity",
        "1e999999",
        "-1e999999",
        "1E+10",
        "99999999999999999999999",
        "0x1F",
        "1_000",
        "٣",
        "１２",
        "\x00",
        "a\x00b",
        "<b>粗体</b>",
        "'; DROP TABLE x;--",
        '=HYPERLINK("http://x")',
        "2025-13-45",
        "2025-11-26T10:00:00",
        "2025-11-26T10:00:00+08:00",
        "9999-12-31",
        "open",
        "closed",
        "open,closed",
        "true",
        "false",
        "SQ0",
        "../../etc/passwd",
        "😀" * 3,
        "企" * 5000,
        "government",
        "urgent",
        "enterprise",
        "-0",
        "00000000000000000000000000000001",
    ]
) | st.text(max_size=30)
POST_FIELDS = (
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "first_name",
    "last_name",
    "phone",
    "email",
    "media_url",
    "jurisdiction_id",
    "attribute[amount_10k]",
    "attribute[debtor_type]",
    "attribute[urgency]",
    "attribute[requester_type]",
    "attribute[policy_clause_id]",
    "attribute[credit_code]",
    "attribute[enterprise_name]",
)
GET_FIELDS = (
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "extensions",
    "jurisdiction_id",
)


def _assert_open311_shape(response, fmt: str) -> None:
    assert response.status_code < 500, response.content[:300]
    if fmt == "json":
        body = json.loads(response.content)
        if response.status_code >= 400:
            assert isinstance(body, list) and body and {"code", "description"} <= set(body[0])
            assert body[0]["code"] == response.status_code
    else:
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


@pytest.fixture
def open311_key(db):
    from yingshang.appeals.selectors import clear_catalogue
    from yingshang.appeals.services import issue_open311_key, load_appeal_catalogue

    load_appeal_catalogue()
    clear_catalogue()
    return issue_open311_key(name="fuzz")


@given(
    fields=st.dictionaries(st.sampled_from(POST_FIELDS), HOSTILE, max_size=8),
    fmt=st.sampled_from(["json", "xml"]),
    base=st.sampled_from(["009", "006", "002"]),
)
@FUZZ_SETTINGS
def test_open311_post_survives_hostile_parameters(client, open311_key, fields, fmt, base):
    from yingshang.appeals.models import Appeal

    before = Appeal.objects.count()
    data = {
        "service_code": base,
        "description": "厂区门口道路施工三个月未完工，货车无法进出。",
        "address_string": "甘州区北环路",
        "attribute[amount_10k]": "12",
        "attribute[debtor_type]": "private",
        **fields,
        "api_key": open311_key,
    }
    data = {key: value.replace("\x00", "") if key == "api_key" else value for key, value in data.items()}
    response = client.post(f"/open311/v2/requests.{fmt}", data)
    _assert_open311_shape(response, fmt)
    assert Appeal.objects.count() == before + (1 if response.status_code == 200 else 0)


@given(
    fields=st.dictionaries(st.sampled_from(GET_FIELDS), HOSTILE, max_size=5),
    fmt=st.sampled_from(["json", "xml"]),
)
@FUZZ_SETTINGS
def test_open311_get_survives_hostile_filters(client, open311_key, fields, fmt):
    _assert_open311_shape(client.get(f"/open311/v2/requests.{fmt}", fields), fmt)


@given(
    value=HOSTILE,
    fmt=st.sampled_from(["json", "xml"]),
    kind=st.sampled_from(["requests", "tokens", "services"]),
)
@FUZZ_SETTINGS
def test_open311_resources_by_id_survive_hostile_ids(client, open311_key, value, fmt, kind):
    from urllib.parse import quote

    response = client.get(f"/open311/v2/{kind}/{quote(value or 'x', safe='')}.{fmt}")
    assert response.status_code in (200, 400, 404), response.content[:300]


# -- regressions found by probing the number fields (each was a 500) ------------------------------------------


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-5", "0", "1.5", "1e999999", "99999999999999999999"])
def test_open311_policy_clause_id_that_is_no_id_is_a_400(client, open311_key, value):
    from yingshang.appeals.models import Appeal

    response = client.post(
        "/open311/v2/requests.json",
        {
            "service_code": "002",
            "description": "政策兑现资金迟迟没有到账，请尽快处理。",
            "address_string": "甘州区",
            "attribute[policy_clause_id]": value,
            "api_key": open311_key,
        },
    )
    assert response.status_code == 400 and response.json()[0]["code"] == 400
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize("lat", ["NaN", "Infinity", "1e999999"])
def test_open311_coordinate_that_is_no_number_is_a_400(client, open311_key, lat):
    from yingshang.appeals.models import Appeal

    response = client.post(
        "/open311/v2/requests.json",
        {
            "service_code": "009",
            "description": "厂区门口道路施工三个月未完工，货车无法进出。",
            "lat": lat,
            "long": "100.4",
            "api_key": open311_key,
        },
    )
    assert (response.status_code, response.json()[0]["description"]) == (400, "纬度超出范围（-90 到 90）。")
    assert Appeal.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            '{"category": "009", "description": "厂区门口道路施工三个月未完工。", "lat": NaN, "long": 100}',
            "lat",
        ),
        (
            '{"category": "009", "description": "厂区门口道路施工三个月未完工。", "policy_clause_id": 99999999999999}',
            "policy_clause_id",
        ),
        (
            '{"category": "009", "description": "厂区门口道路施工三个月未完工。", "enterprise_id": 99999999999999999}',
            "enterprise_id",
        ),
    ],
)
def test_api_numbers_out_of_range_are_a_4xx(client, operator_bearer, body, field):
    from yingshang.appeals.models import Appeal

    response = client.post(
        "/api/v1/appeals",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {operator_bearer}",
    )
    assert response.status_code in (400, 422), response.content
    assert field in json.dumps(response.json()["errors"]) and Appeal.objects.count() == 0
