"""导出 Excel: every monitoring table exports the page's rows and columns, in the page's scope, with a Chinese header
row, numbers as numbers, units in the header and formula-safe text."""

import html
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import make_enterprise
from yingshang.monitoring import dashboard, survey_services
from yingshang.monitoring.models import (
    Alert,
    Indicator,
    IndicatorValue,
    Submission,
    SubmissionRound,
)

from .conftest import at, publish

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_link(page: str, text: str = "导出 Excel") -> str:
    """The href of the page's export link (the one a user clicks)."""
    match = re.search(r'href="(/monitoring/export/[^"]+)">' + re.escape(text) + "<", page)
    assert match, f"no “{text}” link on the page"
    return html.unescape(match.group(1))


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == XLSX
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def download(client, page_url: str, text: str = "导出 Excel") -> list[tuple]:
    page = client.get(page_url)
    assert page.status_code == 200
    return rows_of(client.get(export_link(page.content.decode(), text)))


def test_dimension_export_has_the_pages_scores_and_values_as_numbers(scored, cast, client_for):
    rows = download(client_for(cast.leader), "/monitoring/dimensions/legal/?period=2025-03")
    header = rows[0]
    assert header[:3] == ("层级", "一级指标 / 指标", "单位")
    assert header[3:5] == ("张掖市得分（分）", "张掖市数值")
    line = next(r for r in rows if r[1] == "网上立案率")
    city = IndicatorValue.objects.get(
        indicator__code="online_filing_rate", region__code="620700", period="2025-03"
    )
    snapshot_score = dashboard.overview(period="2025-03", user=cast.leader).city.indicator_scores[
        "online_filing_rate"
    ]["score"]
    assert (line[0], line[2], line[4]) == ("指标", "%", float(city.value))
    assert line[3] == pytest.approx(snapshot_score) and isinstance(line[3], int | float)
    assert any(r[0] == "一级指标" and r[2] == "分" for r in rows[1:])


def test_indicator_export_lists_every_region_with_units_in_the_header(scored, cast, client_for):
    rows = download(client_for(cast.gz_staff), "/monitoring/indicators/online_filing_rate/?period=2025-03")
    assert rows[0] == ("区划", "区划代码", "数值（%）", "最优值（%）", "最差值（%）", "得分（分）")
    by_region = {r[1]: r for r in rows[1:]}
    assert by_region["620723"][2] == 73.0 and by_region["620702"][2] == 53.0
    assert isinstance(by_region["620723"][5], int | float)


def test_values_export_carries_provenance_and_stays_in_the_users_county(scored, cast, client_for):
    first = IndicatorValue.objects.get(
        indicator__code="online_filing_rate", region__code="620702", period="2025-03"
    )
    first.is_current = first.is_published = False
    first.save(update_fields=["is_current", "is_published"])
    IndicatorValue.objects.create(
        indicator=first.indicator,
        region=first.region,
        period="2025-03",
        value=Decimal("54.5000"),
        origin="excel",
        department=cast.gz_staff.department,
        entered_by=cast.gz_staff,
        entered_at=at(2025, 4, 3, 9),
        source_file="甘州区市场监管局-3月.xlsx",
        note='=HYPERLINK("http://example.invalid")',
        replaces=first,
        revision_reason="录入错误",
        is_current=True,
        is_published=True,
        published_by=cast.city_admin,
        published_at=at(2025, 4, 4, 15),
    )
    client = client_for(cast.gz_admin)
    rows = download(client, "/monitoring/indicators/online_filing_rate/620702/")
    assert rows[0] == (
        "所属期",
        "数值（%）",
        "无数据",
        "说明",
        "状态",
        "来源方式",
        "来源文件",
        "计算来源",
        "报送部门",
        "经办人",
        "填报时间",
        "替代的数值（%）",
        "修改原因",
        "审核发布人",
        "发布时间",
    )
    newest = rows[1]
    assert (
        newest[0] == "2025-03" and newest[1] == 54.5 and newest[3] == '\'=HYPERLINK("http://example.invalid")'
    )
    assert newest[4:7] == ("已发布", "Excel 模板导入", "甘州区市场监管局-3月.xlsx")
    assert newest[8] == cast.gz_staff.department.name and newest[9] == str(cast.gz_staff)
    assert newest[10].strftime("%Y-%m-%d %H:%M") == "2025-04-03 09:00"  # Beijing time, as the page shows
    assert (newest[11], newest[12], newest[13]) == (53.0, "录入错误", str(cast.city_admin))
    assert (
        len(rows) - 1
        == IndicatorValue.objects.filter(indicator__code="online_filing_rate", region__code="620702").count()
    )
    # Another county's values: 404 like the page, nothing exported.
    other = client.get("/monitoring/export/values.xlsx?code=online_filing_rate&region=620723")
    assert other.status_code == 404


