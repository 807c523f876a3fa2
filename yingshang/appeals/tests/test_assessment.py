"""综合考评: weighted three rates with published weights, ranks with ties, the page and its Excel export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from yingshang.appeals import assessment, metrics, services
from yingshang.appeals.assessment import WeightSet

from .conftest import NOW

WEIGHTS = {"response_rate": 0.10, "resolution_rate": 0.45, "satisfaction_rate": 0.45}


def test_score_is_the_weighted_rates_and_missing_rates_are_renormalised_and_named():
    full = metrics.Counts(
        dispatched=10,
        contacted_in_time=8,
        rated=4,
        resolved=3,
        partly_resolved=1,
        very_satisfied=2,
        satisfied=1,
        basically_satisfied=1,
    )
    # 0.1×80 + 0.45×(3.5/4×100) + 0.45×100 = 8 + 39.375 + 45
    assert assessment.score("甲", full, WEIGHTS).score == 92.38
    unrated = metrics.Counts(dispatched=10, contacted_in_time=5)
    result = assessment.score("乙", unrated, WEIGHTS)
    assert (result.score, result.missing) == (50.0, ("解决率", "满意率"))
    assert assessment.score("丙", metrics.Counts(received=3), WEIGHTS).score is None


def test_ranks_share_ties_and_leave_unscored_units_unranked():
    def unit(name, contacted, dispatched=10):
        return assessment.score(
            name, metrics.Counts(dispatched=dispatched, contacted_in_time=contacted), {"response_rate": 1.0}
        )

    ranked = assessment.ranked([unit("丁", 5), unit("甲", 9), unit("乙", 7), unit("丙", 7), unit("戊", 0, 0)])
    assert [(s.unit, s.rank, s.score) for s in ranked] == [
        ("甲", 1, 90.0),
        ("丙", 2, 70.0),
        ("乙", 2, 70.0),
        ("丁", 4, 50.0),
        ("戊", None, None),
    ]


def test_the_weights_in_force_are_the_latest_published_before_the_month():
    early, late = (
        WeightSet("v1", dt.date(2025, 1, 1), WEIGHTS, ""),
        WeightSet("v2", dt.date(2026, 1, 1), {"satisfaction_rate": 1.0}, ""),
    )
    assert assessment.weights_for(dt.date(2025, 12, 1), [early, late]).version == "v1"
    assert assessment.weights_for(dt.date(2026, 3, 1), [early, late]).version == "v2"
    with pytest.raises(LookupError, match="没有生效的考评权重"):
        assessment.weights_for(dt.date(2024, 12, 1), [early, late])
    for weight_set in assessment.WEIGHT_SETS:
        assessment.check_weights(weight_set.weights)
    with pytest.raises(ValueError, match="合计为 100%"):
        assessment.check_weights({"response_rate": 0.5})
    with pytest.raises(ValueError, match="未发布的指标"):
        assessment.check_weights({"happiness": 1.0})


def test_assessment_page_ranks_departments_and_exports_excel(cast, make_appeal, client_for):
    good = services.dispatch_appeal(
        make_appeal(), department=cast.gz_staff.department, by=cast.operator, now=NOW
    )
    good = services.sign_appeal(good, by=cast.gz_staff, now=NOW)
    good = services.contact_requester(good, note="已电话联系", by=cast.gz_staff, now=NOW)
    good = services.reply_appeal(good, text="已办理完毕，请企业查收答复。", by=cast.gz_staff, now=NOW)
    services.rate_appeal(good, level=5, resolution="resolved", by=cast.gz_owner, now=NOW)
    services.dispatch_appeal(
        make_appeal(by=cast.lz_owner, enterprise="lz"),
        department=cast.lz_staff.department,
        by=cast.operator,
        now=NOW,
    )
    client = client_for(cast.city_admin)
    page = client.get("/appeals/assessment/", {"month": "2025-11"})
    body = page.content.decode()
    assert page.status_code == 200 and assessment.WEIGHT_SETS[0].version in body
    assert body.index("甘州区市场监督管理局") < body.index("临泽县市场监督管理局")
    export = client.get("/appeals/assessment/export.xlsx", {"month": "2025-11"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("类别", "名次", "单位", "得分")
    departments = [r for r in rows[1:] if r[0] == "按承办单位"]
    assert [(r[1], r[2], r[3]) for r in departments] == [
        (1, "甘州区市场监督管理局", 100),
        (2, "临泽县市场监督管理局", 0),
    ]
    county = client_for(cast.lz_admin).get("/appeals/assessment/", {"month": "2025-11"}).content.decode()
    assert "临泽县市场监督管理局" in county and "甘州区市场监督管理局" not in county
