"""The plan list (行动方案) is kept per plan scope: viewers who see the same plans share it, others never do, and
access is checked on every request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yingshang.core.models import Region
from yingshang.plans.access import plan_scope_key
from yingshang.plans.choices import PlanStatus
from yingshang.plans.models import Plan

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _county_plan(code: str, title: str) -> Plan:
    return Plan.objects.create(title=title, year=2025, region=Region.objects.get(code=code),
                               status=PlanStatus.OFFICIAL, official_at=NOW)


def test_importers_and_readers_do_not_share_the_kept_list(draft_plan, cast, client_for):
    admin = client_for(cast.city_admin).get(reverse("plans:list")).content.decode()
    assert "导入行动方案" in admin and "核对导入结果" in admin
    leader = client_for(cast.leader).get(reverse("plans:list")).content.decode()
    assert "导入行动方案" not in leader and "核对导入结果" not in leader and "还没有行动方案" in leader


def test_each_county_sees_only_its_own_county_plans(cast, client_for):
    _county_plan("620702", "甘州区专项方案")
    _county_plan("620723", "临泽县专项方案")
    city = client_for(cast.city_admin).get(reverse("plans:list")).content.decode()
    assert "甘州区专项方案" in city and "临泽县专项方案" in city
    gz = client_for(cast.gz_admin).get(reverse("plans:list")).content.decode()
    assert "甘州区专项方案" in gz and "临泽县专项方案" not in gz
    lz = client_for(cast.lz_admin).get(reverse("plans:list")).content.decode()
    assert "临泽县专项方案" in lz and "甘州区专项方案" not in lz


def test_a_new_plan_shows_at_once_and_other_roles_are_refused(cast, client_for):
    client = client_for(cast.leader)
    assert "甘州区专项方案" not in client.get(reverse("plans:list")).content.decode()
    _county_plan("620702", "甘州区专项方案")
    assert "甘州区专项方案" in client.get(reverse("plans:list")).content.decode()
    for user in (cast.gz_owner, cast.operator, cast.gz_staff, cast.officer):
        assert client_for(user).get(reverse("plans:list")).status_code == 403


def test_the_scope_key_follows_the_plan_filter(cast):
    assert plan_scope_key(cast.city_admin) == "import.city"
    assert plan_scope_key(cast.leader) == "view.city"
    assert plan_scope_key(cast.gz_admin) != plan_scope_key(cast.lz_admin)
    assert plan_scope_key(cast.gz_owner) == "none"
    assert plan_scope_key(cast.gz_staff).startswith(f"user.{cast.gz_staff.pk}.")
