"""The index recompute end to end (values → snapshots), target status, computed providers, alerts."""

from decimal import Decimal

import pytest

from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Notification
from yingshang.monitoring import computed, dashboard, services
from yingshang.monitoring.models import Alert, IndexSnapshot, Indicator, IndicatorValue

from .conftest import at, publish

pytestmark = pytest.mark.django_db


def test_index_snapshot_scores_values_with_the_published_parameters(catalogue):
    # 网上立案率: best 75, worst 30 → 52.5 scores 50; 平均结案时间 lower-is-better: best 60, worst 150 → 105 scores 50.
    publish("online_filing_rate", "620702", "2025-03", "52.5")
    publish("average_case_duration", "620702", "2025-03", 105)
    publish("online_filing_rate", "620723", "2025-03", 75)
    assert services.recompute_index(now=at(2025, 4, 10)) == 7
    ganzhou = IndexSnapshot.objects.get(region__code="620702", period="2025-03")
    assert ganzhou.indicator_scores["online_filing_rate"] == {
        "value": 52.5,
        "score": 50.0,
        "best": 75.0,
        "worst": 30.0,
    }
    assert ganzhou.indicator_scores["average_case_duration"]["score"] == 50.0
    assert ganzhou.topic_scores["enforcing_contracts"] == 50.0
    assert ganzhou.dimension_scores["legal"] == 50.0
    assert ganzhou.dimension_scores["market"] is None  # no data is not zero
    assert ganzhou.index_score == 50.0
    assert (ganzhou.rank, ganzhou.tier) == (2, "待提升")
    linze = IndexSnapshot.objects.get(region__code="620723", period="2025-03")
    assert (linze.index_score, linze.rank, linze.tier) == (100.0, 1, "全国靠前")
    city = IndexSnapshot.objects.get(region__code="620700", period="2025-03")
    assert (city.index_score, city.rank) == (None, None)


def test_unpublished_and_no_data_values_are_not_scored(catalogue):
    publish("online_filing_rate", "620702", "2025-03", None)
    value = publish("online_filing_rate", "620723", "2025-03", 75)
    IndicatorValue.objects.filter(pk=value.pk).update(is_published=False)
    services.recompute_index(now=at(2025, 4, 10), periods=["2025-03"])
    assert set(IndexSnapshot.objects.values_list("index_score", flat=True)) == {None}


def test_quarterly_figures_carry_forward_within_the_year_and_cumulative_bounds_are_pro_rata(catalogue):
    publish("insolvency_closure_rate", "620702", "2025-03", "62.5")  # quarterly: best 85, worst 40
    publish("job_fairs", "620702", "2025-03", "87.5")  # cumulative: best 350 a year → 87.5 by March
    publish("job_fairs", "620702", "2025-04", "87.5")
    services.recompute_index(now=at(2025, 5, 10))
    march = IndexSnapshot.objects.get(region__code="620702", period="2025-03")
    april = IndexSnapshot.objects.get(region__code="620702", period="2025-04")
    assert march.indicator_scores["insolvency_closure_rate"]["score"] == 50.0
    assert april.indicator_scores["insolvency_closure_rate"]["score"] == 50.0
    assert march.indicator_scores["job_fairs"] == {"value": 87.5, "score": 100.0, "best": 87.5, "worst": 0.0}
    assert april.indicator_scores["job_fairs"]["score"] == 75.0


def test_target_rows_forecast_and_status(official_plan):
    for month, value in ((1, 60), (2, 65), (3, 70)):
        publish("online_filing_rate", "620700", f"2025-{month:02d}", value)  # +5 a month → 115 by December
    for month, value in ((1, 70), (2, 70), (3, 71)):
        publish("insolvency_closure_rate", "620700", f"2025-{month:02d}", value)
    services.recompute_index(now=at(2025, 4, 10))
    from yingshang.core.models import Region

    rows = {
        r.code: r for r in dashboard.target_rows(period="2025-03", region=Region.objects.get(code="620700"))
    }
    filing = rows["online_filing_rate"]
    assert (filing.current, filing.forecast, filing.status, filing.target_label) == (
        70.0,
        115.0,
        "on_track",
        "≥75%",
    )
    insolvency = rows["insolvency_closure_rate"]
    assert (insolvency.forecast, insolvency.status, insolvency.target_count) == (
        75.33,
        "off_track",
        2,
    )  # slope 0.5, intercept 69.33
    assert rows["hotline_handling_rate"].status == "no_data"
    assert len(rows) == 39  # 41 targets; 破产案件结案率 and 审限内结案率 are each stated twice
    # The month shown is the latest: its score sits beside the value, and the index row reads the index itself.
    march = IndexSnapshot.objects.get(region__code="620700", period="2025-03")
    assert filing.score == march.indicator_scores["online_filing_rate"]["score"] is not None
    index_row = rows["ease_index"]
    assert (index_row.current, index_row.target_threshold) == (round(march.index_score, 2), 90.0)


