"""The menu is built once per role in each process; it must still differ by role and never leak between roles."""

import pytest

from yingshang.core import navigation

pytestmark = pytest.mark.django_db


def labels(user):
    return [item["label"] for item in navigation.items_for(user)]


def test_each_role_gets_its_own_menu_from_the_memo(cast):
    navigation._MENUS.clear()
    enterprise_menu = labels(cast.gz_owner)  # built first, so a leak would show in the administrator's menu
    admin_menu = labels(cast.city_admin)

    assert "企业空间" in enterprise_menu and "驾驶舱" not in enterprise_menu
    assert "驾驶舱" in admin_menu and "企业空间" not in admin_menu
    assert labels(cast.gz_owner) == enterprise_menu  # served from the memo, same answer
    assert len(navigation._MENUS) == 2


def test_inactive_and_superuser_are_keyed_apart(cast):
    navigation._MENUS.clear()
    admin = cast.city_admin
    active_menu = labels(admin)
    admin.is_active = False
    assert "驾驶舱" not in labels(admin)  # user.can is False for an inactive user
    admin.is_active = True
    admin.is_superuser = True
    assert set(active_menu) <= set(labels(admin))


def test_the_page_shows_the_menu_for_the_role(client_for, cast):
    body = client_for(cast.gz_owner).get("/workspace/").content.decode()
    assert "企业空间" in body and "审计记录" not in body
    body = client_for(cast.city_admin).get("/workbench/").content.decode()
    assert "审计记录" in body


def test_menu_items_returned_are_copies(cast):
    navigation._MENUS.clear()
    first = navigation.items_for(cast.city_admin)
    first[0]["label"] = "篡改"
    assert navigation.items_for(cast.city_admin)[0]["label"] != "篡改"


def test_top_bar_links_are_the_menu_and_differ_by_role(cast, client_for):
    import re

    for user in (cast.gz_owner, cast.city_admin):
        html = str(navigation.links_html(user))
        pairs = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
        assert pairs == [(item["url"], item["label"]) for item in navigation.items_for(user)]
    page = client_for(cast.gz_owner).get("/workspace/").content.decode()
    assert str(navigation.links_html(cast.gz_owner)) in page
    assert "驾驶舱" not in str(navigation.links_html(cast.gz_owner))
