"""Journey: a county department downloads its round's Excel template, fills it and uploads it (a first file with a
bad row is refused naming the row, nothing saved; the corrected file goes through); the city office (市营商局)
opens the submission and approves it, which publishes the values — on a phone and a desktop."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.conftest import check_accessibility, login, logout, shot

pytestmark = pytest.mark.e2e
FIGURES = {"startup_time": 1.5, "startup_online_rate": 92}  # the market regulator's monthly indicators


def test_department_submits_the_excel_template_and_the_city_office_approves(page, viewport, demo, tmp_path):
    from yingshang.monitoring import services
    from yingshang.monitoring.models import IndicatorValue, Submission

    services.load_catalogue()
    today = timezone.localdate()
    collection_round = services.open_round(period=f"{today.year}-{today.month:02d}")  # deadline still ahead
    # 1. 甘州区市场监管局 downloads the template of the round.
    login(page, "bumen_xian", demo.passwords["bumen_xian"])
    page.goto(f"/monitoring/rounds/{collection_round.pk}/")
    check_accessibility(page)
    shot(page, "monitoring-collection", "1-round", viewport)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 模板").click()
    assert download.value.suggested_filename.endswith("-监测数据模板.xlsx")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = load_workbook(template)
    sheet = book.active
    assert [cell.value for cell in sheet[1]][:3] == ["指标编码", "指标名称", "区划代码"]
    for row in sheet.iter_rows(min_row=2):
        row[5].value = FIGURES.get(row[0].value, 50)
    # 2. A first upload has a typo in one row: the page names the row and the field, and nothing is saved.
    sheet["F2"] = "1.5天"
    wrong = tmp_path / "甘州区市场监管局-监测数据（有误）.xlsx"
    book.save(wrong)
    page.get_by_label("上传填好的模板（.xlsx）").set_input_files(str(wrong))
    page.get_by_role("button", name="上传并提交").click()
    page.wait_for_load_state("networkidle")
    problem = page.locator(".alert.error").inner_text()
    assert "未保存" in problem and f"第 2 行“{sheet['B2'].value}”：“1.5天”不是数字" in problem
    check_accessibility(page)
    shot(page, "monitoring-collection", "2-bad-row", viewport)
    assert not IndicatorValue.objects.exists() and not Submission.objects.filter(status="submitted").exists()
    sheet["F2"] = FIGURES.get(sheet["A2"].value, 50)
    filled = tmp_path / "甘州区市场监管局-监测数据.xlsx"
    book.save(filled)
    # 3. The corrected file goes through and the submission waits for review.
    page.get_by_label("上传填好的模板（.xlsx）").set_input_files(str(filled))
    page.get_by_role("button", name="上传并提交").click()
    page.wait_for_load_state("networkidle")
    assert "已提交，等待市营商局审核" in page.locator("main").inner_text()
    shot(page, "monitoring-collection", "3-submitted", viewport)
    submission = Submission.objects.get(round=collection_round)
    assert submission.status == "submitted"
    assert not IndicatorValue.objects.filter(submission=submission, is_published=True).exists()
    logout(page)
    # 4. The city office opens the submission from the round and approves it.
    login(page, "shiji", demo.passwords["shiji"])
    page.goto(f"/monitoring/rounds/{collection_round.pk}/")
    page.get_by_role("link", name=submission.department.name).click()
    page.wait_for_url(re.compile(rf".*/monitoring/submissions/{submission.pk}/$"))
    check_accessibility(page)
    assert "1.5" in page.locator("main").inner_text()
    shot(page, "monitoring-collection", "4-review", viewport)
    page.get_by_role("button", name="审核通过并发布").click()
    page.wait_for_load_state("networkidle")
    assert "审核完成" in page.locator("main").inner_text()
    shot(page, "monitoring-collection", "5-approved", viewport)
    submission.refresh_from_db()
    published = dict(
        IndicatorValue.objects.filter(submission=submission, is_published=True).values_list(
            "indicator__code", "value"
        )
    )
    assert submission.status == "approved" and float(published["startup_time"]) == 1.5
    assert all(
        value.source_file == filled.name and value.origin == "excel"
        for value in IndicatorValue.objects.filter(submission=submission)
    )
