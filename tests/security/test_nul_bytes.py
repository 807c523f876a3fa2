"""A NUL byte never reaches a view or the database (PostgreSQL refuses it in text): 400 with a Chinese message, for
query strings, URL-encoded and multipart forms and JSON bodies (raw or escaped), while a JSON text that merely
contains a backslash before "u0000" and files containing NUL bytes pass through."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingshang.accounts.services import issue_api_token
from yingshang.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_api_token(user=user, name='nul')}"}


@pytest.mark.parametrize("body", [
    '{"category": "x", "title": "含\\u0000的标题", "description": "d"}',
    '{"category": "x", "title": "含\\U0000", "description": "d"}'.replace("\\U0000", "\\u0000"),
    '{"category": "x", "title": "t", "description": "多个\\\\\\u0000"}',  # \\ then an escaped NUL
])
def test_escaped_nul_in_a_json_body_is_refused_before_the_view(cast, body):
    response = Client().post("/api/v1/appeals", body, content_type="application/json", headers=_bearer(cast.gz_owner))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert "NUL" in response.json()["detail"]
    assert Appeal.objects.count() == 0


def test_raw_nul_in_a_json_body_is_refused(cast):
    body = json.dumps({"title": "t"}).encode().replace(b'"t"', b'"t\x00"')
    response = Client().post("/api/v1/appeals", body, content_type="application/json; charset=utf-8",
                             headers=_bearer(cast.gz_owner))
    assert (response.status_code, response.json()["code"]) == (400, "invalid_characters")


def test_a_backslash_before_u0000_is_ordinary_text_and_is_saved(cast):
    from yingshang.appeals.models import AppealCategory
    from yingshang.appeals.services import load_appeal_catalogue

    load_appeal_catalogue()
    category = AppealCategory.objects.order_by("code").values_list("code", flat=True).first()
    text = "文件路径写成 C:\\u0000 了，请核实办理材料的上传说明。"  # a backslash, then the letters u0000
    body = json.dumps({"category": category, "title": "上传说明有误", "description": text,
                       "enterprise_id": cast.gz_enterprise.pk, "client_key": "nul-text-1"}, ensure_ascii=False)
    assert "\\\\u0000" in body  # JSON escapes the backslash: not a NUL escape
    response = Client().post("/api/v1/appeals", body, content_type="application/json", headers=_bearer(cast.gz_owner))
    assert response.status_code == 201, response.content.decode()
    assert Appeal.objects.get().description == text


def test_nul_in_a_multipart_text_field_is_refused_but_a_file_with_nul_bytes_is_not_judged(cast, client_for):
    client = client_for(cast.gz_owner)
    refused = client.post("/appeals/new/", {"title": "标题\x00", "description": "内容",
                                           "attachment": SimpleUploadedFile("a.txt", b"ok")})
    assert refused.status_code == 400
    assert "NUL" in refused.content.decode()
    passed = client.post("/appeals/new/", {"title": "", "attachment": SimpleUploadedFile("b.bin", b"\x00\x01")})
    assert passed.status_code != 500
    assert "NUL" not in passed.content.decode()
    assert Appeal.objects.count() == 0


def test_multipart_sent_to_a_json_operation_is_a_4xx_not_a_500(cast):
    response = Client().post("/api/v1/policies/calculator", {"q": "种业", "f": SimpleUploadedFile("x.txt", b"x")})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(("path", "parse"), [
    ("/open311/v2/requests.json", lambda r: r.json()[0]),
    ("/open311/v2/requests.xml", lambda r: {"code": int(r.content.split(b"<code>")[1].split(b"<")[0]),
                                           "description": r.content.decode().split("<description>")[1]}),
])
def test_open311_gets_its_own_error_format_for_a_nul_byte(db, path, parse):
    response = Client().post(path, {"service_code": "x", "description": "含\x00"})
    assert response.status_code == 400
    error = parse(response)
    assert error["code"] == 400 and "NUL" in error["description"]

