"""API tokens (接口令牌): the one-query lookup loads the same user and scope as the ORM, and a revoked token, a
deactivated user or a changed role or scope takes effect on the very next request — in this process and, checked
with two separate interpreters on one database, in another one."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.security.test_production_settings import ROOT, _production_env

APPEAL = {"category": "009", "description": "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
          "region_code": "620702", "contact_phone": "13812345678"}


@pytest.fixture
def catalogue(db):
    from yingshang.appeals.services import load_appeal_catalogue

    load_appeal_catalogue()


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _enterprise_names(key: str) -> set[str]:
    response = Client().get("/api/v1/enterprises", headers=_bearer(key))
    assert response.status_code == 200, response.content[:300]
    return {row["name"] for row in response.json()["results"]}


def test_the_lookup_loads_the_user_and_scope_the_orm_loads_and_nothing_more_is_queried(cast):
    from yingshang.accounts.models import User
    from yingshang.accounts.services import issue_api_token
    from yingshang.accounts.tokens import user_for_key

    for name in ("gz_admin", "operator", "leader", "gz_owner"):  # region + department, department only, neither
        key = issue_api_token(user=cast[name], name="client")
        expected = User.objects.select_related("region", "department__region").get(pk=cast[name].pk)
        with CaptureQueriesContext(connection) as queries:
            user = user_for_key(key, now=timezone.now())
            assert user is not None
            # Everything a scope check reads is loaded: touching it sends no further query.
            scope = (user.region, user.department, user.department and user.department.region, user.scope_region)
        assert len([q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]) == 1
        assert {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields}
        assert scope == (expected.region, expected.department, expected.department and expected.department.region,
                         expected.scope_region)
        if user.department is not None:
            assert user.department.path == expected.department.path
            assert user.department.region.code == expected.department.region.code
        assert user._state.adding is False and user._state.db == "default"


def test_a_bulk_revocation_is_refused_on_the_next_request(cast, catalogue):
    from yingshang.accounts.models import ApiToken
    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.operator, name="12345 系统")
    client = Client()
    assert client.post("/api/v1/appeals", APPEAL, content_type="application/json",
                       headers=_bearer(key)).status_code == 201
    ApiToken.objects.filter(user=cast.operator).update(revoked_at=timezone.now())  # no service, no cache to bump
    response = client.post("/api/v1/appeals", APPEAL, content_type="application/json", headers=_bearer(key))
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效。", "code": "unauthenticated", "errors": []}


def test_a_deactivated_user_is_refused_on_the_next_request(cast):
    from yingshang.accounts.models import User
    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.gz_admin, name="client")
    assert Client().get("/api/v1/enterprises", headers=_bearer(key)).status_code == 200
    User.objects.filter(pk=cast.gz_admin.pk).update(is_active=False)
    assert Client().get("/api/v1/enterprises", headers=_bearer(key)).status_code == 401


def test_a_role_change_applies_on_the_next_request(cast, catalogue):
    from yingshang.accounts.models import User
    from yingshang.accounts.roles import Role
    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.operator, name="12345 系统")
    assert Client().post("/api/v1/appeals", APPEAL, content_type="application/json",
                         headers=_bearer(key)).status_code == 201
    User.objects.filter(pk=cast.operator.pk).update(role=Role.LEADER)  # read-only: may not file appeals
    response = Client().post("/api/v1/appeals", APPEAL, content_type="application/json", headers=_bearer(key))
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有提交诉求的权限。"


def test_moving_a_county_administrator_moves_the_data_scope_on_the_next_request(cast):
    from yingshang.accounts.models import User
    from yingshang.accounts.services import issue_api_token
    from yingshang.core.models import Department, Region

    key = issue_api_token(user=cast.gz_admin, name="client")
    assert _enterprise_names(key) == {cast.gz_enterprise.name}
    linze = Region.objects.get(code="620723")
    User.objects.filter(pk=cast.gz_admin.pk).update(
        region=linze, department=Department.objects.get(function_key="business_env", region=linze))
    assert _enterprise_names(key) == {cast.lz_enterprise.name}


def test_last_used_is_written_at_most_once_a_minute(cast):
    from yingshang.accounts.models import ApiToken
    from yingshang.accounts.services import issue_api_token
    from yingshang.accounts.tokens import user_for_key

    key = issue_api_token(user=cast.operator, name="client")
    now = timezone.now()

    def updates_when_used_at(at: dt.datetime) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert user_for_key(key, now=at) is not None
        return len([q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")])

    assert updates_when_used_at(now) == 1
    assert ApiToken.objects.get(user=cast.operator).last_used_at == now
    assert updates_when_used_at(now + dt.timedelta(seconds=59)) == 0
    assert updates_when_used_at(now + dt.timedelta(seconds=61)) == 1
    assert ApiToken.objects.get(user=cast.operator).last_used_at == now + dt.timedelta(seconds=61)


@pytest.mark.parametrize("header", ["Bearer guessed", "Bearer " + "x" * 5000, "Bearer 令牌", "Token abc", "Bearer"])
def test_a_wrong_or_malformed_key_is_401_with_the_chinese_message(cast, header):
    response = Client().get("/api/v1/enterprises", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效。"


# -- two interpreters on one database ---------------------------------------------------------------------------

SETUP = r"""
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from yingshang.accounts.models import User
from yingshang.accounts.roles import Role
from yingshang.accounts.services import issue_api_token
user = User.objects.create_user(username="client_system", password=None, role=Role.CITY_ADMIN)
print(json.dumps({"first": issue_api_token(user=user, name="first"), "second": issue_api_token(user=user, name="second")}))
"""

# The serving process: keeps its interpreter (and whatever it may have kept in memory) between requests.
SERVER = r"""
import django, sys
django.setup()
from django.test import Client
client = Client(HTTP_HOST="yingshang.zhangye.gov.cn")
for line in sys.stdin:
    key = line.strip()
    response = client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {key}"}, secure=True)
    print(response.status_code, flush=True)
"""

CHANGE = r"""
import django, sys
django.setup()
from django.utils import timezone
from yingshang.accounts.models import ApiToken, User
if sys.argv[1] == "revoke":
    ApiToken.objects.filter(name="first").update(revoked_at=timezone.now())
else:
    User.objects.filter(username="client_system").update(is_active=False)
"""


def _python(code: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_revocation_and_deactivation_in_one_process_are_refused_at_once_in_another(tmp_path):
    # Each process keeps its own memory cache: nothing is shared between the two but the database.
    env = _production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}", CACHE_URL="memory")
    keys = json.loads(_python(SETUP, env).strip().splitlines()[-1])
    server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stdin is not None and server.stdout is not None

    def status(key: str) -> int:
        server.stdin.write(key + "\n")
        server.stdin.flush()
        line = server.stdout.readline()
        assert line, server.stderr.read()[-3000:] if server.stderr else ""
        return int(line)

    try:
        assert status(keys["first"]) == 200
        assert status(keys["first"]) == 200
        _python(CHANGE, env, "revoke")
        assert status(keys["first"]) == 401
        assert status(keys["second"]) == 200
        _python(CHANGE, env, "deactivate")
        assert status(keys["second"]) == 401
    finally:
        server.stdin.close()
        server.wait(timeout=60)
