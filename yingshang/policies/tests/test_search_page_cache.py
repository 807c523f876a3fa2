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