def test_catalogue_export_has_every_indicator_and_its_plan_targets(scored, cast, client_for):
    rows = download(client_for(cast.leader), "/monitoring/indicators/?year=2025")
    assert rows[0][:4] == ("维度", "一级指标", "指标", "标识") and rows[0][-1] == "2025年方案目标"
    assert len(rows) - 1 == Indicator.objects.count()
    filing = next(r for r in rows if r[3] == "online_filing_rate")
    assert filing[7] == "%" and "≥75%" in filing[-1] and filing[11] == "张掖市中级人民法院"


def test_alerts_export_is_scoped_like_the_page(catalogue, cast, client_for):
    from yingshang.core.models import Region

    for key, user, code in (("gz", cast.gz_staff, "620702"), ("lz", cast.lz_staff, "620723")):
        Alert.objects.create(
            kind="missing_data",
            region=Region.objects.get(code=code),
            period="2025-03",
            department=user.department,
            message=f"{user.department.name}未报送",
            dedupe_key=f"export.{key}",
            created_at=at(2025, 4, 9),
        )
    gz_rows = download(client_for(cast.gz_admin), "/monitoring/alerts/")
    assert gz_rows[0] == ("时间", "所属期", "类型", "内容", "指标", "区划", "责任部门", "状态", "督办编号")
    assert [r[5] for r in gz_rows[1:]] == ["甘州区"]
    city_rows = download(client_for(cast.city_admin), "/monitoring/alerts/")
    assert sorted(r[5] for r in city_rows[1:]) == ["临泽县", "甘州区"]


def test_rounds_round_and_submission_exports(catalogue, cast, client_for):
    collection_round = SubmissionRound.objects.create(period="2025-03", deadline=at(2025, 4, 8).date())
    submissions = {}
    for key, user in (("gz", cast.gz_staff), ("lz", cast.lz_staff)):
        submissions[key] = Submission.objects.create(
            round=collection_round,
            department=user.department,
            status="submitted",
            submitted_by=user,
            submitted_at=at(2025, 4, 7),
            late=key == "lz",
        )
    IndicatorValue.objects.filter(pk=publish("online_filing_rate", "620702", "2025-03", 51).pk).update(
        submission=submissions["gz"], department=cast.gz_staff.department
    )
    gz_client = client_for(cast.gz_staff)
    rounds = download(gz_client, "/monitoring/rounds/")
    assert rounds[0] == ("所属期", "截止日期", "本部门状态", "本部门逾期")
    assert rounds[1][:3] == ("2025-03", at(2025, 4, 8).replace(tzinfo=None, hour=0), "待审核")
    status = download(gz_client, f"/monitoring/rounds/{collection_round.pk}/")
    assert status[0] == ("部门", "区划", "状态", "逾期", "提交人", "提交时间")
    assert [r[0] for r in status[1:]] == [cast.gz_staff.department.name]  # not 临泽县's
    city_status = download(client_for(cast.city_admin), f"/monitoring/rounds/{collection_round.pk}/")
    late = {r[0]: r[3] for r in city_status[1:] if r[2] != "尚未报送"}
    assert late == {cast.gz_staff.department.name: None, cast.lz_staff.department.name: "是"}
    values = download(gz_client, f"/monitoring/submissions/{submissions['gz'].pk}/")
    assert values[0][:4] == ("指标", "区划", "数值", "单位")
    assert values[1][:4] == ("网上立案率", "甘州区", 51.0, "%")
    refused = gz_client.get(f"/monitoring/export/submission.xlsx?submission={submissions['lz'].pk}")
    assert refused.status_code == 404


