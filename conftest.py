"""The fixture story: Zhangye's reference data once per test database, and a named cast of users.

The cast (one per role, across two counties and two departments) is what every access test runs over:

    city_admin      市营商局 张科长 — city-wide
    leader          市领导 — city-wide, read-only
    operator        12345 话务员
    city_staff      市市场监管局 李干事 — own department
    city_dept_lead  市市场监管局 陈局长 — own department tree
    gz_admin        甘州区营商局 — county 甘州区 (620702)
    gz_staff        甘州区市场监管局 — county 甘州区
    lz_admin        临泽县营商局 — county 临泽县 (620723)
    lz_staff        临泽县市场监管局 — county 临泽县
    inspector       市执法支队 — inspections
    officer         体验官
    gz_owner        enterprise user, verified for gz_enterprise (甘州区)
    lz_owner        enterprise user, verified for lz_enterprise (临泽县)
    stranger        enterprise user with a pending (unverified) claim on gz_enterprise
"""

from __future__ import annotations

import os

os.environ.setdefault("YINGSHANG_TESTING", "1")

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property tests must not fail because a loaded 2-core CI machine is slow.
hypothesis_settings.register_profile("yingshang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("yingshang")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from yingshang.core.reference import load_city_reference
    from yingshang.enterprises.services import load_registry_reference

    with django_db_blocker.unblock():
        load_city_reference(settings.YINGSHANG_CITY_DATA)
        load_registry_reference()


@pytest.fixture
def reference_after_flush(django_db_setup, django_db_blocker):
    """After a transactional test: put the reference data back (regions, departments, the industry catalogue)."""
    yield
    from yingshang.core.reference import load_city_reference
    from yingshang.enterprises.services import load_registry_reference

    with django_db_blocker.unblock():
        load_city_reference(settings.YINGSHANG_CITY_DATA)
        load_registry_reference()


@pytest.fixture
def transactional_db(reference_after_flush, transactional_db):
    """pytest-django's `transactional_db`, then the reference data put back: its flush at the end empties every
    table, and the tests after it in the same worker expect the reference data loaded once per run."""
    return transactional_db


def pytest_collection_modifyitems(items):
    """`django_db(transaction=True)` flushes without putting the reference data back: ask for the fixture instead."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
            raise pytest.UsageError(f"{item.nodeid}: use the transactional_db fixture instead of "
                                    "django_db(transaction=True); it puts the reference data back after its flush.")


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches of reference rows (the appeals catalogue: categories, routes, departments) must not carry
    one test's rows, rolled back since, into the next test (a stale id is a foreign-key error at teardown)."""
    from django.core.cache import caches

    from yingshang.appeals.selectors import clear_catalogue

    clear_catalogue()
    # Cached page fragments and data-version tokens of a rolled-back test must not serve the next one.
    caches["default"].clear()
    yield
    clear_catalogue()


class Cast(dict):
    """Users by name; attribute access for readability (cast.gz_staff)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def make_enterprise(*, name: str, county_code: str, seed: int, **fields):
    import random

    from yingshang.core.models import Region
    from yingshang.enterprises.credit_code import generate_credit_code
    from yingshang.enterprises.models import Enterprise

    region = Region.objects.get(code=county_code)
    code = generate_credit_code(random.Random(seed), region_code=county_code)
    return Enterprise.objects.create(credit_code=code, name=name, region=region, **fields)


@pytest.fixture
def cast(db):
    from yingshang.accounts.models import User
    from yingshang.accounts.roles import Role
    from yingshang.core.models import Department, Region
    from yingshang.enterprises.choices import MembershipStatus
    from yingshang.enterprises.models import EnterpriseMembership

    city = Region.objects.get(code="620700")
    ganzhou = Region.objects.get(code="620702")
    linze = Region.objects.get(code="620723")

    def dept(key, region):
        return Department.objects.get(function_key=key, region=region)

    def user(username, role, department=None, region=None):
        return User.objects.create_user(username=username, password="Test-pass-2025", role=role,
                                        department=department, region=region, full_name=username)

    people = Cast(
        city_admin=user("city_admin", Role.CITY_ADMIN, dept("business_env", city)),
        leader=user("leader", Role.LEADER),
        operator=user("operator", Role.OPERATOR_12345, dept("hotline", city)),
        city_staff=user("city_staff", Role.DEPARTMENT_STAFF, dept("market", city)),
        city_dept_lead=user("city_dept_lead", Role.DEPARTMENT_LEADER, dept("market", city)),
        gz_admin=user("gz_admin", Role.COUNTY_ADMIN, dept("business_env", ganzhou), ganzhou),
        gz_staff=user("gz_staff", Role.DEPARTMENT_STAFF, dept("market", ganzhou)),
        lz_admin=user("lz_admin", Role.COUNTY_ADMIN, dept("business_env", linze), linze),
        lz_staff=user("lz_staff", Role.DEPARTMENT_STAFF, dept("market", linze)),
        inspector=user("inspector", Role.INSPECTOR, dept("market_enforcement", city)),
        officer=user("officer", Role.EXPERIENCE_OFFICER),
        gz_owner=user("gz_owner", Role.ENTERPRISE),
        lz_owner=user("lz_owner", Role.ENTERPRISE),
        stranger=user("stranger", Role.ENTERPRISE),
    )
    people["gz_enterprise"] = make_enterprise(name="张掖市甘州区丰源种业有限公司", county_code="620702", seed=1,
                                              industry_id="0511", industry_section="A", employees=80)
    people["lz_enterprise"] = make_enterprise(name="临泽县绿洲肉牛养殖有限公司", county_code="620723", seed=2,
                                              industry_id="0311", industry_section="A", employees=30)
    EnterpriseMembership.objects.create(user=people.gz_owner, enterprise=people.gz_enterprise,
                                        status=MembershipStatus.VERIFIED)
    EnterpriseMembership.objects.create(user=people.lz_owner, enterprise=people.lz_enterprise,
                                        status=MembershipStatus.VERIFIED)
    EnterpriseMembership.objects.create(user=people.stranger, enterprise=people.gz_enterprise,
                                        status=MembershipStatus.PENDING)
    return people


PEOPLE = ("city_admin", "leader", "operator", "city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin",
          "lz_staff", "inspector", "officer", "gz_owner", "lz_owner", "stranger")


@pytest.fixture
def client_for(client):
    """`client_for(user)`: a test client logged in as that user."""
    from django.test import Client

    def make(user):
        import time

        c = Client()
        c.force_login(user)
        session = c.session  # as if the user had just been active: the first request does not write it
        session["_seen"] = int(time.time())
        session.save()
        return c

    return make
