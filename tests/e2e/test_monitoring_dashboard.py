"""Journey: a leader (领导) opens the 驾驶舱 on a phone and a desktop, clicks a county's dimension score, then the
indicator's cell, and lands on who reported the figure (department, person, file, reviewer), exports that record to
Excel; then downloads the monthly report (月通报) as PDF and Word."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.conftest import check_accessibility, login, shot

pytestmark = pytest.mark.e2e
TZ = ZoneInfo("Asia/Shanghai")
GANZHOU_FIGURES = {"startup_time": "2.5", "startup_online_rate": "88"}
CITY_FIGURES = {"startup_time": "1.5", "startup_online_rate": "95"}


def _report_last_month() -> str:
    """The market regulators of the city and of 甘州区 report last month through the service; the city office
    (市营商局) approves both submissions and the index is computed."""
    from yingshang.accounts.models import User
    from yingshang.monitoring import selectors, services
    from yingshang.monitoring.periods import month_end, shift

    services.load_catalogue()
    today = timezone.localdate()
    period = shift(f"{today.year}-{today.month:02d}", -1)
    collection_round = services.open_round(period=period)
    before_deadline = dt.datetime.combine(month_end(period) + dt.timedelta(days=1), dt.time(10), tzinfo=TZ)
    reviewer = User.objects.get(username="shiji")
    for username, figures in (("bumen", CITY_FIGURES), ("bumen_xian", GANZHOU_FIGURES)):
        staff = User.objects.get(username=username)
        department = staff.department
        rows = [
            services.SubmittedRow(
                indicator_code=indicator.code,
                region_code=region.code,
                raw_value=figures.get(indicator.code, "50"),
            )
            for indicator in selectors.due_indicators(function_key=department.function_key, period=period)
            for region in selectors.reporting_regions(department)
        ]
        submission = services.submit_values(
            collection_round=collection_round,
            department=department,
            rows=rows,
            by=staff,
            now=before_deadline,
            origin="excel",
            source_file=f"{department.name}-{period}.xlsx",
        )
        services.review_submission(
            submission=submission,
            approve=True,
            note="",
            by=reviewer,
            now=before_deadline + dt.timedelta(days=1),
        )
    services.recompute_index(now=before_deadline + dt.timedelta(days=1), periods=[period])
    return period


def test_leader_drills_from_the_dashboard_to_who_reported_and_downloads_the_report(page, viewport, demo):
    period = _report_last_month()
    # 1. The leader opens the 驾驶舱: the city's index, the county comparison and the charts.
    login(page, "lingdao", demo.passwords["lingdao"])
    page.goto("/monitoring/")
    main = page.locator("main")
    assert "全市便利度指数" in main.inner_text() and "县区比较" in main.inner_text()
    page.wait_for_selector("[data-chart='chart-ranking'] canvas, [data-chart='chart-ranking'] svg")
    check_accessibility(page)
    shot(page, "monitoring-dashboard", "1-dashboard", viewport)
    # 2. A county's dimension score in the heat table opens the dimension, county by county.
    page.get_by_title("甘州区市场化：查看各指标得分与报送记录").click()
    page.wait_for_url(re.compile(rf".*/monitoring/dimensions/market/\?period={period}#r-620702$"))
    check_accessibility(page)
    shot(page, "monitoring-dashboard", "2-dimension", viewport)
    # 3. The county's cell for 企业开办时间 opens who reported it.
    page.get_by_title("甘州区“企业开办时间”：谁报送、何时、来源").click()
    page.wait_for_url(re.compile(r".*/monitoring/indicators/startup_time/620702/$"))
    check_accessibility(page)
    shot(page, "monitoring-dashboard", "3-provenance", viewport)
    record = page.locator("main tbody tr").first.inner_text()
    assert period in record and "2.5工作日" in record and "已发布" in record
    assert "甘州区市场监督管理局" in record and "甘州区市场监管局·赵干事" in record
    assert f"甘州区市场监督管理局-{period}.xlsx" in record and "Excel 模板导入" in record
    assert "市营商局" in record  # who approved it
    assert "更正" not in record  # a read-only leader cannot correct
    # 3b. The same record exports to Excel: Chinese header with the unit, the figure as a number.
    with page.expect_download() as export:
        page.get_by_role("link", name="导出 Excel").click()
    assert export.value.suggested_filename == "监测-企业开办时间-甘州区-报送记录.xlsx"
    workbook = load_workbook(io.BytesIO(Path(export.value.path()).read_bytes()))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("所属期", "数值（工作日）") and rows[1][:2] == (period, 2.5)
    assert rows[1][6] == f"甘州区市场监督管理局-{period}.xlsx" and rows[1][9] == "甘州区市场监管局·赵干事"
    # 4. Back on the dashboard, the monthly report downloads as PDF and as Word.
    page.goto("/monitoring/")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="月通报 PDF").click()
    assert pdf.value.suggested_filename == f"营商环境监测月通报-{period}.pdf"
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    with page.expect_download() as word:
        page.get_by_role("link", name="Word").click()
    assert word.value.suggested_filename == f"营商环境监测月通报-{period}.docx"
    assert Path(word.value.path()).read_bytes()[:2] == b"PK"
