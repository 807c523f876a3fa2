"""Satisfaction surveys: reproducible stratified sample, answers by token, rate with Wilson interval, publication."""

import pytest

from conftest import make_enterprise
from yingshang.core.errors import BusinessRuleError, ConflictError
from yingshang.monitoring import survey_services
from yingshang.monitoring.models import IndicatorValue, SurveyInvitation

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprises(db):
    return [
        make_enterprise(
            name=f"测试企业{n}",
            county_code="620702" if n % 3 else "620723",
            seed=100 + n,
            industry_section="A" if n % 2 else "C",
        )
        for n in range(30)
    ]


def test_sample_is_stratified_and_reproducible_from_the_stored_seed(catalogue, cast, enterprises):
    first = survey_services.create_survey(
        title="一季度调查", period="2025-03", sample_size=10, by=cast.city_admin
    )
    assert survey_services.draw_sample(survey=first, seed=7, by=cast.city_admin) == 10
    second = survey_services.create_survey(title="复核", period="2025-03", sample_size=10, by=cast.city_admin)
    survey_services.draw_sample(survey=second, seed=7, by=cast.city_admin)
    picked = sorted(first.invitations.values_list("enterprise_id", flat=True))
    assert picked == sorted(second.invitations.values_list("enterprise_id", flat=True))
    first.refresh_from_db()
    assert first.sample_seed == 7 and len(first.pool) == 32  # 30 + the cast's two enterprises
    assert sum(first.strata.values()) == 10 and len(first.strata) == 4
    with pytest.raises(ConflictError, match="该调查已抽样"):
        survey_services.draw_sample(survey=first, seed=8, by=cast.city_admin)


def test_answers_rate_interval_small_sample_flag_and_publication(catalogue, cast, enterprises):
    survey = survey_services.create_survey(
        title="一季度调查", period="2025-03", sample_size=12, by=cast.city_admin
    )
    survey_services.draw_sample(survey=survey, seed=3, by=cast.city_admin)
    invitation = survey.invitations.first()
    with pytest.raises(ConflictError, match="未在进行中"):
        survey_services.submit_survey_response(
            invitation=invitation, answers={}, comment="", now=at(2025, 3, 5)
        )
    survey_services.open_survey(survey=survey, by=cast.city_admin, now=at(2025, 3, 1))
    with pytest.raises(BusinessRuleError, match="请为“您对本地营商环境的总体满意度”选择 1–5 分的评价"):
        survey_services.submit_survey_response(
            invitation=invitation, answers={"overall": "9"}, comment="", now=at(2025, 3, 5)
        )
    ratings = [5, 4, 4, 5, 2, 3, 5, 4, 1, 4]
    for invitation, overall in zip(survey.invitations.order_by("id"), ratings, strict=False):
        answers = {"overall": overall, "services": 4, "policies": 4, "legal": 4, "appeals": 4}
        survey_services.submit_survey_response(
            invitation=invitation,
            answers=answers,
            comment="审批太慢" if overall <= 2 else "",
            now=at(2025, 3, 5),
        )
    with pytest.raises(ConflictError, match="已提交过答卷"):
        survey_services.submit_survey_response(
            invitation=survey.invitations.order_by("id").first(),
            answers={"overall": 5},
            comment="",
            now=at(2025, 3, 6),
        )
    city = next(r for r in survey_services.satisfaction(survey) if r.group == "全市")
    assert (city.invited, city.answered, city.satisfied, city.rate) == (12, 10, 7, 70.0)
    assert tuple(round(x, 2) for x in city.interval) == (39.68, 89.22)
    assert city.small_sample is True
    survey_services.close_survey(survey=survey, by=cast.city_admin, now=at(2025, 3, 28))
    written = survey_services.publish_satisfaction(survey=survey, by=cast.city_admin, now=at(2025, 3, 29))
    value = IndicatorValue.objects.get(indicator__code="entity_satisfaction", region__code="620700")
    assert written == 3
    assert (value.value, value.origin, value.is_published) == (70, "survey", True)
    assert (
        value.computation
        == "《一季度调查》有效答卷 10 份，满意 7 份，95% 置信区间 39.7%–89.2%（样本不足 30，仅供参考）"
    )


def test_answer_page_works_by_token_without_login(catalogue, cast, enterprises, client):
    survey = survey_services.create_survey(
        title="一季度调查", period="2025-03", sample_size=5, by=cast.city_admin
    )
    survey_services.draw_sample(survey=survey, seed=3, by=cast.city_admin)
    survey_services.open_survey(survey=survey, by=cast.city_admin, now=at(2025, 3, 1))
    invitation = survey.invitations.first()
    url = f"/monitoring/s/{invitation.token}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "overall": "2",
            "services": "3",
            "policies": "3",
            "legal": "3",
            "appeals": "3",
            "comment": "窗口排队时间长",
        },
    )
    assert response.status_code == 200 and "感谢参与" in response.content.decode()
    assert SurveyInvitation.objects.get(pk=invitation.pk).response.comment == "窗口排队时间长"
    assert client.get("/monitoring/s/not-a-token/").status_code == 404
    assert client.post(url, {"overall": "5"}).status_code == 409


def test_qr_code_is_a_png(catalogue, cast, enterprises, client_for):
    survey = survey_services.create_survey(
        title="一季度调查", period="2025-03", sample_size=2, by=cast.city_admin
    )
    survey_services.draw_sample(survey=survey, seed=3, by=cast.city_admin)
    invitation = survey.invitations.first()
    response = client_for(cast.city_admin).get(f"/monitoring/surveys/{survey.pk}/qr/{invitation.pk}.png")
    assert (response.status_code, response["Content-Type"], response.content[:4]) == (
        200,
        "image/png",
        b"\x89PNG",
    )
