"""Registry pages and API: filters, constant query counts, background import with progress, error shape."""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_enterprise
from yingshang.enterprises.credit_code import generate_credit_code
from yingshang.enterprises.models import Enterprise, EnterpriseImport


def test_list_filters_by_county_and_keeps_query_count_constant(cast, client_for):
    client = client_for(cast.city_admin)
    for i in range(5):
        make_enterprise(name=f"甘州企业{i}", county_code="620702", seed=100 + i, industry_id="0511",
                        industry_section="A")
    client.get("/enterprises/")  # fills the reference-list cache
    with CaptureQueriesContext(connection) as few:
        response = client.get("/enterprises/", {"region": "620702"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "甘州企业4" in body and "临泽县绿洲肉牛" not in body
    for i in range(20):
        make_enterprise(name=f"更多企业{i}", county_code="620702", seed=200 + i, industry_id="0311",
                        industry_section="A")
    with CaptureQueriesContext(connection) as many:
        client.get("/enterprises/", {"region": "620702"})
    assert len(many) == len(few)


def test_htmx_request_returns_only_results(cast, client_for):
    response = client_for(cast.city_admin).get("/enterprises/", {"q": "丰源"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "丰源种业" in body and "<html" not in body


def test_upload_runs_as_task_and_reports_progress(cast, client_for, django_capture_on_commit_callbacks):
    code = generate_credit_code(random.Random(9), region_code="620702")
    upload = SimpleUploadedFile("e.csv", f"统一社会信用代码,企业名称\n{code},上传公司\nBAD,坏行\n".encode())
    client = client_for(cast.gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/import/", {"file": upload})
    assert response.status_code == 302
    batch = EnterpriseImport.objects.get()
    assert (batch.status, batch.created_count, batch.rejected_count) == ("done", 1, 1)
    assert batch.region.code == "620702"
    page = client.get(response.url).content.decode()
    assert "新增 <strong>1</strong>" in page and "长度不是18位" in page
    rejected = client.get(f"/enterprises/import/{batch.pk}/rejected.xlsx")
    assert rejected.status_code == 200 and rejected["Content-Type"].startswith("application/vnd.openxml")
    # Another county's administrator cannot read this batch.
    assert client_for(cast.lz_admin).get(f"/enterprises/import/{batch.pk}/").status_code == 404


def test_upload_of_wrong_type_is_a_4xx_with_message(cast, client_for):
    upload = SimpleUploadedFile("e.exe", b"MZ\x90\x00")
    response = client_for(cast.gz_admin).post("/enterprises/import/", {"file": upload})
    assert response.status_code == 400
    assert "只接受 .xlsx、.xls 或 .csv 文件" in response.content.decode()
    assert EnterpriseImport.objects.count() == 0


def test_staff_without_import_permission_gets_403(cast, client_for):
    assert client_for(cast.gz_staff).get("/enterprises/import/").status_code == 403


def test_edit_records_provenance_and_audit(cast, client_for):
    client = client_for(cast.gz_admin)
    e = cast.gz_enterprise
    data = {"name": e.name, "entity_type": "enterprise", "industry": "0511", "status": "active",
            "region": e.region_id, "employees": "120", "reason": "年报更正", "credit_class": ""}
    response = client.post(f"/enterprises/{e.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    e.refresh_from_db()
    assert e.employees == 120
    assert e.provenance["employees"]["by"] == "gz_admin"
    detail = client.get(f"/enterprises/{e.pk}/").content.decode()
    assert "年报更正" in detail
    # The provenance table names each field as the import template does.
    assert f'<td data-label="字段">从业人员</td><td data-label="来源">{cast.gz_admin.department.name}</td>' in detail


def test_provenance_row_of_a_field_outside_the_template_uses_the_model_label(cast, client_for):
    e = cast.gz_enterprise
    e.provenance["credit_class"] = {"source": "信用评价", "by": "system", "at": "2026-11-01T08:00:00"}
    e.save(update_fields=["provenance"])
    detail = client_for(cast.gz_admin).get(f"/enterprises/{e.pk}/").content.decode()
    assert '<td data-label="字段">信用等级</td><td data-label="来源">信用评价</td>' in detail


def test_api_list_detail_and_scope(cast, client_for):
    client = client_for(cast.gz_staff)
    listing = client.get("/api/v1/enterprises", {"page_size": 5}).json()
    assert listing["count"] == 1 and listing["results"][0]["credit_code"] == cast.gz_enterprise.credit_code
    detail = client.get(f"/api/v1/enterprises/{cast.gz_enterprise.pk}").json()
    assert detail["name"] == cast.gz_enterprise.name
    missing = client.get(f"/api/v1/enterprises/{cast.lz_enterprise.pk}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "未找到该记录，或您无权查看。", "code": "not_found", "errors": []}


def test_api_validation_errors_are_chinese_422(cast, client_for):
    response = client_for(cast.gz_staff).get("/api/v1/enterprises", {"page": "abc"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "page", "reason": "应为整数", "type": "int_parsing"}


def test_api_token_auth(cast, client):
    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.city_admin, name="外部系统")
    ok = client.get("/api/v1/enterprises", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200 and ok.json()["count"] == Enterprise.objects.count()
    assert client.get("/api/v1/enterprises", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_api_import_upload_and_status(cast, client_for, django_capture_on_commit_callbacks):
    code = generate_credit_code(random.Random(11), region_code="620702")
    client = client_for(cast.city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/enterprises/imports",
                               {"file": SimpleUploadedFile("a.csv", f"统一社会信用代码,企业名称\n{code},接口公司\n".encode())})
    assert response.status_code == 202
    status = client.get(f"/api/v1/enterprises/imports/{response.json()['id']}").json()
    assert (status["status"], status["created"]) == ("done", 1)


def test_api_post_without_csrf_is_refused_for_session_clients(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.city_admin)
    response = client.post("/api/v1/enterprises/imports", {"file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code in (401, 403)
    assert EnterpriseImport.objects.count() == 0


def test_export_neutralises_formulas(cast, client_for):
    import io

    from openpyxl import load_workbook

    Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(name="=HYPERLINK(\"http://x\")")
    response = client_for(cast.city_admin).get("/enterprises/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in names


def test_enterprise_user_requests_binding_and_county_verifies(cast, client_for):
    from yingshang.enterprises.models import EnterpriseMembership

    client = client_for(cast.lz_owner)
    response = client.post("/enterprises/memberships/request/",
                           {"credit_code": cast.gz_enterprise.credit_code.lower(), "position": "财务"})
    assert response.status_code == 302
    membership = EnterpriseMembership.objects.get(user=cast.lz_owner, enterprise=cast.gz_enterprise)
    assert membership.status == "pending"
    # 临泽 cannot decide on a 甘州 enterprise; 甘州 can.
    assert client_for(cast.lz_admin).post(f"/enterprises/memberships/{membership.pk}/decide/",
                                          {"decision": "approve"}).status_code == 404
    client_for(cast.gz_admin).post(f"/enterprises/memberships/{membership.pk}/decide/", {"decision": "approve"})
    membership.refresh_from_db()
    assert (membership.status, membership.verified_by) == ("verified", cast.gz_admin)


def test_binding_with_a_bad_code_explains_why(cast, client_for):
    client = client_for(cast.stranger)
    client.post("/enterprises/memberships/request/", {"credit_code": "91620702MA7412345X"})
    page = client.get("/workspace/").content.decode()
    assert "统一社会信用代码有误" in page


def test_error_pages_are_chinese(cast, client_for):
    response = client_for(cast.gz_owner).get("/enterprises/import/")
    assert response.status_code == 403 and "无权" in response.content.decode()
    assert "未找到该页面" in client_for(cast.gz_owner).get("/no-such-page/").content.decode()
