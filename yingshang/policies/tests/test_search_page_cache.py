"""The 政策超市 search results are kept per query until a policies table is written."""

import pytest

from yingshang.policies.models import PolicyDocument, SearchEntry
from yingshang.policies.search import index_document


@pytest.mark.django_db
def test_search_results_follow_a_published_change(policy, client):
    index_document(policy)
    first = client.get("/policies/", {"q": "科技"}).content.decode()
    assert "张掖市支持科技创新若干措施（示例）" in first
    assert client.get("/policies/", {"q": "科技"}).content.decode().count("张掖市支持科技创新若干措施") == \
        first.count("张掖市支持科技创新若干措施")

    PolicyDocument.objects.filter(pk=policy.pk).update(title="张掖市支持科技创新若干措施（修订）")
    index_document(PolicyDocument.objects.get(pk=policy.pk))
    again = client.get("/policies/", {"q": "科技"}).content.decode()
    assert "（修订）" in again


@pytest.mark.django_db
def test_withdrawn_policy_leaves_the_kept_results(policy, client):
    index_document(policy)
    assert SearchEntry.objects.filter(document=policy).exists()
    assert "张掖市支持科技创新若干措施" in client.get("/policies/").content.decode()
    PolicyDocument.objects.filter(pk=policy.pk).update(status="withdrawn")
    assert "张掖市支持科技创新若干措施" not in client.get("/policies/").content.decode()


@pytest.mark.django_db
def test_an_enterprises_matches_are_kept_until_its_facts_or_the_policies_change(policy, seed_company):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yingshang.enterprises.models import Enterprise
    from yingshang.policies.models import Clause
    from yingshang.policies.selectors import kept_matches

    today = dt.date(2025, 6, 1)
    first = kept_matches(seed_company, today=today)
    assert any(m.clause.document_id == policy.pk for m in first)
    with CaptureQueriesContext(connection) as kept:
        again = kept_matches(seed_company, today=today)
    assert len(kept) == 0
    assert [(m.clause.pk, m.result.status) for m in again] == [(m.clause.pk, m.result.status) for m in first]

    Enterprise.objects.filter(pk=seed_company.pk).update(employees=seed_company.employees)  # any registry write
    with CaptureQueriesContext(connection) as recomputed:
        kept_matches(seed_company, today=today)
    assert len(recomputed) > 0

    Clause.objects.filter(document=policy).update(title="已修订的条款")
    assert all(m.clause.title == "已修订的条款" for m in kept_matches(seed_company, today=today)
               if m.clause.document_id == policy.pk)
