"""Pages (dashboard with drill-down, submission by form and Excel, review, reports, exports) and the API."""

import io
import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from yingshang.monitoring import dashboard, services
from yingshang.monitoring.models import IndexSnapshot, IndicatorValue

from .conftest import at, publish, score_first_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(official_plan):
    """The conftest's scored plan with 办理破产结案率 as well (city-wide)."""
    score_first_quarter("insolvency_closure_rate")


def test_dashboard_shows_index_targets_and_county_ranking(scored, cast, client_for):
    response = client_for(cast.leader).get("/monitoring/?period=2025-03")
    page = response.content.decode()
    assert response.status_code == 200
    assert "全市便利度指数" in page and "临泽县" in page and "网上立案率" in page
    assert 'data-chart="chart-ranking"' in page and 'id="chart-radar"' in page
    assert "预计难以完成" in page


def test_dashboard_query_count_does_not_grow_with_history(scored, cast, client_for):
    client = client_for(cast.leader)
    client.get("/monitoring/?period=2025-03")
    caches["default"].clear()  # measure the page as rendered, not its cached body
    with CaptureQueriesContext(connection) as short:
        client.get("/monitoring/?period=2025-03")
    for month in range(4, 13):
        publish("online_filing_rate", "620702", f"2025-{month:02d}", 60)
    services.recompute_index(now=at(2026, 1, 10))
    caches["default"].clear()
    with CaptureQueriesContext(connection) as long:
        client.get("/monitoring/?period=2025-03")
    assert len(short) == len(long)


def _main(page: str) -> str:
    return re.search(r"<main.*</main>", page, re.S).group(0)


def test_dashboard_body_is_cached_until_monitoring_data_changes(scored, cast, client_for):
    client = client_for(cast.leader)
    first = client.get("/monitoring/?period=2025-03").content.decode()
    with CaptureQueriesContext(connection) as cached:
        again = client.get("/monitoring/?period=2025-03").content.decode()
    assert _main(again) == _main(first)  # the page around it carries a nonce and a CSRF token per response
    assert not any("monitoring_indexsnapshot" in q["sql"] for q in cached.captured_queries)
    # A recompute after new figures writes the snapshots: the next view shows them, not the cached body.
    for month in range(4, 13):
        publish("online_filing_rate", "620702", f"2025-{month:02d}", 60)
    services.recompute_index(now=at(2026, 1, 10))
    with CaptureQueriesContext(connection) as fresh:
        client.get("/monitoring/?period=2025-03")
    assert any("monitoring_indexsnapshot" in q["sql"] for q in fresh.captured_queries)


def test_bad_period_on_the_dashboard_is_a_400(scored, cast, client_for):
    assert client_for(cast.leader).get("/monitoring/?period=2025-3").status_code == 400


def test_drill_down_reaches_the_submitted_values_and_their_provenance(scored, cast, client_for):
    client = client_for(cast.city_admin)
    assert "网上立案率" in client.get("/monitoring/dimensions/legal/?period=2025-03").content.decode()
    detail = client.get("/monitoring/indicators/online_filing_rate/?period=2025-03").content.decode()
    assert "谁报的、何时、来源" in detail and "≥75%" in detail
    values = client.get("/monitoring/indicators/online_filing_rate/620702/").content.decode()
    assert "2025-03" in values and "53" in values and "网页填报" in values


def test_every_number_on_the_way_down_is_a_link_to_the_next_level(scored, cast, client_for):
    client = client_for(cast.leader)
    dashboard_page = client.get("/monitoring/?period=2025-03").content.decode()
    # A heat-table score opens its dimension; a target's current value opens who reported it.
    assert 'href="/monitoring/dimensions/legal/?period=2025-03#r-620702"' in dashboard_page
    assert 'href="/monitoring/indicators/online_filing_rate/620700/"' in dashboard_page
    dimension_page = client.get("/monitoring/dimensions/legal/?period=2025-03").content.decode()
    assert 'id="r-620702"' in dimension_page
    assert 'href="/monitoring/indicators/online_filing_rate/620702/"' in dimension_page
    indicator_page = client.get("/monitoring/indicators/online_filing_rate/?period=2025-03").content.decode()
    assert 'href="/monitoring/indicators/online_filing_rate/620723/">73%</a>' in indicator_page


