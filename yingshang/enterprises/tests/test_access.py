"""Who sees which enterprise: a matrix over the whole cast."""

import pytest
from django.http import Http404

from conftest import PEOPLE
from yingshang.enterprises.access import get_enterprise_for_user
from yingshang.enterprises.models import Enterprise

# person → (sees gz_enterprise, sees lz_enterprise)
EXPECTED = {
    "city_admin": (True, True), "leader": (True, True), "operator": (True, True), "city_staff": (True, True),
    "city_dept_lead": (True, True), "gz_admin": (True, False), "gz_staff": (True, False),
    "lz_admin": (False, True), "lz_staff": (False, True), "inspector": (True, True), "officer": (False, False),
    "gz_owner": (True, False), "lz_owner": (False, True), "stranger": (False, False),
}


def test_matrix_covers_the_whole_cast():
    assert set(EXPECTED) == set(PEOPLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_visible_to_and_access_function_agree(cast, person):
    user = cast[person]
    for enterprise, expected in zip((cast.gz_enterprise, cast.lz_enterprise), EXPECTED[person], strict=True):
        assert Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists() is expected
        if expected:
            assert get_enterprise_for_user(user, enterprise.pk) == enterprise
        else:
            with pytest.raises(Http404):
                get_enterprise_for_user(user, enterprise.pk)


@pytest.mark.parametrize("person", PEOPLE)
def test_detail_page_matrix(cast, client_for, person):
    client = client_for(cast[person])
    for enterprise, expected in zip((cast.gz_enterprise, cast.lz_enterprise), EXPECTED[person], strict=True):
        response = client.get(f"/enterprises/{enterprise.pk}/")
        assert response.status_code == (200 if expected else 404)


def test_anonymous_is_sent_to_login(cast, client):
    response = client.get(f"/enterprises/{cast.gz_enterprise.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_enterprise_user_cannot_open_the_registry_list(cast, client_for):
    assert client_for(cast.gz_owner).get("/enterprises/").status_code == 403
