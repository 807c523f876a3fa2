"""Pages of the plans app: import and review, ledger, task, 督办, exports, assessment."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from yingshang.plans.choices import PlanStatus
from yingshang.plans.models import Plan, PlanMeasure, ProgressReport, SupervisionNotice
from yingshang.plans.services import record_progress

from .conftest import NOW, SEED_PATH

pytestmark = pytest.mark.django_db


def test_city_admin_uploads_the_seed_and_lands_on_the_review_page(cast, client_for):
    client = client_for(cast.city_admin)
    with SEED_PATH.open("rb") as handle:
        response = client.post(reverse("plans:import"), {"file": handle})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("plans:review", args=[plan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "指标“破产案件结案率”存在相互冲突的目标，请选择保留哪一个。" in page
    assert "优化市场准入准营环境" in page and "补贴性职业技能培训" in page


def test_review_page_loads_measure_pickers_on_demand(draft_plan, cast, client_for):
    from yingshang.core.models import Department

    client = client_for(cast.city_admin)
    measure = draft_plan.tasks.get(number="2").measures.order_by("order", "id").first()
    market = Department.objects.get(function_key="market", region__code="620700")
    measure.lead_departments.set([market])
    departments = Department.objects.filter(is_active=True).count()
    tasks = draft_plan.tasks.count()

    page = client.get(reverse("plans:review", args=[draft_plan.pk])).content.decode()
    form_url = reverse("plans:measure_form", args=[measure.pk])
    # No department picker is on the page: each task and each measure has a link loaded by htmx.
    assert page.count('<select name="lead"') == page.count('<select name="co"') == 0
    measures = PlanMeasure.objects.filter(task__plan=draft_plan).count()
    assert page.count('hx-trigger="toggle once"') == tasks + measures
    assert f'hx-get="{form_url}" hx-trigger="toggle once"' in page
    assert f'<a href="{form_url}">修改措施责任单位</a>' in page

    fragment = client.get(form_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and fragment.count("<option") == 2 * departments
    assert f'<option value="{market.pk}" selected>' in fragment
    assert reverse("plans:measure_edit", args=[measure.pk]) in fragment
    # Without scripts the link opens the same form as a page of its own.
    full = client.get(form_url).content.decode()
    assert "<h1>措施责任单位</h1>" in full and measure.text in full


def test_review_page_loads_task_pickers_on_demand_and_saves_them(draft_plan, cast, client_for):
    from yingshang.core.models import Department

    client = client_for(cast.city_admin)
    task = draft_plan.tasks.get(number="2")
    business = Department.objects.get(function_key="business_env", region__code="620700")
    market = Department.objects.get(function_key="market", region__code="620700")
    task.lead_departments.set([business])
    departments = Department.objects.filter(is_active=True).count()
    form_url = reverse("plans:task_form", args=[task.pk])

    page = client.get(reverse("plans:review", args=[draft_plan.pk])).content.decode()
    assert f'hx-get="{form_url}" hx-trigger="toggle once" hx-target="find .task-units"' in page
    assert f'<a href="{form_url}">修改任务责任单位</a>' in page
    assert "任务责任单位：牵头 市营商局；配合 —</summary>" in page

    # The fragment goes into the task's own form: pickers and the marker, no form of its own, no page.
    fragment = client.get(form_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "<form" not in fragment
    assert fragment.count("<option") == 2 * departments
    assert f'<option value="{business.pk}" selected>' in fragment
    assert '<input type="hidden" name="units" value="1">' in fragment

    # Posting the loaded pickers saves them; choosing no co-unit at all clears the co-units.
    task.co_departments.set([market])
    response = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {
            "title": task.title,
            "units": "1",
            "lead": [market.pk],
            "next": reverse("plans:review", args=[draft_plan.pk]),
        },
    )
    assert response.status_code == 302
    assert list(task.lead_departments.values_list("pk", flat=True)) == [market.pk]
    assert task.co_departments.count() == 0
    # A save without the pickers (never opened) leaves the departments alone.
    client.post(reverse("plans:task_edit", args=[task.pk]), {"title": "改名后的任务"})
    task.refresh_from_db()
    assert task.title == "改名后的任务"
    assert list(task.lead_departments.values_list("pk", flat=True)) == [market.pk]
    # Without scripts the link opens the pickers as a page with its own form.
    full = client.get(form_url).content.decode()
    assert "<h1>任务责任单位</h1>" in full and reverse("plans:task_edit", args=[task.pk]) in full


def test_bad_upload_shows_the_message_with_a_4xx_and_saves_nothing(cast, client_for):
    response = client_for(cast.city_admin).post(
        reverse("plans:import"), {"file": SimpleUploadedFile("plan.txt", "你好世界".encode())}
    )
    assert response.status_code == 400
    assert "未识别到方案的任务结构" in response.content.decode()
    assert Plan.objects.count() == 0


def test_department_staff_cannot_import(cast, client_for):
    assert client_for(cast.city_staff).get(reverse("plans:import")).status_code == 403


def test_review_resolves_the_conflict_and_assigns_a_task_through_the_forms(draft_plan, cast, client_for):
    client = client_for(cast.city_admin)
    keep = draft_plan.targets.get(indicator="破产案件结案率", value=85)
    response = client.post(reverse("plans:conflict_resolve", args=[draft_plan.pk]), {"keep": keep.pk})
    assert response.status_code == 302
    assert list(
        draft_plan.targets.filter(indicator="破产案件结案率", is_active=True).values_list("value", flat=True)
    ) == [Decimal("85.0000")]
    task = draft_plan.tasks.get(number="12")
    court = cast.city_staff.department.__class__.objects.get(function_key="court", region__code="620700")
    client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {"title": task.title, "deadline": "2025-11-30", "weight": "2", "lead": [court.pk], "co": []},
    )
    task.refresh_from_db()
    assert ([d.pk for d in task.lead_departments.all()], task.deadline.isoformat(), task.weight) == (
        [court.pk],
        "2025-11-30",
        Decimal("2.00"),
    )
    response = client.post(reverse("plans:status", args=[draft_plan.pk]), {"to": "official"})
    assert response.status_code == 400
    assert "尚未指定牵头单位" in response.content.decode()


def test_bad_date_in_task_form_is_a_chinese_400(draft_plan, cast, client_for):
    task = draft_plan.tasks.get(number="1")
    response = client_for(cast.city_admin).post(
        reverse("plans:task_edit", args=[task.pk]), {"deadline": "2025-13-45"}
    )
    assert response.status_code == 400
    assert "完成时限“2025-13-45”不是有效日期（格式：2025-06-30）。" in response.content.decode()


@pytest.mark.parametrize("person", ["city_admin", "leader", "gz_admin"])
def test_ledger_page_renders_with_a_constant_number_of_queries(
    official_plan, cast, client_for, person, django_assert_max_num_queries
):
    client = client_for(cast[person])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("plans:detail", args=[official_plan.pk]))
    assert response.status_code == 200
    assert "优化市场准入准营环境" in response.content.decode()


def test_ledger_filters_by_light(official_plan, cast, client_for):
    record_progress(
        task=official_plan.tasks.get(number="2"), by=cast.city_admin, percent=100, text="完成", now=NOW
    )
    page = (
        client_for(cast.city_admin)
        .get(reverse("plans:detail", args=[official_plan.pk]), {"status": "done"})
        .content.decode()
    )
    assert "促进公共资源交易公平竞争" in page and "优化市场准入准营环境" not in page


def test_department_reports_progress_with_evidence_through_the_page(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="1")
    client = client_for(cast.city_staff)
    assert "报送进展" in client.get(reverse("plans:task", args=[task.pk])).content.decode()
    response = client.post(
        reverse("plans:task_report", args=[task.pk]),
        {
            "percent": "35",
            "text": "已完成准入效能评估",
            "measure": "",
            "evidence": [SimpleUploadedFile("照片.jpg", b"\xff\xd8jpeg")],
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.percent, report.evidence.get().original_name) == (Decimal("35.0"), "照片.jpg")


def test_progress_above_100_through_the_page_is_a_400(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="1")
    response = client_for(cast.city_staff).post(
        reverse("plans:task_report", args=[task.pk]), {"percent": "120", "text": "超额"}
    )
    assert response.status_code == 400
    assert "完成进度须在 0% 到 100% 之间（填写的是 120）。" in response.content.decode()
    assert ProgressReport.objects.count() == 0


def test_other_departments_get_404_for_a_task(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="6")
    assert client_for(cast.city_staff).get(reverse("plans:task", args=[task.pk])).status_code == 404
    assert (
        client_for(cast.city_staff)
        .post(reverse("plans:task_report", args=[task.pk]), {"percent": "10", "text": "x"})
        .status_code
        == 404
    )


def test_supervision_notice_through_the_pages(official_plan, cast, client_for):
    task = official_plan.tasks.get(number="1")
    admin = client_for(cast.city_admin)
    admin.post(
        reverse("plans:notice_issue", args=[task.pk]), {"reason": "进度滞后", "reply_working_days": "5"}
    )
    notice = SupervisionNotice.objects.get()
    staff = client_for(cast.city_staff)
    staff.post(reverse("plans:notice", args=[notice.pk]), {"action": "reply", "text": "已整改"})
    assert staff.post(reverse("plans:notice", args=[notice.pk]), {"action": "close"}).status_code == 403
    admin.post(reverse("plans:notice", args=[notice.pk]), {"action": "close"})
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert client_for(cast.lz_staff).get(reverse("plans:notice", args=[notice.pk])).status_code == 404


def test_xlsx_export_uses_the_office_layout(official_plan, cast, client_for):
    record_progress(
        task=official_plan.tasks.get(number="1"), by=cast.city_staff, percent=20, text="推进中", now=NOW
    )
    response = client_for(cast.city_admin).get(reverse("plans:export", args=[official_plan.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "任务", "具体措施", "牵头单位", "配合单位", "完成时限", "进展情况", "状态")
    assert rows[1][:2] == (1, "1. 优化市场准入准营环境")
    assert rows[1][2].startswith("1. 严格落实市场准入“全国一张清单”")
    assert rows[1][3:6] == ("市市场监管局", "甘州区市场监管局", "2025-12-31")
    assert rows[1][6] == "20.0%：推进中（2025-03-03）"
    assert len(rows) == 32


def test_gantt_and_assessment_pages_render(official_plan, cast, client_for):
    client = client_for(cast.city_admin)
    gantt = client.get(reverse("plans:gantt", args=[official_plan.pk]))
    assert gantt.status_code == 200 and 'id="gantt-data"' in gantt.content.decode()
    assessment = client.get(reverse("plans:assessment", args=[official_plan.pk]), {"as_of": "2025-06-30"})
    page = assessment.content.decode()
    assert assessment.status_code == 200 and "得分 = 100 ×" in page and "市营商局" in page
    # The quarterly and annual assessments are reachable from here, and each link opens.
    year = official_plan.year
    for period in (f"{year}Q1", f"{year}Q4", str(year)):
        url = reverse("plans:assessment_period", args=[official_plan.pk, period])
        assert f'href="{url}"' in page
        assert client.get(url).status_code == 200
    assert (
        client_for(cast.city_staff).get(reverse("plans:assessment", args=[official_plan.pk])).status_code
        == 403
    )


def test_bulletin_downloads_as_pdf_and_docx(official_plan, cast, client_for):
    client = client_for(cast.city_admin)
    pdf = client.get(reverse("plans:bulletin", args=[official_plan.pk, "pdf"]))
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    docx = client.get(reverse("plans:bulletin", args=[official_plan.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "推进情况通报" in text and "计分办法：得分 = 100 ×" in text
    assert client.get(reverse("plans:bulletin", args=[official_plan.pk, "exe"])).status_code == 404


def test_my_tasks_lists_the_departments_tasks(official_plan, cast, client_for):
    page = client_for(cast.lz_staff).get(reverse("plans:my_tasks")).content.decode()
    assert "强化人力资源服务保障" in page and "优化市场准入准营环境" not in page


def test_plan_list_shows_official_and_draft_plans(official_plan, cast, client_for):
    page = client_for(cast.city_admin).get(reverse("plans:list")).content.decode()
    assert "全市优化营商环境全面提升年行动方案" in page and PlanStatus.OFFICIAL.label in page


def test_review_page_of_the_whole_seed_runs_a_bounded_number_of_queries(draft_plan, cast, client_for):
    """Department pickers load on demand per task and measure; the page itself names each task's departments from
    prefetched rows, not one query per task (the seed once took 9,000 queries and 40 s)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.city_admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("plans:review", args=[draft_plan.pk]))
    assert response.status_code == 200
    assert len(queries) < 40, len(queries)
    measure = draft_plan.tasks.order_by("order").first().measures.order_by("pk").first()
    department = cast.city_admin.department
    measure.lead_departments.add(department)
    page = client.get(reverse("plans:review", args=[draft_plan.pk])).content.decode()
    assert f"措施责任单位：{department.short_name or department.name}</summary>" in page
    with CaptureQueriesContext(connection) as queries:
        picker = client.get(reverse("plans:measure_form", args=[measure.pk]), headers={"HX-Request": "true"})
    assert f'<option value="{department.pk}" selected>' in picker.content.decode()
    assert len(queries) < 15, len(queries)
