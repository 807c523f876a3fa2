"""Hostile input on the monitoring forms: numbers and texts too large for their columns give a Chinese 4xx (never a
database error on PostgreSQL), and nothing is saved."""

import pytest

from yingshang.monitoring import services
from yingshang.monitoring.models import IndicatorValue, Submission, Survey

from .conftest import at

pytestmark = pytest.mark.django_db


def test_survey_sample_size_and_seed_beyond_their_columns_are_refused(catalogue, cast, client_for):
    client = client_for(cast.city_admin)
    response = client.post(
        "/monitoring/surveys/", {"title": "调查", "period": "2026-09", "sample_size": "99999999999"}
    )
    assert response.status_code == 400 and "样本量应在 1 至 100000 之间" in response.content.decode()
    assert (
        client.post(
            "/monitoring/surveys/", {"title": "长" * 201, "period": "2026-09", "sample_size": "5"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            "/monitoring/surveys/", {"title": "调查", "period": "２０２６-09", "sample_size": "5"}
        ).status_code
        == 400
    )
    assert Survey.objects.count() == 0
    survey = client.post("/monitoring/surveys/", {"title": "调查", "period": "2026-09", "sample_size": "5"})
    assert survey.status_code == 302
    drawn = client.post(survey["Location"], {"action": "sample", "seed": str(2**64)}, follow=True)
    assert drawn.status_code == 200 and "随机种子应为 0 至" in drawn.content.decode()
    assert Survey.objects.get().sample_seed is None


def test_web_form_with_absurd_values_saves_nothing(catalogue, cast, client_for, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 10, 2))
    collection_round = services.open_round(period="2026-09")
    form = {
        "startup_time__620702__value": "1e30",
        "startup_online_rate__620702__value": "NaN",
        "high_value_patents__620702__value": "0.8",
        "ip_pledge_financing__620702__value": "Infinity",
        "random_inspection_coverage__620702__value": "85",
        "joint_inspection_share__620702__value": "55",
        "joint_inspection_share__620702__note": "长" * 501,
    }
    response = client_for(cast.gz_staff).post(f"/monitoring/rounds/{collection_round.pk}/", form)
    page = response.content.decode()
    assert response.status_code == 400
    assert "超出可保存的范围" in page and "“NaN”不是数字" in page and "“说明”不能超过 500 字" in page
    assert (IndicatorValue.objects.count(), Submission.objects.exclude(status="draft").count()) == (0, 0)


def test_long_revision_reason_and_review_note_are_refused(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    rows = [
        services.SubmittedRow(indicator_code=code, region_code="620702", raw_value=value)
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
        department=cast.gz_staff.department,
        rows=rows,
        by=cast.gz_staff,
        now=at(2025, 4, 2),
    )
    with pytest.raises(services.BusinessRuleError, match="审核意见不能超过 500 字"):
        services.review_submission(
            submission=submission, approve=False, note="退" * 501, by=cast.city_admin, now=at(2025, 4, 3)
        )
    value = IndicatorValue.objects.get(indicator__code="startup_time")
    with pytest.raises(services.BusinessRuleError, match="更正原因不能超过 500 字"):
        services.revise_value(
            value=value, raw_value="2", no_data=False, reason="因" * 501, by=cast.gz_staff, now=at(2025, 4, 3)
        )
    assert Submission.objects.get().status == "submitted" and IndicatorValue.objects.count() == 6
