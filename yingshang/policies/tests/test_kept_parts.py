"""Parts of 我的政策, the matches API and the search API kept for many viewers: what is shared and what is not."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yingshang.core import dataversions
from yingshang.enterprises.choices import MembershipStatus
from yingshang.enterprises.models import EnterpriseMembership, Industry, QualificationType
from yingshang.policies import search, selectors
from yingshang.policies.models import (
    Benefit,
    Clause,
    EnterpriseDeclaration,
    GuideAssignment,
    PolicyApplication,
    PolicyDocument,
)
from yingshang.policies.tests.conftest import NOW

TODAY = dt.date(2025, 6, 1)


def test_the_catalogue_key_covers_every_table_the_catalogue_reads():
    from yingshang.core.models import Region

    read = dataversions.model_tables(Clause, Benefit, PolicyDocument, Industry, QualificationType, Region)
    assert set(read) <= set(selectors._match_tables())


@pytest.mark.django_db
def test_a_second_enterprise_reads_the_catalogue_kept_by_the_first(cast, policy, seed_company):
    selectors.kept_matches(seed_company, today=TODAY)
    with CaptureQueriesContext(connection) as second:
        other = selectors.kept_matches(cast.lz_enterprise, today=TODAY)
    tables = " ".join(query["sql"] for query in second.captured_queries)
    assert "policies_clause" not in tables and "policies_benefit" not in tables
    assert "enterprises_enterprisequalification" in tables  # its own facts are read
    mine = {m.clause.pk: m.result.status for m in selectors.kept_matches(seed_company, today=TODAY)}
    theirs = {m.clause.pk: m.result.status for m in other}
    award = Clause.objects.get(document=policy, title="高新技术企业认定奖励").pk
    assert mine[award] == "met" and award not in theirs  # only gz_enterprise holds 高新技术企业


@pytest.mark.django_db
def test_the_kept_catalogue_follows_a_clause_change(cast, policy, seed_company):
    selectors.kept_matches(seed_company, today=TODAY)
    Clause.objects.filter(document=policy, title="高新技术企业认定奖励").update(title="高新技术企业奖励（修订）")
    titles = {m.clause.title for m in selectors.kept_matches(cast.lz_enterprise, today=TODAY)} | {
        m.clause.title for m in selectors.kept_matches(seed_company, today=TODAY)
    }
    assert "高新技术企业奖励（修订）" in titles and "高新技术企业认定奖励" not in titles


@pytest.mark.django_db
def test_my_policies_page_reads_a_constant_number_of_queries(
    client_for, cast, policy, seed_company, django_assert_max_num_queries
):
    owner, other = client_for(cast.gz_owner), client_for(cast.lz_owner)
    dataversions.bump(["policies_policyapplication"])
    with django_assert_max_num_queries(13):  # nothing kept: the catalogue, the names and the matches
        assert owner.get(reverse("policies:mine")).status_code == 200
    with django_assert_max_num_queries(7):  # the catalogue kept: only this enterprise's own rows
        assert other.get(reverse("policies:mine")).status_code == 200


@pytest.mark.django_db
def test_my_policies_page_links_the_application_and_names_the_guide(client_for, cast, policy, seed_company):
    award = Clause.objects.get(document=policy, title="高新技术企业认定奖励")
    application = PolicyApplication.objects.create(
        enterprise=seed_company, clause=award, status="submitted", tracking_number="ZC-T-1", submitted_at=NOW,
        year=2025,
    )
    GuideAssignment.objects.create(enterprise=seed_company, guide=cast.city_staff, assigned_at=NOW)
    html = client_for(cast.gz_owner).get(reverse("policies:mine")).content.decode()
    assert html.count(f'href="/policies/applications/{application.pk}/"') == 1
    assert f"<strong>{cast.city_staff.full_name or cast.city_staff.username}</strong>（{cast.city_staff.department.name}）" in html
    other = client_for(cast.lz_owner).get(reverse("policies:mine")).content.decode()
    assert f"/policies/applications/{application.pk}/" not in other and "金牌导办员" not in other


@pytest.mark.django_db
def test_my_policies_switches_only_between_own_enterprises(client_for, cast, policy, seed_company):
    EnterpriseMembership.objects.create(
        user=cast.gz_owner, enterprise=cast.lz_enterprise, status=MembershipStatus.VERIFIED
    )
    client = client_for(cast.gz_owner)
    html = client.get(reverse("policies:mine")).content.decode()
    first, second = sorted([seed_company.pk, cast.lz_enterprise.pk], reverse=True)
    assert f'切换：<a href="?enterprise={first}">' in html and f'<a href="?enterprise={second}">' in html
    assert client.get(reverse("policies:mine"), {"enterprise": cast.lz_enterprise.pk}).status_code == 200
    stranger = client_for(cast.lz_owner)
    assert stranger.get(reverse("policies:mine"), {"enterprise": seed_company.pk}).status_code == 404


@pytest.mark.django_db
def test_the_declaration_form_shows_each_enterprise_its_own_figures(client_for, cast, policy, seed_company):
    EnterpriseDeclaration.objects.create(enterprise=seed_company, rd_ratio=4, tax_paid_10k=12.5)
    mine = client_for(cast.gz_owner).get(reverse("policies:mine")).content.decode()
    assert 'name="rd_ratio" value="4.00"' in mine and 'name="tax_paid_10k" value="12.50"' in mine
    theirs = client_for(cast.lz_owner).get(reverse("policies:mine")).content.decode()
    assert 'value="4.00"' not in theirs and 'value="12.50"' not in theirs
    assert 'name="rd_ratio" min="0"' in theirs


@pytest.mark.django_db
def test_kept_matches_are_not_shown_to_viewers_out_of_scope(client_for, cast, policy, seed_company):
    url = f"/api/v1/policies/enterprises/{seed_company.pk}/matches"
    owner = client_for(cast.gz_owner).get(url)
    assert owner.status_code == 200 and owner.json()
    assert client_for(cast.lz_owner).get(url).status_code == 404
    assert client_for(cast.lz_admin).get(url).status_code == 404
    assert client_for(cast.operator).get(url).status_code == 403  # in scope, but no policy work
    assert client_for(cast.gz_admin).get(url).json() == owner.json()


@pytest.mark.django_db
def test_the_search_api_is_the_same_for_every_caller_and_follows_changes(client, client_for, cast, policy):
    search.index_document(policy)
    visitor = client.get("/api/v1/policies", {"q": "贴息"}).json()
    assert visitor["hits"][0]["document_title"] == "张掖市支持科技创新若干措施（示例）"
    assert client_for(cast.gz_owner).get("/api/v1/policies", {"q": "贴息"}).json() == visitor

    PolicyDocument.objects.filter(pk=policy.pk).update(title="张掖市支持科技创新若干措施（修订）")
    search.index_document(PolicyDocument.objects.get(pk=policy.pk))
    again = client.get("/api/v1/policies", {"q": "贴息"}).json()
    assert again["hits"][0]["document_title"] == "张掖市支持科技创新若干措施（修订）"

    PolicyDocument.objects.filter(pk=policy.pk).update(status="withdrawn")
    assert client.get("/api/v1/policies", {"q": "贴息"}).json()["total"] == 0


@pytest.mark.django_db
def test_the_document_page_is_kept_for_every_reader_but_its_manage_link_and_access(client, client_for, cast,
                                                                                 policy):
    url = reverse("policies:document", args=[policy.pk])
    manage = reverse("policies:manage_document", args=[policy.pk])
    visitor = client.get(url).content.decode()
    assert "高新技术企业认定奖励" in visitor and manage not in visitor
    with CaptureQueriesContext(connection) as kept:
        assert "高新技术企业认定奖励" in client.get(url).content.decode()
    assert not any("policies_clause" in q["sql"] for q in kept.captured_queries)  # the body came from the cache
    assert manage in client_for(cast.city_staff).get(url).content.decode()  # the drafting department's staff
    assert manage not in client_for(cast.gz_owner).get(url).content.decode()

    Clause.objects.filter(document=policy, title="高新技术企业认定奖励").update(title="高新技术企业奖励（修订）")
    again = client.get(url).content.decode()
    assert "高新技术企业奖励（修订）" in again and "高新技术企业认定奖励" not in again

    PolicyDocument.objects.filter(pk=policy.pk).update(status="withdrawn")
    assert client.get(url).status_code == 404  # access is checked on every request, never kept


@pytest.mark.django_db
def test_the_clause_page_keeps_the_reading_and_tells_each_enterprise_its_own_result(client_for, cast, policy,
                                                                                  seed_company):
    award = Clause.objects.get(document=policy, title="高新技术企业认定奖励")
    url = reverse("policies:clause", args=[award.pk])
    mine = client_for(cast.gz_owner).get(url).content.decode()
    theirs = client_for(cast.lz_owner).get(url).content.decode()
    assert seed_company.name in mine and "符合条件" in mine  # gz_enterprise holds 高新技术企业
    assert cast.lz_enterprise.name in theirs and "暂不符合" in theirs and seed_company.name not in theirs
    Clause.objects.filter(pk=award.pk).update(text="修订后的条款原文：奖励 30 万元。")
    assert "修订后的条款原文" in client_for(cast.lz_owner).get(url).content.decode()
