"""Permission and scope matrix over the whole cast for every access function and the main pages."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from conftest import PEOPLE
from yingshang.core.models import Department
from yingshang.monitoring import access, services, survey_services
from yingshang.monitoring.models import IndicatorValue, Submission

from .conftest import at

pytestmark = pytest.mark.django_db

ALL = {"city", "gz", "lz", "computed"}
VALUE_SCOPE = {
    "city_admin": ALL,
    "leader": ALL,
    "operator": set(),
    "city_staff": {"city"},
    "city_dept_lead": {"city"},
    "gz_admin": {"gz"},
    "gz_staff": {"gz"},
    "lz_admin": {"lz"},
    "lz_staff": {"lz"},
    "inspector": set(),
    "officer": set(),
    "gz_owner": set(),
    "lz_owner": set(),
    "stranger": set(),
}


@pytest.fixture
def records(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    made = {}
    for key, user, region in (
        ("city", cast.city_staff, "620700"),
        ("gz", cast.gz_staff, "620702"),
        ("lz", cast.lz_staff, "620723"),
    ):
        rows = [
            services.SubmittedRow(indicator_code=code, region_code=region, raw_value=value)
            for code, value in {
                "startup_time": "1",
                "startup_online_rate": "90",
                "high_value_patents": "1",
                "ip_pledge_financing": "100",
                "random_inspection_coverage": "80",
                "joint_inspection_share": "50",
            }.items()
        ]
        submission = services.submit_values(
            collection_round=collection_round,
            department=user.department,
            rows=rows,
            by=user,
            now=at(2025, 4, 2),
        )
        made[key] = {
            "submission": submission,
            "value": IndicatorValue.objects.get(submission=submission, indicator__code="startup_time"),
        }
    computed = IndicatorValue.objects.create(
        indicator_id=made["city"]["value"].indicator_id,
        region=made["city"]["value"].region,
        period="2025-02",
        value=1,
        origin="computed",
        entered_at=at(2025, 3, 2),
        is_published=True,
    )
    made["computed"] = {"value": computed}
    return made


def visible(function, user, objects) -> set[str]:
    seen = set()
    for key, obj in objects.items():
        try:
            function(user, obj.pk)
        except Http404:
            continue
        seen.add(key)
    return seen


@pytest.mark.parametrize("person", PEOPLE)
def test_value_and_submission_scope(person, cast, records):
    user = cast[person]
    values = {key: item["value"] for key, item in records.items()}
    submissions = {key: item["submission"] for key, item in records.items() if "submission" in item}
    assert visible(access.get_value_for_user, user, values) == VALUE_SCOPE[person]
    assert visible(access.get_submission_for_user, user, submissions) == VALUE_SCOPE[person] - {"computed"}
    assert set(
        IndicatorValue.objects.visible_to(user)
        .filter(period__in=["2025-02", "2025-03"], indicator__code="startup_time")
        .values_list("region__code", flat=True)
    ) == {
        {"city": "620700", "gz": "620702", "lz": "620723", "computed": "620700"}[key]
        for key in VALUE_SCOPE[person]
    }


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_reporting_department_or_city_office_may_correct(person, cast, records):
    user = cast[person]
    allowed = set()
    for key in ("city", "gz", "lz"):
        try:
            access.get_value_for_revision(user, records[key]["value"].pk)
        except (Http404, PermissionDenied):
            continue
        allowed.add(key)
    expected = {
        "city_admin": {"city", "gz", "lz"},
        "city_staff": {"city"},
        "city_dept_lead": {"city"},
        "gz_staff": {"gz"},
        "lz_staff": {"lz"},
    }
    assert allowed == expected.get(person, set())


@pytest.mark.parametrize("person", PEOPLE)
def test_review_is_for_the_city_office_only(person, cast, records):
    user = cast[person]
    try:
        access.get_submission_for_review(user, records["gz"]["submission"].pk)
        outcome = "ok"
    except Http404:
        outcome = "404"
    except PermissionDenied:
        outcome = "403"
    expected = {"city_admin": "ok", "leader": "403", "gz_admin": "403", "gz_staff": "403"}
    assert outcome == expected.get(person, "404")
    assert Submission.objects.get(pk=records["gz"]["submission"].pk).status == "submitted"


@pytest.mark.parametrize("person", PEOPLE)
def test_alert_scope(person, cast, catalogue):
    alerts = {}
    for key, department in (("city", cast.city_staff.department), ("gz", cast.gz_staff.department)):
        alerts[key] = services._missing_data_alert(
            department, services.open_round(period="2025-03"), at(2025, 4, 20)
        )
    expected = {
        "city_admin": {"city", "gz"},
        "leader": {"city", "gz"},
        "city_staff": {"city"},
        "city_dept_lead": {"city"},
        "gz_admin": {"gz"},
        "gz_staff": {"gz"},
    }
    assert visible(access.get_alert_for_user, cast[person], alerts) == expected.get(person, set())


@pytest.mark.parametrize("person", PEOPLE)
def test_survey_access(person, cast, catalogue):
    survey = survey_services.create_survey(title="调查", period="2025-03", sample_size=5, by=cast.city_admin)
    expected = {"city_admin", "leader", "city_staff", "city_dept_lead"}
    assert bool(visible(access.get_survey_for_user, cast[person], {"s": survey})) == (person in expected)


DASHBOARD_OK = {
    "city_admin",
    "leader",
    "city_staff",
    "city_dept_lead",
    "gz_admin",
    "gz_staff",
    "lz_admin",
    "lz_staff",
}
SUBMIT_OK = {"city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff"}


@pytest.mark.parametrize("person", PEOPLE)
def test_page_permissions(person, cast, catalogue, client_for):
    client = client_for(cast[person])
    assert client.get("/monitoring/").status_code == (200 if person in DASHBOARD_OK else 403)
    assert client.get("/monitoring/rounds/").status_code == (200 if person in DASHBOARD_OK else 403)
    assert client.get("/monitoring/surveys/").status_code == (200 if person == "city_admin" else 403)
    assert client.get("/monitoring/weights/").status_code == (200 if person == "city_admin" else 403)


def test_department_without_monitoring_duties_sees_an_empty_form(cast, catalogue, client_for):
    collection_round = services.open_round(period="2025-03")
    response = client_for(cast.gz_admin).get(f"/monitoring/rounds/{collection_round.pk}/")
    assert response.status_code == 200
    assert Department.objects.get(pk=cast.gz_admin.department_id).function_key == "business_env"
    assert "政务服务事项全程网办率" in response.content.decode()


@pytest.mark.parametrize("person", ["city_admin", "leader"])
def test_viewers_without_submit_read_a_round_but_cannot_post_to_it(person, cast, catalogue, client_for):
    collection_round = services.open_round(period="2025-03")
    client = client_for(cast[person])
    assert client.get(f"/monitoring/rounds/{collection_round.pk}/").status_code == 200
    posted = client.post(f"/monitoring/rounds/{collection_round.pk}/", {"startup_time__620700__value": "1"})
    assert posted.status_code == 403
    assert (Submission.objects.count(), IndicatorValue.objects.count()) == (0, 0)


def test_values_page_of_another_county_is_a_404_and_shows_nothing(cast, records, client_for):
    client = client_for(cast.lz_admin)
    assert client.get("/monitoring/indicators/startup_time/620723/").status_code == 200
    other = client.get("/monitoring/indicators/startup_time/620702/")
    assert other.status_code == 404
    assert "1.0000" not in other.content.decode()
