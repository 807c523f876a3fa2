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
    "city_admin": ALL,
    "leader": ALL,
    "operator": set(),
    "city_staff": {"1"},
    "city_dept_lead": {"1"},
    "gz_admin": {"1"},
    "gz_staff": {"1"},
    "lz_admin": {"6"},
    "lz_staff": {"6"},
    "inspector": set(),
    "officer": set(),
    "gz_owner": set(),
    "lz_owner": set(),
    "stranger": set(),
}
SEES_PLAN = {
    "city_admin",
    "leader",
    "city_staff",
    "city_dept_lead",
    "gz_admin",
    "gz_staff",
    "lz_admin",
    "lz_staff",
}


def test_matrix_covers_the_whole_cast():
    assert set(EXPECTED_TASKS) == set(PEOPLE)


@pytest.mark.parametrize("person", PEOPLE)
def test_task_visibility_matrix(official_plan, cast, person):
    user = cast[person]
    visible = set(PlanTask.objects.visible_to(user).values_list("number", flat=True))
    expected = EXPECTED_TASKS[person]
    assert visible == (
        set(official_plan.tasks.values_list("number", flat=True)) if expected == ALL else expected
    )
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


def test_staged_imports_are_seen_only_by_those_who_may_import(draft_plan, cast):
    from yingshang.plans.models import Plan

    seers = {
        person for person in PEOPLE if Plan.objects.visible_to(cast[person]).filter(pk=draft_plan.pk).exists()
    }
    assert seers == {"city_admin"}


def test_review_redirect_never_leaves_the_site(draft_plan, cast, client_for):
    task = draft_plan.tasks.get(number="1")
    response = client_for(cast.city_admin).post(
        f"/plans/tasks/{task.pk}/edit/", {"title": "新标题", "next": "https://evil.example/phish"}
    )
    assert (response.status_code, response["Location"]) == (302, f"/plans/{draft_plan.pk}/review/")


def test_a_county_office_cannot_supervise_a_city_task_its_department_only_supports(
    official_plan, cast, client_for
):
    from yingshang.plans.models import SupervisionNotice

    task = official_plan.tasks.get(number="1")  # led by 市市场监管局, supported by 甘州区市场监管局
    client = client_for(cast.gz_admin)
    assert client.get(f"/plans/tasks/{task.pk}/").status_code == 200
    response = client.post(f"/plans/tasks/{task.pk}/notices/", {"reason": "滞后"})
    assert response.status_code == 403
    assert SupervisionNotice.objects.count() == 0


def test_evidence_is_served_only_to_those_who_see_the_task(official_plan, cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yingshang.plans.models import ProgressEvidence

    task = official_plan.tasks.get(number="6")
    client_for(cast.lz_staff).post(
        f"/plans/tasks/{task.pk}/report/",
        {
            "percent": "20",
            "text": "推进",
            "evidence": [SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes")],
        },
    )
    evidence = ProgressEvidence.objects.get()
    own = client_for(cast.lz_admin).get(f"/plans/evidence/{evidence.pk}/")
    assert own.status_code == 200 and b"".join(own.streaming_content) == b"%PDF-1.4 minutes"
    assert "attachment" in own["Content-Disposition"]
    assert client_for(cast.gz_staff).get(f"/plans/evidence/{evidence.pk}/").status_code == 404


def test_both_scope_filters_share_the_opening_checks(cast, django_user_model):
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Q

    from yingshang.plans.access import plan_scope_filter, task_scope_filter

    inactive = cast.city_staff
    inactive.is_active = False
    superuser = django_user_model.objects.create_superuser(username="root", password="Root-pass-2025")
    for scope_filter in (task_scope_filter, plan_scope_filter):
        assert scope_filter(AnonymousUser()) is None
        assert scope_filter(inactive) is None
        assert scope_filter(cast.operator) is None  # 12345 话务员: no part in the task ledger
        assert scope_filter(superuser) == Q()
    assert task_scope_filter(cast.leader) == Q()
    assert task_scope_filter.__name__ == "task_scope_filter"


@pytest.mark.parametrize("person", ["city_staff", "city_dept_lead", "gz_admin"])
def test_a_task_owned_many_ways_is_listed_once(official_plan, cast, person):
    """Led, supported and owning a measure at once: the scope reads the link tables as IN (subquery) sets, so the
    task list needs no DISTINCT and still shows the task once."""
    user = cast[person]
    task = official_plan.tasks.get(number="1")
    department = user.department if user.department_id else task.lead_departments.first()
    task.lead_departments.add(department)
    task.co_departments.add(department)
    measure = task.measures.first() or task.measures.create(order=1, text="测试措施")
    measure.lead_departments.add(department)
    measure.co_departments.add(department)
    numbers = list(PlanTask.objects.visible_to(user).values_list("number", flat=True))
    assert numbers.count("1") == 1
    assert "DISTINCT" not in str(PlanTask.objects.visible_to(user).query)
