"""推送设置 page: an enterprise user chooses SMS/e-mail push, sees contacts masked, opts out; every change audited."""

import pytest
from django.urls import reverse

from yingshang.core.models import AuditEvent
from yingshang.policies.models import PushPreference

pytestmark = pytest.mark.django_db
URL = reverse("policies:push_preferences")


def test_owner_turns_on_sms_and_sees_the_number_masked(client_for, cast):
    client = client_for(cast.gz_owner)

    response = client.post(URL, {"action": "save", "sms": "on", "phone": "13800138000"})
    page = client.get(URL).content.decode()

    assert response.status_code == 302
    preference = PushPreference.objects.get(user=cast.gz_owner)
    assert (preference.sms, preference.email, preference.phone) == (True, False, "13800138000")
    assert "138****8000" in page and "13800138000" not in page
    assert AuditEvent.objects.filter(action="policy.push_preferences", actor=cast.gz_owner).count() == 1


def test_empty_contact_keeps_the_stored_one(client_for, cast):
    client = client_for(cast.gz_owner)
    client.post(URL, {"action": "save", "sms": "on", "phone": "13800138000"})

    client.post(URL, {"action": "save", "sms": "on", "email": "on", "email_address": "owner@example.cn"})

    preference = PushPreference.objects.get(user=cast.gz_owner)
    assert (preference.sms, preference.email, preference.phone, preference.email_address) == (
        True,
        True,
        "13800138000",
        "owner@example.cn",
    )
    assert "o***@example.cn" in client.get(URL).content.decode()


def test_bad_number_is_refused_with_a_chinese_message_and_nothing_saved(client_for, cast):
    response = client_for(cast.gz_owner).post(URL, {"action": "save", "sms": "on", "phone": "12345"})

    assert response.status_code == 400
    assert "手机号应为 11 位中国大陆手机号码" in response.content.decode()
    assert not PushPreference.objects.filter(user=cast.gz_owner).exists()


def test_sms_without_any_number_is_refused(client_for, cast):
    response = client_for(cast.gz_owner).post(URL, {"action": "save", "sms": "on"})

    assert response.status_code == 400
    assert "开启短信推送需要填写手机号" in response.content.decode()
    assert not PushPreference.objects.filter(user=cast.gz_owner).exists()


def test_opt_out_stops_sms_and_email_but_keeps_addresses(client_for, cast):
    client = client_for(cast.gz_owner)
    client.post(
        URL,
        {
            "action": "save",
            "sms": "on",
            "email": "on",
            "phone": "13800138000",
            "email_address": "owner@example.cn",
        },
    )

    response = client.post(URL, {"action": "opt_out"})

    preference = PushPreference.objects.get(user=cast.gz_owner)
    assert response.status_code == 302
    assert (preference.sms, preference.email, preference.phone, preference.email_address) == (
        False,
        False,
        "13800138000",
        "owner@example.cn",
    )
    event = AuditEvent.objects.get(action="policy.push_opt_out")
    assert (event.before, event.after) == ({"sms": True, "email": True}, {"sms": False, "email": False})


def test_unverified_and_government_users_get_404_and_change_nothing(client_for, cast):
    for person in (cast.stranger, cast.gz_staff):
        response = client_for(person).post(URL, {"action": "save", "sms": "on", "phone": "13800138000"})
        assert response.status_code == 404
    assert PushPreference.objects.count() == 0


def test_owner_menu_links_the_page(client_for, cast):
    assert URL in client_for(cast.gz_owner).get(reverse("policies:mine")).content.decode()
