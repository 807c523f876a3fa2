"""The appeal API: the shared error shape, scope, transitions and the 12345 push."""

import json

from yingshang.accounts.services import issue_api_token
from yingshang.appeals.models import Appeal

BODY = {
    "category": "009",
    "description": "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
    "contact_name": "王经理",
    "contact_phone": "13812345678",
}


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_create_then_repeat_with_the_same_client_key(cast, catalogue, client_for):
    client = client_for(cast.gz_owner)
    first = post(
        client, "/api/v1/appeals", {**BODY, "enterprise_id": cast.gz_enterprise.pk, "client_key": "a1"}
    )
    assert first.status_code == 201
    data = first.json()
    assert (data["status"], data["category"], data["channel"], data["contact_phone"]) == (
        "received",
        "009",
        "api",
        "13812345678",
    )
    assert data["region_code"] == cast.gz_enterprise.region.code  # the enterprise's region, none given
    again = post(client, "/api/v1/appeals", {**BODY, "client_key": "a1"})
    assert (
        again.status_code == 200 and again.json()["id"] == data["id"] and again.json()["repeated_submission"]
    )
    assert again.json() == {**data, "repeated_submission": True}  # the first filing, read back whole
    assert Appeal.objects.count() == 1


def test_bad_input_gives_the_shared_error_shape(cast, catalogue, client_for):
    client = client_for(cast.gz_owner)
    cases = [
        ({**BODY, "category": "999"}, 400, "诉求类别“999”不存在或已停用。", "category"),
        (
            {**BODY, "enterprise_id": cast.lz_enterprise.pk},
            400,
            "企业不存在，或您不能以该企业名义提交。",
            "enterprise_id",
        ),
        ({**BODY, "description": "  "}, 400, "诉求内容不能为空，至少 10 个字。", "description"),
        (
            {**BODY, "description": "长" * 4001},
            400,
            "诉求内容过长（4001 字），不超过 4000 字。",
            "description",
        ),
    ]
    for body, status, detail, field in cases:
        response = post(client, "/api/v1/appeals", body)
        assert response.status_code == status
        assert response.json() == {
            "detail": detail,
            "code": response.json()["code"],
            "errors": [{"field": field, "reason": detail}],
        }
    missing = post(client, "/api/v1/appeals", {"category": "009"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "description"
    assert Appeal.objects.count() == 0


def test_inspector_cannot_file(cast, catalogue, client_for):
    response = post(client_for(cast.inspector), "/api/v1/appeals", BODY)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_list_is_scoped_and_detail_masks_contact(cast, catalogue, client_for):
    post(client_for(cast.gz_owner), "/api/v1/appeals", {**BODY, "enterprise_id": cast.gz_enterprise.pk})
    assert client_for(cast.lz_owner).get("/api/v1/appeals").json()["count"] == 0
    listing = client_for(cast.gz_admin).get("/api/v1/appeals").json()
    assert listing["count"] == 1 and listing["results"][0]["contact_phone"] == "138****5678"
    appeal_id = listing["results"][0]["id"]
    detail = client_for(cast.operator).get(f"/api/v1/appeals/{appeal_id}").json()
    assert detail["contact_phone"] == "13812345678" and "dispatch" in detail["allowed_actions"]
    assert [e["action"] for e in detail["events"]] == ["receive"]
    assert client_for(cast.lz_admin).get(f"/api/v1/appeals/{appeal_id}").status_code == 404


def test_transitions_through_the_api(cast, catalogue, client_for):
    appeal_id = post(client_for(cast.gz_owner), "/api/v1/appeals", BODY).json()["id"]
    url = f"/api/v1/appeals/{appeal_id}/transitions"
    assert (
        post(client_for(cast.gz_staff), url, {"action": "sign"}).status_code == 404
    )  # not dispatched to it yet
    wrong = post(client_for(cast.gz_owner), url, {"action": "rate", "level": 5, "resolution": "resolved"})
    assert (
        wrong.status_code == 409
        and wrong.json()["detail"] == "当前状态为“已受理（待派单）”，不能执行“评价”。"
    )
    ok = post(
        client_for(cast.operator), url, {"action": "dispatch", "department_id": cast.gz_staff.department_id}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "dispatched"
    assert post(client_for(cast.lz_staff), url, {"action": "sign"}).status_code == 404
    assert post(client_for(cast.gz_staff), url, {"action": "sign"}).json()["status"] == "signed"
    unknown = post(client_for(cast.gz_staff), url, {"action": "teleport"})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "未知的操作。"


def test_12345_push_with_token_and_duplicate_work_order(cast, catalogue, client):
    key = issue_api_token(user=cast.operator, name="12345 平台")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {**BODY, "external_id": "12345-20251126-0001", "region_code": "620723"}
    first = post(client, "/api/v1/appeals/work-orders", body, **auth)
    assert first.status_code == 201 and first.json()["channel"] == "hotline_12345"
    again = post(client, "/api/v1/appeals/work-orders", body, **auth)
    assert (
        again.status_code == 409
        and again.json()["detail"] == "工单号 12345-20251126-0001 已导入过，不再重复受理。"
    )
    assert post(client, "/api/v1/appeals/work-orders", body).status_code == 401


def test_list_pages_and_shows_members_the_contact_of_their_enterprise(cast, make_appeal, client_for):
    """Appeals of the enterprise filed by the 12345 operator: its verified member sees the contact (read once for
    the whole list), the county office sees it masked; paging clamps as everywhere; an empty list costs no page
    query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        make_appeal(by=cast.operator, channel="hotline_12345", text=f"第 {i} 件：新厂房申请用电报装一直没有接电。")
    owner = client_for(cast.gz_owner)
    listing = owner.get("/api/v1/appeals?page_size=2").json()
    assert (listing["count"], listing["pages"], len(listing["results"])) == (3, 2, 2)
    assert {(r["contact_name"], r["contact_phone"]) for r in listing["results"]} == {("王经理", "13812345678")}
    county = client_for(cast.gz_admin).get("/api/v1/appeals").json()["results"]
    assert {(r["contact_name"], r["contact_phone"]) for r in county} == {("王**", "138****5678")}
    assert owner.get("/api/v1/appeals?page=2&page_size=2").json()["results"][0]["id"] == min(
        r["id"] for r in county
    )
    past = owner.get("/api/v1/appeals?page=9&page_size=2").json()
    assert (past["page"], past["count"], past["results"]) == (3, 3, [])
    assert owner.get("/api/v1/appeals?page_size=1000").json()["page_size"] == 100
    stranger = client_for(cast.lz_owner)
    with CaptureQueriesContext(connection) as queries:
        empty = stranger.get("/api/v1/appeals?page=0").json()
    assert empty == {"page": 1, "page_size": 20, "count": 0, "pages": 1, "results": []}
    assert [q for q in queries.captured_queries if 'SELECT "appeals_appeal"."id"' in q["sql"]] == []
