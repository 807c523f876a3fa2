"""The signed-in user of each page view is read in one plain statement, with the scope every check reads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingshang.accounts.backends import LockoutModelBackend
from yingshang.accounts.models import User


@pytest.mark.django_db
def test_user_comes_with_region_and_department_in_one_statement(cast):
    backend = LockoutModelBackend()
    with CaptureQueriesContext(connection) as queries:
        user = backend.get_user(str(cast.gz_staff.pk))  # the session stores the id as text
        names = (user.department.name, user.department.region.code, user.region)
    assert len(queries) == 1
    assert names == (cast.gz_staff.department.name, "620702", None)
    assert user == cast.gz_staff and user.can("enterprise.view") == cast.gz_staff.can("enterprise.view")

    county = LockoutModelBackend().get_user(cast.gz_admin.pk)
    assert county.region.code == "620702" and county.scope_region.code == "620702"


@pytest.mark.django_db
def test_changes_apply_on_the_next_request(cast):
    backend = LockoutModelBackend()
    User.objects.filter(pk=cast.gz_staff.pk).update(role="leader", department=None)
    changed = backend.get_user(cast.gz_staff.pk)
    assert changed.role == "leader" and changed.department is None
    User.objects.filter(pk=cast.gz_staff.pk).update(is_active=False)
    assert backend.get_user(cast.gz_staff.pk) is None


@pytest.mark.django_db
def test_unknown_or_malformed_ids_are_nobody(cast):
    backend = LockoutModelBackend()
    assert backend.get_user(999_999) is None
    assert backend.get_user("not-a-number") is None
