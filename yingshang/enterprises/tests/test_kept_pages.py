"""Registry pages kept for many viewers: each viewer still gets exactly what its scope and role allow."""

import pytest
from django.urls import reverse

from conftest import PEOPLE
from yingshang.core.models import Region
from yingshang.enterprises.models import (
    Enterprise,
    registry_scope_admits,
    registry_scope_key,
)

PROVENANCE = "<h2>数据来源</h2>"
TIMELINE = "<h2>变更记录</h2>"


def _detail(client, enterprise):
    return client.get(f"/enterprises/{enterprise.pk}/")


def _edit(client, user, enterprise, **changes):
    data = {"name": enterprise.name, "entity_type": "enterprise", "industry": enterprise.industry_id,
            "status": "active", "region": enterprise.region_id, "reason": "测试", "credit_class": "", **changes}
    response = client.post(f"/enterprises/{enterprise.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_kept_detail_body_still_checks_each_viewers_scope(cast, client_for):
    gz = cast.gz_enterprise
    assert _detail(client_for(cast.city_admin), gz).status_code == 200  # keeps the government body
    for name in ("lz_admin", "lz_staff", "lz_owner", "stranger", "officer"):
        assert _detail(client_for(cast[name]), gz).status_code == 404, name
    staff = _detail(client_for(cast.gz_staff), gz).content.decode()
    assert gz.name in staff and PROVENANCE in staff and "修改</a>" not in staff  # staff may not edit
    assert "修改</a>" in _detail(client_for(cast.gz_admin), gz).content.decode()


def test_enterprise_users_never_get_the_government_body_and_vice_versa(cast, client_for):
    gz = cast.gz_enterprise
    assert PROVENANCE in _detail(client_for(cast.city_admin), gz).content.decode()
    own = _detail(client_for(cast.gz_owner), gz).content.decode()
    assert gz.name in own and PROVENANCE not in own and TIMELINE not in own and "修改</a>" not in own
    # And the other way round: the enterprise user's body, kept first, is not what staff get.
    lz = cast.lz_enterprise
    assert PROVENANCE not in _detail(client_for(cast.lz_owner), lz).content.decode()
    assert PROVENANCE in _detail(client_for(cast.lz_staff), lz).content.decode()


def test_a_pending_membership_does_not_open_a_kept_body(cast, client_for):
    gz = cast.gz_enterprise
    assert _detail(client_for(cast.gz_owner), gz).status_code == 200  # keeps the enterprise users' body
    assert _detail(client_for(cast.stranger), gz).status_code == 404  # pending, not verified


def test_a_moved_enterprise_is_checked_against_its_new_county(cast, client_for):
    gz, linze = cast.gz_enterprise, Region.objects.get(code="620723")
    assert _detail(client_for(cast.gz_admin), gz).status_code == 200
    assert _detail(client_for(cast.gz_staff), gz).status_code == 200
    _edit(client_for(cast.city_admin), cast.city_admin, gz, region=linze.pk)
    assert _detail(client_for(cast.gz_staff), gz).status_code == 404
    assert _detail(client_for(cast.lz_staff), gz).status_code == 200


def test_an_edit_is_seen_by_every_viewer_of_the_kept_body(cast, client_for):
    gz = cast.gz_enterprise
    assert "年报更正" not in _detail(client_for(cast.city_staff), gz).content.decode()
    _edit(client_for(cast.gz_admin), cast.gz_admin, gz, employees="120", reason="年报更正")
    page = _detail(client_for(cast.city_staff), gz).content.decode()
    assert "年报更正" in page and "120 人" in page


def test_kept_list_results_are_shared_only_within_a_scope(cast, client_for):
    city = client_for(cast.city_admin).get("/enterprises/").content.decode()
    assert cast.gz_enterprise.name in city and cast.lz_enterprise.name in city
    for name in ("gz_admin", "gz_staff"):
        page = client_for(cast[name]).get("/enterprises/").content.decode()
        assert cast.gz_enterprise.name in page and cast.lz_enterprise.name not in page, name
        htmx = client_for(cast[name]).get("/enterprises/", HTTP_HX_REQUEST="true").content.decode()
        assert cast.gz_enterprise.name in htmx and cast.lz_enterprise.name not in htmx, name
    assert cast.gz_enterprise.name not in client_for(cast.lz_admin).get("/enterprises/").content.decode()


def test_list_rows_link_to_the_detail_page(cast, client_for):
    page = client_for(cast.city_admin).get("/enterprises/", {"region": "620702"}).content.decode()
    url = reverse("enterprises:detail", args=[cast.gz_enterprise.pk])
    assert f'<a href="{url}">{cast.gz_enterprise.name}</a>' in page


def test_filter_form_marks_the_chosen_options(cast, client_for):
    page = client_for(cast.city_admin).get("/enterprises/", {"size": "micro", "region": "620702"}).content.decode()
    assert '<option value="micro" selected>微型</option>' in page
    assert '<option value="small" >小型</option>' in page
    assert '<option value="620702" selected>甘州区</option>' in page


def test_kept_api_list_and_detail_follow_the_viewers_scope(cast, client_for):
    gz = cast.gz_enterprise
    assert client_for(cast.city_admin).get("/api/v1/enterprises").json()["count"] == 2
    assert client_for(cast.gz_staff).get("/api/v1/enterprises").json()["count"] == 1
    assert client_for(cast.city_admin).get(f"/api/v1/enterprises/{gz.pk}").json()["provenance"] is not None
    assert client_for(cast.lz_staff).get(f"/api/v1/enterprises/{gz.pk}").status_code == 404
    assert client_for(cast.stranger).get(f"/api/v1/enterprises/{gz.pk}").status_code == 404
    Enterprise.objects.filter(pk=gz.pk).update(provenance={"name": {"source": "登记", "by": "x", "at": "2026-01-01"}})
    assert client_for(cast.city_admin).get(f"/api/v1/enterprises/{gz.pk}").json()["provenance"]["name"]["source"] \
        == "登记"
    own = client_for(cast.gz_owner).get(f"/api/v1/enterprises/{gz.pk}")
    assert own.status_code == 200 and own.json()["provenance"] == {}


@pytest.fixture
def zoned(cast):
    """An enterprise registered in 临泽县 and located in a zone, and that zone's administrator."""
    from yingshang.accounts.models import User
    from yingshang.accounts.roles import Role

    zone = Region.objects.filter(kind="zone").first()
    if zone is None:
        pytest.skip("no zone in the reference regions")
    Enterprise.objects.filter(pk=cast.lz_enterprise.pk).update(zone=zone)
    cast["zone_admin"] = User.objects.create_user(username="zone_admin", password="Test-pass-2025",
                                                  role=Role.COUNTY_ADMIN, region=zone, full_name="zone_admin")
    return cast


def test_scope_rules_agree_with_visible_to(zoned):
    names = (*PEOPLE, "zone_admin")
    enterprises = list(Enterprise.objects.all())
    for name in names:
        user = zoned[name]
        visible = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
        for e in enterprises:
            admitted = registry_scope_admits(user, region_id=e.region_id, zone_id=e.zone_id)
            assert admitted is None or admitted == (e.pk in visible), (name, e.name)
        # Viewers share kept lists only if they see the same enterprises.
        for other in names:
            if registry_scope_key(user) == registry_scope_key(zoned[other]):
                assert visible == set(Enterprise.objects.visible_to(zoned[other]).values_list("pk", flat=True))
    assert registry_scope_key(zoned.gz_owner) != registry_scope_key(zoned.lz_owner)


def test_a_zone_administrator_opens_a_kept_body_of_its_zone(zoned, client_for):
    lz = zoned.lz_enterprise
    assert _detail(client_for(zoned.city_admin), lz).status_code == 200
    assert _detail(client_for(zoned.zone_admin), lz).status_code == 200
    assert _detail(client_for(zoned.zone_admin), zoned.gz_enterprise).status_code == 404


def test_the_dashboard_counts_are_kept_per_scope_and_follow_a_registry_write(cast):
    from yingshang.enterprises.selectors import registry_overview

    city, county = registry_overview(cast.city_admin), registry_overview(cast.gz_admin)
    assert county["total"] < city["total"]  # a county's own counts, not the city's kept ones
    Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(status="cancelled")
    assert registry_overview(cast.city_admin)["total"] == city["total"] - 1
    assert registry_overview(cast.gz_admin)["total"] == county["total"] - 1
