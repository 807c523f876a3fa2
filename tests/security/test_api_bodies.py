"""API bodies that are not what an operation reads: a clear Chinese 4xx, nothing saved."""

import pytest
from django.test import Client

from tests.security.test_nul_bytes import _bearer
from yingshang.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def test_a_json_array_body_is_refused_with_the_schemas_own_chinese_reason(cast):
    response = Client().post("/api/v1/appeals", "[1, 2]", content_type="application/json",
                             headers=_bearer(cast.gz_owner))
    assert response.status_code == 422
    assert "请求体应为 JSON 对象" in response.json()["detail"]
    assert Appeal.objects.count() == 0