def test_dashboard_states_the_plans_index_target_and_scores_beside_targets(scored, cast, client_for):
    page = client_for(cast.leader).get("/monitoring/?period=2025-03").content.decode()
    march = IndexSnapshot.objects.select_related("region").get(region__code="620700", period="2025-03")
    target = next(
        row
        for row in dashboard.target_rows(period="2025-03", region=march.region)
        if row.code == "ease_index"
    )
    assert f"方案目标 {target.target_label}" in page and target.target_threshold == 90.0
    assert '"yAxis": 90.0' in page  # the trend's target line comes from the plan
    score = march.indicator_scores["online_filing_rate"]["score"]
    assert f'<td data-label="得分">{score:.1f}</td>' in page


def test_catalogue_and_indicator_name_the_responsible_department_in_chinese(scored, cast, client_for):
    client = client_for(cast.leader)
    catalogue_page = client.get("/monitoring/indicators/").content.decode()
    assert (
        '<td data-label="责任部门">张掖市中级人民法院<br>' in catalogue_page
        and ">court<" not in catalogue_page
    )
    detail = client.get("/monitoring/indicators/online_filing_rate/?period=2025-03").content.decode()
    assert "（责任部门：张掖市中级人民法院；" in detail


def test_values_page_shows_plain_numbers_and_offers_correction_only_to_who_may_correct(
    scored, cast, client_for
):
    leader_page = (
        client_for(cast.leader).get("/monitoring/indicators/online_filing_rate/620702/").content.decode()
    )
    assert "53%" in leader_page and "53.0000" not in leader_page
    assert "/revise/" not in leader_page
    assert (
        "/revise/"
        in client_for(cast.city_admin)
        .get("/monitoring/indicators/online_filing_rate/620702/")
        .content.decode()
    )


def test_a_refused_web_form_keeps_what_was_typed(catalogue, cast, client_for, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2025, 4, 3))
    collection_round = services.open_round(period="2025-03")
    form = {
        "startup_time__620702__value": "abc",
        "ip_pledge_financing__620702__no_data": "on",
        "ip_pledge_financing__620702__note": "本月未统计",
    }
    response = client_for(cast.gz_staff).post(f"/monitoring/rounds/{collection_round.pk}/", form)
    page = response.content.decode()
    assert response.status_code == 400 and IndicatorValue.objects.count() == 0
    assert 'name="startup_time__620702__value" inputmode="decimal"' in page and 'value="abc"' in page
    assert 'aria-label="知识产权质押融资额 甘州区 无数据" checked>' in page
    assert 'value="本月未统计"' in page


