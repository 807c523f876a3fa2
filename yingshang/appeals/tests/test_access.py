"""Who sees which appeal, and whose contact details are masked: matrices over the whole cast."""

import pytest
from django.http import Http404

from conftest import PEOPLE
from yingshang.appeals import services
from yingshang.appeals.access import can_see_contact, get_appeal_for_user
from yingshang.appeals.models import Appeal
from yingshang.core.models import Department

from .conftest import NOW

# person → sees (A: gz_enterprise's appeal handled by 甘州区市场监管局,
#                B: lz_enterprise's appeal handled by 市市场监管局 with 临泽县市场监管局 co-handling,
#                C: an appeal the 体验官 recorded in 甘州区, not yet dispatched)
EXPECTED = {
    "city_admin": (True, True, True),
    "leader": (True, True, True),
    "operator": (True, True, True),
    "city_staff": (False, True, False),
    "city_dept_lead": (False, True, False),
    "gz_admin": (True, False, True),
    "gz_staff": (True, False, False),
    "lz_admin": (False, True, False),
    "lz_staff": (False, True, False),
    "inspector": (False, False, False),
    "officer": (False, False, True),
    "gz_owner": (True, False, False),
    "lz_owner": (False, True, False),
    "stranger": (False, False, False),
}
# person → may see the unmasked contact of A
CONTACT = {"city_admin": True, "operator": True, "gz_staff": True, "gz_owner": True}


@pytest.fixture
def three(cast, make_appeal, market_gz):
    a = services.dispatch_appeal(make_appeal(), department=market_gz, by=cast.operator, now=NOW)
    b = make_appeal(
        by=cast.lz_owner,
        enterprise="lz",
        code="011",
        text="一个月内市场监管、应急、消防先后来检查了五次，严重影响经营。",
    )
    b = services.dispatch_appeal(
        b,
        department=cast.city_staff.department,
        by=cast.operator,
        now=NOW,
        co_departments=[Department.objects.get(function_key="market", region__code="620723")],
    )
    c = make_appeal(
        by=cast.officer,
        enterprise=None,
        channel="experience_officer",
        region=cast.gz_enterprise.region,
        text="体验官在政务大厅发现企业开办窗口排队时间过长，叫号系统混乱。",
    )
    return a, b, c


def test_matrix_covers_the_whole_cast():
    assert set(EXPECTED) == set(PEOPLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_visible_to_and_access_function_agree(cast, three, person):
    user = cast[person]
    for appeal, expected in zip(three, EXPECTED[person], strict=True):
        assert Appeal.objects.visible_to(user).filter(pk=appeal.pk).exists() is expected
        if expected:
            assert get_appeal_for_user(user, appeal.pk) == appeal
        else:
            with pytest.raises(Http404):
                get_appeal_for_user(user, appeal.pk)


@pytest.mark.parametrize("person", PEOPLE)
def test_contact_masking_matrix(cast, three, person):
    assert can_see_contact(cast[person], three[0]) is CONTACT.get(person, False)


@pytest.mark.parametrize("person", PEOPLE)
def test_detail_page_matrix_and_masking(cast, three, client_for, person):
    response = client_for(cast[person]).get(f"/appeals/{three[0].pk}/")
    assert response.status_code == (200 if EXPECTED[person][0] else 404)
    if response.status_code == 200:
        body = response.content.decode()
        if CONTACT.get(person):
            assert "13812345678" in body
        else:
            assert "13812345678" not in body and "138****5678" in body


def test_anonymous_gets_login_redirect(three, client):
    response = client.get(f"/appeals/{three[0].pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("person", PEOPLE)
def test_api_detail_and_list_mask_contact_per_role(cast, three, client_for, person):
    client = client_for(cast[person])
    response = client.get(f"/api/v1/appeals/{three[0].pk}")
    assert response.status_code == (200 if EXPECTED[person][0] else 404)
    listed = [
        row
        for row in client.get("/api/v1/appeals?page_size=100").json()["results"]
        if row["id"] == three[0].pk
    ]
    assert len(listed) == (1 if EXPECTED[person][0] else 0)
    if response.status_code == 200:
        expected = ("王经理", "13812345678") if CONTACT.get(person) else ("王**", "138****5678")
        assert (response.json()["contact_name"], response.json()["contact_phone"]) == expected
        assert (listed[0]["contact_name"], listed[0]["contact_phone"]) == expected


@pytest.mark.parametrize("person", PEOPLE)
def test_api_list_masks_each_contact_as_the_detail_does(cast, three, client_for, person):
    """The list decides masking for all its rows at once (access.contacts_shown): the same answer as
    can_see_contact for every appeal, whoever asks."""
    user = cast[person]
    rows = client_for(user).get("/api/v1/appeals?page_size=100").json()["results"]
    for row in rows:
        appeal = Appeal.objects.get(pk=row["id"])
        shown = can_see_contact(user, appeal)
        expected = ("王经理", "13812345678") if shown else ("王**", "138****5678")
        assert (row["contact_name"], row["contact_phone"]) == expected, (person, appeal.pk)
