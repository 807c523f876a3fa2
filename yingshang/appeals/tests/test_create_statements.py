"""The API create path: its statements, and the audit write last, so the audit chain head (one row every audited
write of the platform locks) is held from its SELECT … FOR UPDATE to COMMIT for as short a time as possible."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingshang.accounts.services import issue_api_token


def _statements(context) -> list[str]:
    """Every statement sent, BEGIN/COMMIT and savepoints aside, reduced to its verb and table."""
    kept = []
    for query in context.captured_queries:
        sql = re.sub(
            r"^\d+ TIMES: ", "", query["sql"].strip().upper()
        )  # executemany is logged as "1 times: …"
        if sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            continue
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
        kept.append(f"{sql.split()[0]} {table.group(1) if table else ''}".lower())
    return kept


def test_api_create_ends_with_the_audit_write(cast, catalogue, client):
    key = issue_api_token(user=cast.operator, name="12345 平台")
    body = json.dumps(
        {
            "category": "009",
            "description": "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
            "region_code": "620702",
            "contact_phone": "13812345678",
        }
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client.post(
        "/api/v1/appeals", body, content_type="application/json", **auth
    )  # warm caches, token last-used
    with CaptureQueriesContext(connection) as context:
        response = client.post("/api/v1/appeals", body, content_type="application/json", **auth)
    assert response.status_code == 201
    assert (
        _statements(context)
        == [
            "select accounts_apitoken",  # the token with its user, department and regions in one query
            "insert appeals_appeal",
            "insert appeals_appealevent",
            "select core_auditchainhead",  # FOR UPDATE on PostgreSQL: from here to COMMIT every audited write waits
            "insert core_auditevent",
            "update core_auditchainhead",
        ]
    )


def test_a_json_array_or_bare_value_is_refused_as_a_body(cast, catalogue, client):
    from yingshang.appeals.models import Appeal

    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user=cast.operator, name='12345 平台')}"}
    for body in ("[]", '[{"category": "009"}]', "42", '"text"', "null"):
        for path in ("/api/v1/appeals", "/api/v1/appeals/work-orders"):
            response = client.post(path, body, content_type="application/json", **auth)
            assert response.status_code == 422, (path, body, response.status_code)
            assert response.json()["code"] == "validation_error"
            assert response.json()["detail"].startswith("请求参数有误")
    assert Appeal.objects.count() == 0
