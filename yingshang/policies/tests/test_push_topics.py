"""Push by topic (推送偏好·关注内容): SMS/e-mail only for matches in the chosen topics and support types (empty =
everything), in-app notices always; chosen on the page /policies/mine/push/ or by PUT; audited; never twice."""

import pytest
from django.urls import reverse

from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import AuditEvent, Notification
from yingshang.policies import services
from yingshang.policies.models import PushDelivery, PushPreference
from yingshang.policies.tests.conftest import NOW

pytestmark = pytest.mark.django_db
API = "/api/v1/policies/push-preferences"
PAGE = reverse("policies:push_preferences")


@pytest.fixture
def sms_outbox(settings, tmp_path):
    settings.POLICY_PUSH_ADAPTERS = {
        "sms": {
            "class": "yingshang.policies.channels.FileSmsAdapter",
            "options": {"path": str(tmp_path / "sms.jsonl")},
        }
    }
    return tmp_path / "sms.jsonl"


def _links(policy, *positions):
    return sorted(f"/policies/clauses/{policy.clauses.get(position=p).pk}/" for p in positions)


def test_sms_only_for_the_chosen_topic_in_app_for_every_match_and_never_twice(
    cast, policy, seed_company, sms_outbox, django_capture_on_commit_callbacks
):
    # Given: the owner wants SMS for 农业 only; the company matches the 科技创新 award and the 农业 loan subsidy.
    services.set_push_preferences(
        user=cast.gz_owner, sms=True, email=False, phone="13800138000", topics=["农业"]
    )

    # When: its matches are recomputed twice (the second time nothing is new).
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.refresh_enterprise_matches(seed_company, now=NOW)

    # Then: two in-app notices, one SMS, for the 农业 clause only.
    notes = Notification.objects.filter(recipient=cast.gz_owner)
    assert sorted(n.link for n in notes) == _links(policy, 1, 3)
    delivery = PushDelivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.notification.link) == (
        "sms",
        "sent",
        _links(policy, 3)[0],
    )
    assert len(sms_outbox.read_text(encoding="utf-8").splitlines()) == 1


def test_support_types_narrow_the_push_and_empty_means_everything(
    cast, policy, seed_company, sms_outbox, django_capture_on_commit_callbacks
):
    services.set_push_preferences(
        user=cast.gz_owner, sms=True, email=False, phone="13800138000", support_types=["一次性奖励"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_enterprise_matches(seed_company, now=NOW)
    assert [d.notification.link for d in PushDelivery.objects.all()] == _links(policy, 1)

    preference = PushPreference.objects.get(user=cast.gz_owner)
    assert preference.wants(topic="农业", support_types=["贷款贴息"]) is False
    preference.support_types = []
    assert preference.wants(topic="农业", support_types=["贷款贴息"]) is True


def test_application_notices_are_not_filtered_by_topic(cast, sms_outbox, django_capture_on_commit_callbacks):
    services.set_push_preferences(
        user=cast.gz_owner, sms=True, email=False, phone="13800138000", topics=["农业"]
    )
    notification = Notification.objects.create(
        recipient=cast.gz_owner, title="申报已受理", body="…", dedupe_key="a:1"
    )

    created = services.queue_push_deliveries(recipient=cast.gz_owner, notification=notification, now=NOW)

    assert [d.channel for d in created] == ["sms"]


def test_unknown_topic_is_refused_in_chinese_and_nothing_saved(cast):
    with pytest.raises(BusinessRuleError) as error:
        services.set_push_preferences(user=cast.gz_owner, sms=False, email=False, topics=["炒股"])
    assert error.value.message.startswith("关注的主题：未知的“炒股”（可选：")
    assert not PushPreference.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.push_preferences").exists()


def test_api_put_sets_topics_in_vocabulary_order_and_audits(cast, client_for):
    client = client_for(cast.gz_owner)

    saved = client.put(
        API,
        {"topics": ["农业", "科技创新", "农业"], "support_types": ["补贴"]},
        content_type="application/json",
    )
    refused = client.put(API, {"support_types": ["红包"]}, content_type="application/json")
    wrong_type = client.put(API, {"topics": "农业"}, content_type="application/json")

    assert saved.status_code == 200
    assert (saved.json()["topics"], saved.json()["support_types"]) == (["科技创新", "农业"], ["补贴"])
    assert refused.status_code == 400 and refused.json()["detail"].startswith("关注的支持方式：未知的“红包”")
    assert wrong_type.status_code == 422
    assert client.get(API).json()["topics"] == ["科技创新", "农业"]
    event = AuditEvent.objects.get(action="policy.push_preferences")
    assert (event.before, event.after["topics"], event.after["support_types"]) == (
        None,
        ["科技创新", "农业"],
        ["补贴"],
    )


def test_page_shows_and_saves_topics(client_for, cast):
    client = client_for(cast.gz_owner)
    assert "全部主题" in client.get(PAGE).content.decode()

    response = client.post(PAGE, {"action": "save", "topics": ["金融信贷"], "support_types": ["贷款贴息"]})

    assert response.status_code == 302
    preference = PushPreference.objects.get(user=cast.gz_owner)
    assert (preference.topics, preference.support_types) == (["金融信贷"], ["贷款贴息"])
    page = client.get(PAGE).content.decode()
    assert "短信、邮件推送的主题：金融信贷" in page


def test_page_refuses_an_unknown_topic_with_400(client_for, cast):
    response = client_for(cast.gz_owner).post(PAGE, {"action": "save", "topics": ["炒股"]})

    assert response.status_code == 400
    assert "炒股" in response.content.decode()
    assert not PushPreference.objects.exists()