def test_web_form_submission_then_review_then_recompute(catalogue, cast, client_for, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2025, 4, 3))
    collection_round = services.open_round(period="2025-03")
    client = client_for(cast.gz_staff)
    url = f"/monitoring/rounds/{collection_round.pk}/"
    form = {
        "startup_time__620702__value": "1.5",
        "startup_online_rate__620702__value": "101",
        "high_value_patents__620702__value": "0.8",
        "ip_pledge_financing__620702__value": "",
        "ip_pledge_financing__620702__no_data": "on",
        "ip_pledge_financing__620702__note": "未统计",
        "random_inspection_coverage__620702__value": "85",
        "joint_inspection_share__620702__value": "55",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "企业开办全程网办率”：百分比不能超过 100（填写为 101）" in response.content.decode()
    assert IndicatorValue.objects.count() == 0
    form["startup_online_rate__620702__value"] = "91"
    assert client.post(url, form).status_code == 302
    submission = IndicatorValue.objects.get(indicator__code="startup_online_rate").submission
    review = client_for(cast.city_admin).post(
        f"/monitoring/submissions/{submission.pk}/review/", {"decision": "approve"}
    )
    assert review.status_code == 302
    assert IndicatorValue.objects.published().get(indicator__code="startup_online_rate").value == Decimal(
        "91"
    )
    assert IndicatorValue.objects.get(indicator__code="ip_pledge_financing").no_data is True
    assert (
        client_for(cast.gz_staff)
        .post(f"/monitoring/submissions/{submission.pk}/review/", {"decision": "approve"})
        .status_code
        == 403
    )


def test_excel_upload_through_the_page(catalogue, cast, client_for, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2025, 4, 3))
    collection_round = services.open_round(period="2025-03")
    client = client_for(cast.lz_staff)
    template = client.get(f"/monitoring/rounds/{collection_round.pk}/template.xlsx")
    assert template.status_code == 200
    book = load_workbook(io.BytesIO(template.content))
    sheet = book.active
    for row, value in zip(range(2, 8), [2, 80, 0.5, 100, 70, 40], strict=True):
        sheet.cell(row=row, column=6, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.name = "临泽县市场监管局-3月.xlsx"
    buffer.seek(0)
    posted = client.post(f"/monitoring/rounds/{collection_round.pk}/", {"file": buffer})
    assert posted.status_code == 302
    value = IndicatorValue.objects.get(indicator__code="startup_time", region__code="620723")
    assert (value.value, value.origin, value.source_file, value.entered_by) == (
        Decimal("2"),
        "excel",
        "临泽县市场监管局-3月.xlsx",
        cast.lz_staff,
    )


def test_reports_and_exports(scored, cast, client_for):
    client = client_for(cast.leader)
    pdf = client.get("/monitoring/reports/2025-03.pdf")
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    docx = client.get("/monitoring/reports/2025-03.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "2025年3月营商环境动态监测通报" in text
    assert client.get("/monitoring/reports/2025-13.pdf").status_code == 400
    assert client.get("/monitoring/reports/2024-01.pdf").status_code == 404
    export = client.get("/monitoring/export/ranking.xlsx?period=2025-03")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "县区", "便利度指数（分）", "档次")
    assert [r[1] for r in rows[1:4]] == ["张掖市", "临泽县", "甘州区"]


def test_api_indicators_lists_definitions_and_current_targets(official_plan, cast, client_for):
    response = client_for(cast.leader).get("/api/v1/monitoring/indicators?year=2025")
    assert response.status_code == 200
    by_code = {row["code"]: row for row in response.json()}
    insolvency = by_code["insolvency_closure_rate"]
    assert (insolvency["unit"], insolvency["direction"], insolvency["source"]) == ("%", "higher", "manual")
    assert sorted((t["comparator"], t["value"], t["soft"]) for t in insolvency["targets"]) == [
        (">=", "80.0000", False),
        (">=", "85.0000", False),
    ]
    cost = by_code["industry_cost_reduction"]["targets"][0]
    assert (cost["comparator"], cost["low"], cost["high"], cost["soft"], cost["growth"]) == (
        "range",
        "10.0000",
        "15.0000",
        True,
        True,
    )
    assert client_for(cast.gz_owner).get("/api/v1/monitoring/indicators").status_code == 403
    assert client_for(cast.leader).get("/api/v1/monitoring/indicators?year=25").status_code == 400


def test_api_index_returns_scores_and_inputs(scored, cast, client_for):
    client = client_for(cast.leader)
    response = client.get("/api/v1/monitoring/index?region=620702&period=2025-03")
    assert response.status_code == 200
    body = response.json()
    assert (body["region_name"], body["rank"], body["period"]) == ("甘州区", 2, "2025-03")
    legal = next(d for d in body["dimensions"] if d["code"] == "legal")
    contracts = next(t for t in legal["topics"] if t["code"] == "enforcing_contracts")
    filing = next(i for i in contracts["indicators"] if i["code"] == "online_filing_rate")
    assert (filing["value"], filing["best"], filing["worst"], filing["score"]) == (53.0, 75.0, 30.0, 51.1111)
    for query, message in (
        ("region=620702&period=2025-3", "所属期“2025-3”格式不正确"),
        ("region=123456&period=2025-03", "区划代码“123456”不是本市或所辖县区的 GB/T 2260 代码"),
        ("period=2025-03", "请提供区划代码 region"),
    ):
        bad = client.get(f"/api/v1/monitoring/index?{query}")
        assert bad.status_code == 400 and message in bad.json()["detail"]
    missing = client.get("/api/v1/monitoring/index?region=620702&period=2024-01")
    assert missing.status_code == 404 and "甘州区2024年1月尚无指数" in missing.json()["detail"]


def test_weights_page_refuses_groups_that_do_not_add_up(catalogue, cast, client_for):
    from yingshang.monitoring.models import WeightSet

    client = client_for(cast.city_admin)
    current = WeightSet.objects.get().weights
    form = {"effective_from": "2025-07", "note": "调整"}
    for level, weights in current.items():
        for code, weight in weights.items():
            form[f"{level}:{code}"] = str(weight)
    form["dimension:market"] = "35"
    response = client.post("/monitoring/weights/", form)
    assert response.status_code == 400
    assert "“便利度指数”下各项权重合计为 110，应为 100。" in response.content.decode()
    assert WeightSet.objects.count() == 1
    form["dimension:legal"] = "15"
    assert client.post("/monitoring/weights/", form).status_code == 302
    assert WeightSet.objects.latest("version").weights["dimension"]["market"] == 35.0


def test_alert_pages_acknowledge(catalogue, cast, client_for):
    alert = services._missing_data_alert(
        cast.gz_staff.department, services.open_round(period="2025-03"), at(2025, 4, 20)
    )
    client = client_for(cast.gz_staff)
    assert "截止未报数据" in client.get("/monitoring/alerts/").content.decode()
    assert client.post(f"/monitoring/alerts/{alert.pk}/", {"action": "acknowledge"}).status_code == 302
    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert client_for(cast.lz_staff).get(f"/monitoring/alerts/{alert.pk}/").status_code == 404


def test_survey_pages_create_and_validate(catalogue, cast, client_for):
    client = client_for(cast.city_admin)
    bad = client.post("/monitoring/surveys/", {"title": "三季度", "period": "2025-3", "sample_size": "100"})
    assert bad.status_code == 400 and "所属期“2025-3”格式不正确" in bad.content.decode()
    created = client.post(
        "/monitoring/surveys/", {"title": "三季度", "period": "2025-09", "sample_size": "100"}
    )
    assert created.status_code == 302
    page = client.get(created["Location"]).content.decode()
    assert "分层抽样" in page and "95% Wilson 置信区间" in page


def test_catalogue_defaults_to_the_plan_year_of_the_latest_month(catalogue, cast, client_for):
    from yingshang.monitoring.services import link_plan_targets

    from .conftest import make_official_plan, seed_plan_text

    make_official_plan(seed_plan_text(), year=2026)
    link_plan_targets()
    publish("online_filing_rate", "620700", "2026-10", 80)
    services.recompute_index(now=at(2026, 11, 10))
    client = client_for(cast.leader)
    page = client.get("/monitoring/indicators/").content.decode()
    assert "（2026 年目标）" in page and "≥75%" in page
    indicators = {i["code"]: i for i in client.get("/api/v1/monitoring/indicators").json()}
    assert {t["plan_year"] for t in indicators["online_filing_rate"]["targets"]} == {2026}
    assert "（2025 年目标）" in client.get("/monitoring/indicators/?year=2025").content.decode()
