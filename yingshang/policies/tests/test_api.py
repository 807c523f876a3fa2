"""API /api/v1/policies: search, detail, matches, calculator, applications with Chinese errors."""

import pytest

from yingshang.policies import search


@pytest.fixture
def indexed(policy):
    search.index_document(policy)
    return policy


def test_search_is_public_with_facets(client, indexed):
    body = client.get("/api/v1/policies", {"q": "贴息"}).json()
    assert body["total"] == 1
    assert body["hits"][0]["title"] == "制种企业贷款贴息"
    assert "<mark>贷款贴息</mark>" in body["hits"][0]["snippet_html"]
    assert body["facets"]["delivery_mode"] == [{"value": "automatic", "label": "免申即享", "count": 1}]


def test_document_detail_lists_confirmed_clauses(client, policy):
    body = client.get(f"/api/v1/policies/documents/{policy.pk}").json()
    assert [c["title"] for c in body["clauses"]] == [
        "高新技术企业认定奖励",
        "研发费用补助",
        "制种企业贷款贴息",
    ]
    assert body["clauses"][1]["benefits"][0]["cap_yuan"] == 500000


def test_matches_for_own_enterprise_and_404_for_others(client_for, cast, policy, seed_company):
    owner = client_for(cast.gz_owner)
    body = owner.get(f"/api/v1/policies/enterprises/{seed_company.pk}/matches").json()
    assert [(m["clause_title"], m["status"]) for m in body] == [
        ("制种企业贷款贴息", "met"),
        ("高新技术企业认定奖励", "met"),
        ("研发费用补助", "unknown"),
    ]
    assert body[2]["hints"] == ["补充研发费用占比可确认"]
    assert owner.get(f"/api/v1/policies/enterprises/{cast.lz_enterprise.pk}/matches").status_code == 404


def test_calculator_without_account(client, policy):
    response = client.post(
        "/api/v1/policies/calculator",
        {
            "qualifications": ["hnte"],
            "size": "small",
            "rd_ratio": 5,
            "not_dishonest": True,
            "include_unknown": False,
        },
        content_type="application/json",
    )
    assert [m["clause_title"] for m in response.json()] == ["研发费用补助", "高新技术企业认定奖励"]


def test_application_duplicate_gives_409_in_chinese(client_for, cast, policy, seed_company):
    owner = client_for(cast.gz_owner)
    clause = policy.clauses.get(position=1)
    payload = {
        "enterprise_id": seed_company.pk,
        "clause_id": clause.pk,
        "commitment": False,
        "missing_materials": ["高新技术企业证书", "营业执照"],
        "promised_on": "2099-01-01",
    }
    too_late = owner.post("/api/v1/policies/applications", payload, content_type="application/json")
    assert too_late.status_code == 400
    assert too_late.json()["detail"] == "容缺受理需填写承诺补齐日期（今天起 90 天内）。"
    import datetime as dt

    from django.utils import timezone

    payload["promised_on"] = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    created = owner.post("/api/v1/policies/applications", payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["missing_materials"] == ["高新技术企业证书", "营业执照"]
    again = owner.post("/api/v1/policies/applications", payload, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    listed = owner.get("/api/v1/policies/applications").json()
    assert listed["count"] == 1
    assert (
        client_for(cast.lz_owner).get(f"/api/v1/policies/applications/{created.json()['id']}").status_code
        == 404
    )