def test_survey_results_export_rates_as_numbers(catalogue, cast, client_for):
    for n in range(6):
        make_enterprise(name=f"导出企业{n}", county_code="620702", seed=300 + n, industry_section="C")
    survey = survey_services.create_survey(
        title="一季度调查", period="2025-03", sample_size=6, by=cast.city_admin
    )
    survey_services.draw_sample(survey=survey, seed=5, by=cast.city_admin)
    survey_services.open_survey(survey=survey, by=cast.city_admin, now=at(2025, 3, 1))
    for invitation, overall in zip(survey.invitations.order_by("id"), [5, 4, 2], strict=False):
        survey_services.submit_survey_response(
            invitation=invitation,
            answers={q["code"]: str(overall) for q in survey.questions},
            comment="",
            now=at(2025, 3, 5),
        )
    client = client_for(cast.city_admin)
    rows = download(client, f"/monitoring/surveys/{survey.pk}/")
    assert rows[0][:5] == ("范围", "邀请（家）", "有效答卷（份）", "满意（份）", "满意率（%）")
    city = rows[1]
    expected = next(r for r in survey_services.satisfaction(survey) if r.group == "全市")
    assert city[:5] == ("全市", expected.invited, 3, 2, expected.rate) and city[7] == "是"
    assert city[5] == pytest.approx(round(expected.interval[0], 1))
    sample = download(client, f"/monitoring/surveys/{survey.pk}/", text="导出样本 Excel")
    assert sample[0] == ("企业", "层", "状态", "答卷时间") and len(sample) - 1 == survey.invitations.count()
    assert not any("/s/" in str(cell) for row in sample for cell in row)  # no answer links (tokens)
    listing = download(client, "/monitoring/surveys/")
    assert listing[0] == ("标题", "所属期", "状态", "样本量（家）")
    assert listing[1] == ("一季度调查", "2025-03", "调查中", 6)
    assert (
        client_for(cast.gz_admin).get(f"/monitoring/export/survey.xlsx?survey={survey.pk}").status_code == 404
    )
    assert client_for(cast.leader).get("/monitoring/export/surveys.xlsx").status_code == 403


def test_bad_export_requests_are_chinese_4xx(scored, cast, client_for):
    client = client_for(cast.city_admin)
    bad_id = client.get("/monitoring/export/round.xlsx?round=abc")
    assert bad_id.status_code == 400 and "round 应为填报轮次编号" in bad_id.content.decode()
    bad_period = client.get("/monitoring/export/dimension.xlsx?code=legal&period=2025-13")
    assert bad_period.status_code == 400
    assert client.get("/monitoring/export/dimension.xlsx?code=nope&period=2025-03").status_code == 404
    assert client.get("/monitoring/export/nothing.xlsx").status_code == 404


def test_dashboard_exports_put_units_in_the_header(scored, cast, client_for):
    ranking = download(client_for(cast.leader), "/monitoring/?period=2025-03")
    assert ranking[0][:4] == ("排名", "县区", "便利度指数（分）", "档次")
    assert all(h.endswith("（分）") for h in ranking[0][4:])
    assert isinstance(ranking[1][2], int | float)


def test_parameter_and_weight_exports_are_the_city_offices(catalogue, cast, client_for):
    from yingshang.monitoring.models import WeightSet

    client = client_for(cast.city_admin)
    parameters = download(client, "/monitoring/parameters/?year=2025")
    assert parameters[0][:6] == ("指标", "一级指标", "方向", "单位", "最优值（100 分）", "最差值（0 分）")
    assert len(parameters) - 1 == Indicator.objects.filter(in_index=True).count()
    startup = next(r for r in parameters if r[0] == "企业开办时间")
    assert (startup[3], startup[4], startup[5]) == ("工作日", 0.5, 5.0)
    weights = download(client, "/monitoring/weights/")
    assert weights[0] == ("版本", "生效期", "调整人", "时间", "原因")
    assert len(weights) - 1 == min(WeightSet.objects.count(), 10)
    assert client.get("/monitoring/export/parameters.xlsx?year=25").status_code == 400
    assert client_for(cast.leader).get("/monitoring/export/parameters.xlsx").status_code == 403
