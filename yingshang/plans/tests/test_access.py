"""Who sees which task (任务可见范围): a matrix over the whole cast."""

from __future__ import annotations

import pytest
from django.http import Http404

from conftest import PEOPLE
from yingshang.plans.access import get_plan_for_user, get_task_for_user
from yingshang.plans.models import PlanTask

pytestmark = pytest.mark.django_db

ALL = "all"
EXPECTED_TASKS = {
    "city_admin": ALL, "leader": ALL, "operator": set(), "city_staff": {"1"}, "city_dept_lead": {"1"},
    "gz_admin": {"1"}, "gz_staff": {"1"}, "lz_admin": {"6"}, "lz_staff": {"6"}, "inspector": set(),
    "officer": set(), "gz_owner": set(), "lz_owner": set(), "stranger": set(),
}
SEES_PLAN = {"city_admin", "leader", "city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff"}


def test_matrix_covers_the_whole_cast():
    assert set(EXPECTED_TASKS) == set(PEOPLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_task_visibility_matrix(official_plan, cast, person):
    user = cast[person]
    visible = set(PlanTask.objects.visible_to(user).values_list("number", flat=True))
    expected = EXPECTED_TASKS[person]
    assert visible == (set(official_plan.tasks.values_list("number", flat=True)) if expected == ALL else expected)
    task6 = official_plan.tasks.get(number="6")
    if expected == ALL or "6" in expected:
        assert get_task_for_user(user, task6.pk) == task6
    else:
        with pytest.raises(Http404):
            get_task_for_user(user, task6.pk)


@pytest.mark.parametrize("person", PEOPLE)
def test_plan_visibility_matrix(official_plan, cast, person):
    if person in SEES_PLAN:
        assert get_plan_for_user(cast[person], official_plan.pk) == official_plan
    else:
        with pytest.raises(Http404):
            get_plan_for_user(cast[person], official_plan.pk)


def test_missing_task_is_404_even_for_the_city_admin(official_plan, cast):
    with pytest.raises(Http404):
        get_task_for_user(cast.city_admin, 999_999)