def test_alerts_for_lagging_targets_score_drops_and_missing_data(official_plan, cast):
    publish("insolvency_closure_rate", "620700", "2025-03", 70)
    publish("online_filing_rate", "620702", "2025-02", 75)
    publish("online_filing_rate", "620702", "2025-03", 60)  # score 100 → 66.7
    services.recompute_index(now=at(2025, 4, 20))
    services.open_round(period="2025-03")
    alerts = services.generate_alerts(period="2025-03", now=at(2025, 4, 20))
    assert sorted(a.indicator.code for a in alerts if a.kind == "off_track") == [
        "ease_index",
        "insolvency_closure_rate",
    ]
    assert [a.region.code for a in alerts if a.kind == "score_drop"] == ["620702"]
    assert {a.department.function_key for a in alerts if a.kind == "missing_data"} >= {
        "market",
        "court",
        "hrss",
    }
    drop = Alert.objects.get(kind="score_drop")
    assert drop.message == "甘州区“网上立案率”得分由 100.0 降至 66.7（2025年3月）。"
    assert drop.department.name == "甘州区人民法院"
    assert Notification.objects.filter(recipient=cast.gz_staff, title="监测预警：截止未报数据").count() == 1
    assert services.generate_alerts(period="2025-03", now=at(2025, 4, 21)) == []  # deduplicated


def test_rank_fall_of_two_places_raises_an_alert_for_the_county(catalogue, cast):
    # 2025-02: 甘州区 first of three counties; 2025-03: last (a fall of two places).
    for code, february, march in (("620702", 70, 40), ("620723", 60, 65), ("620724", 50, 55)):
        publish("online_filing_rate", code, "2025-02", february)
        publish("online_filing_rate", code, "2025-03", march)
    services.recompute_index(now=at(2025, 4, 20))
    alerts = services.generate_alerts(period="2025-03", now=at(2025, 4, 20))
    falls = [a for a in alerts if a.kind == "rank_fall"]
    assert [(a.region.code, a.message) for a in falls] == [
        ("620702", "甘州区便利度指数排名由第 1 位降至第 3 位（2025年3月）。")
    ]
    assert services.generate_alerts(period="2025-03", now=at(2025, 4, 21)) == []


def test_escalation_uses_the_plans_supervision_service_or_says_it_is_missing(official_plan, cast):
    publish("insolvency_closure_rate", "620700", "2025-03", 70)
    services.recompute_index(now=at(2025, 4, 20))
    alert = services.generate_alerts(period="2025-03", now=at(2025, 4, 20))[0]
    from yingshang.plans import services as plan_services

    if getattr(plan_services, "open_supervision", None) is None:
        with pytest.raises(services.SupervisionUnavailable, match="plans.services.open_supervision"):
            services.escalate_alert(alert=alert, by=cast.city_admin, now=at(2025, 4, 21))
        alert.refresh_from_db()
        assert alert.status == "open"
    else:
        # No task owns the target yet: refused with a reason, nothing changes.
        with pytest.raises(BusinessRuleError, match="无法转督办"):
            services.escalate_alert(alert=alert, by=cast.city_admin, now=at(2025, 4, 21))
        alert.refresh_from_db()
        assert alert.status == "open"
        # Task 12 (破产) led by the alert's department: the 督办 lands on it.
        from yingshang.plans.models import PlanTask, SupervisionNotice

        task = PlanTask.objects.create(plan=official_plan, number="12", title="提升破产办理效率")
        task.lead_departments.add(alert.department)
        services.escalate_alert(alert=alert, by=cast.city_admin, now=at(2025, 4, 21))
        alert.refresh_from_db()
        notice = SupervisionNotice.objects.get(task=task)
        assert (alert.status, alert.supervision_ref) == ("supervised", str(notice.pk))
        assert "监测预警督办" in notice.reason


def test_computed_providers_give_no_data_rather_than_zero(catalogue):
    from yingshang.core.models import Region

    city = Region.objects.get(code="620700")
    assert computed.compute("hotline_handling_rate", city, "2025-03") is None
    assert computed.compute("policy_disbursement_rate", city, "2025-03") is None
    assert computed.compute("plan_task_completion", city, "2025-03") is None
    assert computed.compute("no_such_indicator", city, "2025-03") is None
    assert services.refresh_computed_values(period="2025-03", now=at(2025, 4, 2)) == 0
    assert IndicatorValue.objects.count() == 0


def test_computed_value_is_written_with_its_provenance_once(catalogue, monkeypatch):
    def fake(region, period):
        return computed.ComputedValue(Decimal("97.5"), f"测试来源 {region.code} {period}")

    monkeypatch.setitem(computed.PROVIDERS, "hotline_handling_rate", fake)
    assert services.refresh_computed_values(period="2025-03", now=at(2025, 4, 2)) == 7
    assert services.refresh_computed_values(period="2025-03", now=at(2025, 4, 3)) == 0
    value = IndicatorValue.objects.get(indicator__code="hotline_handling_rate", region__code="620702")
    assert (value.value, value.computation, value.is_published, value.origin) == (
        Decimal("97.5000"),
        "测试来源 620702 2025-03",
        True,
        "computed",
    )
    assert Indicator.objects.get(code="hotline_handling_rate").source == "computed"


def test_tasks_remind_and_compute_idempotently(official_plan, cast):
    from yingshang.monitoring.tasks import remind_open_rounds, run_monthly_monitoring

    services.open_round(period="2025-03")
    publish("insolvency_closure_rate", "620700", "2025-03", 70)
    first = remind_open_rounds.call(today="2025-04-07")
    assert first > 0 and remind_open_rounds.call(today="2025-04-07") == 0
    raised = run_monthly_monitoring.call(period="2025-03")
    assert raised > 0 and run_monthly_monitoring.call(period="2025-03") == 0
