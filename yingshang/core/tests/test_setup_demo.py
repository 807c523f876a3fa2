"""The demo enterprise account is bound the way a real one is: a request, verified by the county administrator."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yingshang.accounts.models import User
from yingshang.core.demo_accounts import ensure_demo_accounts
from yingshang.core.management.commands.setup_demo import Command
from yingshang.core.models import AuditEvent
from yingshang.enterprises.choices import MembershipStatus


@pytest.mark.django_db
def test_demo_enterprise_user_is_bound_through_request_and_verification():
    call_command("seed_demo", enterprises=60, seed=3, stdout=io.StringIO())
    ensure_demo_accounts()
    command = Command()
    command._link_demo_enterprise_user()
    command._link_demo_enterprise_user()  # a second `make demo` changes nothing

    qiye, xianqu = User.objects.get(username="qiye"), User.objects.get(username="xianqu")
    memberships = list(qiye.enterprise_memberships.select_related("enterprise__region"))
    assert len(memberships) == 2
    assert {m.status for m in memberships} == {MembershipStatus.VERIFIED}
    assert {m.verified_by for m in memberships} == {xianqu}
    assert {m.enterprise.region.code for m in memberships} == {"620702"}
    actions = list(AuditEvent.objects.filter(object_type="enterprises.enterprisemembership")
                   .order_by("id").values_list("action", "actor_id"))
    assert actions == [("membership.request", qiye.pk), ("membership.verify", xianqu.pk)] * 2


def test_a_random_password_too_like_the_username_is_drawn_again(monkeypatch):
    """CI once drew 'dOaN4LIGHX6n' for `lingdao`, which the similarity validator refuses: the demo accounts must not
    fail on such a draw."""
    from yingshang.core import demo_accounts

    draws = iter("dOaN4LIGHX6n" + "Qm7Tz2Kp9Xw4")
    monkeypatch.setattr(demo_accounts.secrets, "choice", lambda alphabet: next(draws))

    password = demo_accounts.new_password(User(username="lingdao", full_name="市领导（只读）"))

    assert password == "Qm7Tz2Kp9Xw4"
