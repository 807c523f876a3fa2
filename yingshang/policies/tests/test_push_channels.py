"""SMS and e-mail push through pluggable adapters: opt-in, delivery records, retries, never twice."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from yingshang.core.models import AuditEvent, Notification
from yingshang.policies import channels, services
from yingshang.policies.models import PushDelivery
from yingshang.policies.tests.conftest import NOW

pytestmark = pytest.mark.django_db

SENT: list[dict] = []


class RecordingSms:
    """A test SMS adapter: accepts every message and remembers it."""

    def send(self, *, address, title, body):
        SENT.append({"address": address, "title": title})
        return f"test-{len(SENT)}"


class BrokenSms:
    """A test SMS adapter whose gateway is down."""

    def send(self, *, address, title, body):
        raise channels.ChannelError("短信网关无法连接")


@pytest.fixture
def sms_outbox(settings, tmp_path):
    settings.POLICY_PUSH_ADAPTERS = {
        "sms": {
            "class": "yingshang.policies.channels.FileSmsAdapter",
            "options": {"path": str(tmp_path / "sms.jsonl")},
        }
    }
    return tmp_path / "sms.jsonl"


@pytest.fixture
def recording_sms(settings):
    SENT.clear()
    settings.POLICY_PUSH_ADAPTERS = {"sms": {"class": f"{__name__}.RecordingSms"}}
    return SENT


def _pending_sms(user, *, now=NOW):
    notification = Notification.objects.create(
        recipient=user, title="政策推送：示例", body="贵企业符合条件。", dedupe_key="test:1"
    )
    return services.queue_push_deliveries(recipient=user, notification=notification, now=now)[0]


def test_without_preferences_only_the_in_app_message_is_sent(
    cast, policy, seed_company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_enterprise_matches(seed_company, now=NOW)
    assert Notification.objects.filter(recipient=cast.gz_owner).count() == 2
    assert PushDelivery.objects.count() == 0
    assert mail.outbox == []


def test_opted_in_user_gets_each_push_once_by_sms_and_email(
    cast, policy, seed_company, sms_outbox, django_capture_on_commit_callbacks
):
    services.set_push_preferences(
        user=cast.gz_owner, sms=True, email=True, phone="13800138000", email_address="owner@example.cn"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_enterprise_matches(seed_company, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.refresh_enterprise_matches(seed_company, now=NOW)  # profile saved again: nothing new to say

    notes = Notification.objects.filter(recipient=cast.gz_owner)
    assert notes.count() == 2
    deliveries = PushDelivery.objects.order_by("channel", "pk")
    assert sorted((d.channel, d.status, d.attempts) for d in deliveries) == [
        ("email", "sent", 1),
        ("email", "sent", 1),
        ("sms", "sent", 1),
        ("sms", "sent", 1),
    ]
    assert sorted(m.subject for m in mail.outbox) == sorted(n.title for n in notes)
    assert mail.outbox[0].to == ["owner@example.cn"]
    lines = [json.loads(line) for line in sms_outbox.read_text(encoding="utf-8").splitlines()]
    assert [line["phone"] for line in lines] == ["13800138000", "13800138000"]
    assert all(line["content"].startswith("【政策推送：") for line in lines)


def test_failed_sms_is_retried_with_back_off_then_given_up(cast, settings):
    settings.POLICY_PUSH_ADAPTERS = {"sms": {"class": f"{__name__}.BrokenSms"}}
    services.set_push_preferences(user=cast.gz_owner, sms=True, email=False, phone="13800138000")
    delivery = _pending_sms(cast.gz_owner)

    assert services.deliver_push(delivery.pk, now=NOW) == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "短信网关无法连接")
    assert delivery.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert services.deliver_push(delivery.pk, now=NOW) == "skipped"  # not due yet
    assert services.due_push_deliveries(now=NOW) == []
    assert services.due_push_deliveries(now=NOW + dt.timedelta(minutes=1)) == [delivery.pk]

    moment = NOW
    for _ in range(4):
        moment += dt.timedelta(days=1)
        outcome = services.deliver_push(delivery.pk, now=moment)
    delivery.refresh_from_db()
    assert (outcome, delivery.status, delivery.attempts) == ("failed", "failed", 5)
    assert services.deliver_push(delivery.pk, now=moment + dt.timedelta(days=1)) == "skipped"


def test_retry_succeeds_when_the_gateway_is_back(cast, settings, recording_sms):
    services.set_push_preferences(user=cast.gz_owner, sms=True, email=False, phone="13800138000")
    settings.POLICY_PUSH_ADAPTERS = {"sms": {"class": f"{__name__}.BrokenSms"}}
    delivery = _pending_sms(cast.gz_owner)
    services.deliver_push(delivery.pk, now=NOW)
    settings.POLICY_PUSH_ADAPTERS = {"sms": {"class": f"{__name__}.RecordingSms"}}

    later = NOW + dt.timedelta(minutes=2)
    assert [services.deliver_push(pk, now=later) for pk in services.due_push_deliveries(now=later)] == [
        "sent"
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.provider_reference) == ("sent", 2, "test-1")
    assert recording_sms == [{"address": "13800138000", "title": "政策推送：示例"}]


def test_a_delivery_is_claimed_once_so_it_is_never_sent_twice(cast, recording_sms):
    services.set_push_preferences(user=cast.gz_owner, sms=True, email=False, phone="13800138000")
    delivery = _pending_sms(cast.gz_owner)
    again = services.queue_push_deliveries(
        recipient=cast.gz_owner, notification=delivery.notification, now=NOW
    )

    assert again == []  # the same message is not queued twice
    assert services.deliver_push(delivery.pk, now=NOW) == "sent"
    assert services.deliver_push(delivery.pk, now=NOW) == "skipped"
    assert len(recording_sms) == 1


def test_a_send_interrupted_midway_is_marked_failed_not_resent(cast, recording_sms):
    services.set_push_preferences(user=cast.gz_owner, sms=True, email=False, phone="13800138000")
    delivery = _pending_sms(cast.gz_owner)
    PushDelivery.objects.filter(pk=delivery.pk).update(status="sending", attempts=1, claimed_at=NOW)

    assert services.due_push_deliveries(now=NOW + dt.timedelta(hours=1)) == []
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "未自动重发" in delivery.last_error
    assert recording_sms == []


def test_preferences_api_validates_and_audits(cast, client_for):
    client = client_for(cast.gz_owner)
    url = "/api/v1/policies/push-preferences"
    assert client.get(url).json() == {
        "sms": False,
        "email": False,
        "phone": "",
        "email_address": "",
        "topics": [],
        "support_types": [],
    }

    refused = client.put(url, {"sms": True}, content_type="application/json")
    bad_mail = client.put(
        url, {"email": True, "email_address": "not-an-address"}, content_type="application/json"
    )
    listed = client.put(url, [], content_type="application/json")
    assert (refused.status_code, refused.json()["detail"]) == (400, "开启短信推送需要填写手机号。")
    assert (bad_mail.status_code, bad_mail.json()["detail"]) == (400, "邮件地址格式不正确。")
    assert 400 <= listed.status_code < 500
    assert client.get(url).json()["sms"] is False
    assert not AuditEvent.objects.filter(action="policy.push_preferences").exists()

    saved = client.put(url, {"sms": True, "phone": "13800138000"}, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json() == {
        "sms": True,
        "email": False,
        "phone": "13800138000",
        "email_address": "",
        "topics": [],
        "support_types": [],
    }
    event = AuditEvent.objects.get(action="policy.push_preferences")
    assert (event.actor, event.after["sms"]) == (cast.gz_owner, True)


def test_preferences_need_a_login(client):
    assert client.get("/api/v1/policies/push-preferences").status_code == 401


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    answer = (200, b'{"id": "SMS-42"}')

    def do_POST(self):  # noqa: N802 (http.server API)
        length = int(self.headers["Content-Length"])
        _Gateway.received.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
        self.send_response(self.answer[0])
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.answer[1])

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received = []
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
    server.server_close()


def test_http_gateway_adapter_posts_json_with_a_bearer_token(gateway):
    adapter = channels.HttpSmsGatewayAdapter(url=gateway, token="secret", sign="金张掖营商", template="T1")
    assert adapter.send(address="13800138000", title="政策推送", body="贵企业符合条件。") == "SMS-42"
    assert _Gateway.received == [
        (
            "Bearer secret",
            {
                "phone": "13800138000",
                "sign": "金张掖营商",
                "template": "T1",
                "content": "【政策推送】贵企业符合条件。",
            },
        )
    ]


def test_http_gateway_adapter_reports_a_refusal_in_chinese(gateway, monkeypatch):
    monkeypatch.setattr(_Gateway, "answer", (503, b"{}"))
    with pytest.raises(channels.ChannelError, match="短信网关拒绝：HTTP 503"):
        channels.HttpSmsGatewayAdapter(url=gateway).send(address="13800138000", title="t", body="b")
