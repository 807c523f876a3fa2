"""A dissatisfied survey answer enters the closed loop as an appeal, once."""

from yingshang.appeals.models import Appeal
from yingshang.appeals.services import file_appeal_from_survey


def test_survey_answer_becomes_one_appeal(cast, catalogue, now):
    first = file_appeal_from_survey(
        enterprise=cast.gz_enterprise,
        text="审批材料反复要求补交，跑了三次还没办完。",
        source="monitoring.survey_response:7",
        now=now,
    )
    again = file_appeal_from_survey(
        enterprise=cast.gz_enterprise,
        text="审批材料反复要求补交，跑了三次还没办完。",
        source="monitoring.survey_response:7",
        now=now,
    )
    assert first.pk == again.pk
    assert (first.channel, first.status, first.enterprise, first.region.code) == (
        "monitoring_station",
        "received",
        cast.gz_enterprise,
        "620702",
    )
    assert Appeal.objects.filter(external_id="monitoring.survey_response:7").count() == 1


def test_without_categories_the_answer_waits_for_a_person(cast, db, now):
    assert (
        file_appeal_from_survey(enterprise=cast.gz_enterprise, text="不满意", source="x:1", now=now) is None
    )
