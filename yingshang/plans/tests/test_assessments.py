"""季度考核 and 年度评价: the documented formula, editable versioned weights, sign-off by the city office, county scope,
PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from yingshang.core.audit import AuditEvent
from yingshang.core.errors import BusinessRuleError, ConflictError
from yingshang.core.workcalendar import WorkCalendar
from yingshang.plans.models import Assessment
from yingshang.plans.scoring import annual_score, parse_period, period_score, quarter_bounds
from yingshang.plans.supervision import expected_progress

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEIGHTS = {
    "completion": Decimal(40),
    "timeliness": Decimal(20),
    "supervision": Decimal(20),
    "problems": Decimal(20),
}


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def test_period_score_leaves_out_components_without_subjects():
    full = {
        "completion": Decimal("0.5"),
        "timeliness": Decimal(1),
        "supervision": Decimal("0.5"),
        "problems": Decimal(0),
    }
    assert period_score(full, WEIGHTS) == Decimal("50.00")  # (20 + 20 + 10 + 0) / 100
    partial = {"completion": Decimal("0.5"), "timeliness": Decimal(1), "supervision": None, "problems": None}
    assert period_score(partial, WEIGHTS) == Decimal("66.67")  # (20 + 20) / 60


def test_annual_score_is_the_mean_of_four_quarters():
    assert annual_score([Decimal("80"), Decimal("90"), Decimal("85.5"), Decimal("70.25")]) == Decimal("81.44")
    with pytest.raises(ValueError):
        annual_score([Decimal("80")])


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2025Q1", (2025, 1)),
        ("2025Q4", (2025, 4)),
        ("2025", (2025, None)),
        ("2025Q5", None),
        ("25Q1", None),
        ("2025-1", None),
        ("", None),
    ],
)
def test_parse_period(text, parsed):
    assert parse_period(text) == parsed


def test_quarter_bounds():
    assert quarter_bounds(2025, 1) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert quarter_bounds(2025, 4) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


@pytest.fixture
def q1_story(official_plan, cast):
    """Task 6 (临泽县市场监管局) in 2025 Q1: reports on time in January, late in February, none in March;
    two 督办单, one answered in time; two problems due in March, one closed in time."""
    from yingshang.plans.services import (
        close_issue,
        issue_supervision_notice,
        raise_issue,
        record_progress,
        reply_to_notice,
    )

    task = official_plan.tasks.get(number="6")
    record_progress(task=task, by=cast.lz_staff, percent=Decimal(10), text="一月", now=at("2025-01-20"))
    record_progress(task=task, by=cast.lz_staff, percent=Decimal(15), text="二月", now=at("2025-02-27"))
    answered = issue_supervision_notice(task=task, by=cast.city_admin, reason="滞后", now=at("2025-03-03"))
    reply_to_notice(notice=answered, by=cast.lz_staff, text="已整改", now=at("2025-03-05"))
    issue_supervision_notice(task=task, by=cast.city_admin, reason="仍滞后", now=at("2025-03-10"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    closed = raise_issue(
        task=task,
        by=cast.city_admin,
        description="台账不全",
        now=at("2025-03-03"),
        due_date=dt.date(2025, 3, 20),
    )
    close_issue(
        issue=closed,
        by=cast.lz_staff,
        note="已补齐",
        evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        now=at("2025-03-18"),
    )
    raise_issue(
        task=task,
        by=cast.city_admin,
        description="未建机制",
        now=at("2025-03-03"),
        due_date=dt.date(2025, 3, 25),
    )
    return task


@pytest.mark.django_db
def test_quarterly_components_follow_the_documented_formula(q1_story, official_plan):
    from yingshang.plans.assessment import quarterly_results

    results = {
        (r.subject_kind, r.subject_name): r
        for r in quarterly_results(official_plan, year=2025, quarter=1, weights=WEIGHTS)
    }
    lz = results[("department", "临泽县市场监管局")]
    expected = expected_progress(
        start=dt.date(2025, 1, 1),
        deadline=dt.date(2025, 12, 31),
        today=dt.date(2025, 3, 31),
        calendar=WorkCalendar.build(),
    )
    completion = min(Decimal(1), (Decimal(15) / expected).quantize(Decimal("0.0001")))
    assert completion < 1
    assert lz.components == {
        "completion": completion,
        "timeliness": Decimal("0.3333"),
        "supervision": Decimal("0.5000"),
        "problems": Decimal("0.5000"),
    }
    assert lz.counts == {
        "tasks": 1,
        "measures": 0,
        "reports_due": 3,
        "reports_on_time": 1,
        "notices": 2,
        "notices_answered": 1,
        "problems": 2,
        "problems_closed": 1,
    }
    assert lz.score == (
        40 * completion + 20 * Decimal("0.3333") + 20 * Decimal("0.5") + 20 * Decimal("0.5")
    ).quantize(Decimal("0.01"))
    # The county row covers its departments' tasks: here the same single task.
    county = results[("county", "临泽县")]
    assert (county.components, county.score) == (lz.components, lz.score)
    # 甘州区 only supports a city task: no county row of its own.
    assert ("county", "甘州区") not in results


@pytest.fixture
def measure_only_story(official_plan, cast):
    """甘州区市场监管局 leads no task, only the first measure of task 2 (led by 市营商局), due 2025-06-30; it
    reports on that measure on time in January (20%) and March (40%), not in February."""
    from yingshang.core.models import Department
    from yingshang.plans.services import record_progress, update_measure_assignment

    gz_market = Department.objects.get(function_key="market", region__code="620702")
    task = official_plan.tasks.get(number="2")
    measure = task.measures.order_by("order", "id").first()
    update_measure_assignment(
        measure=measure,
        by=cast.city_admin,
        lead_departments=[gz_market],
        co_departments=[],
        deadline=dt.date(2025, 6, 30),
    )
    for percent, day in ((20, "2025-01-20"), (40, "2025-03-20")):
        record_progress(
            task=task,
            by=cast.gz_staff,
            percent=Decimal(percent),
            text="措施进展",
            now=at(day),
            measure=measure,
        )
    expected = expected_progress(
        start=dt.date(2025, 1, 1),
        deadline=dt.date(2025, 6, 30),
        today=dt.date(2025, 3, 31),
        calendar=WorkCalendar.build(),
    )
    return gz_market.short_name or gz_market.name, min(
        Decimal(1), (40 / expected).quantize(Decimal("0.0001"))
    )


@pytest.mark.django_db
def test_department_leading_only_a_measure_gets_a_monthly_score(official_plan, measure_only_story):
    from yingshang.plans.assessment import department_scores

    name, completion = measure_only_story
    assert completion < 1
    scores = {s.department: s for s in department_scores(official_plan, as_of=dt.date(2025, 3, 31))}
    gz = scores[name]
    assert (gz.tasks, gz.measures, gz.reports_due, gz.reports_on_time, gz.targets_read) == (0, 1, 3, 2, 0)
    assert (gz.score.completion, gz.score.timeliness, gz.score.attainment) == (
        completion,
        Decimal("0.6667"),
        None,
    )
    # No target reading: 0.5 and 0.3 scaled by 0.8.
    assert gz.score.total == (
        100 * (Decimal("0.5") * completion + Decimal("0.3") * Decimal("0.6667")) / Decimal("0.8")
    ).quantize(Decimal("0.01"))
    # The task's own lead is scored on the task, not on the measure it handed over.
    assert scores["市营商局"].measures == 0


@pytest.mark.django_db
def test_department_leading_only_a_measure_gets_a_quarterly_score(official_plan, measure_only_story):
    from yingshang.plans.assessment import quarterly_results

    name, completion = measure_only_story
    results = {
        (r.subject_kind, r.subject_name): r
        for r in quarterly_results(official_plan, year=2025, quarter=1, weights=WEIGHTS)
    }
    gz = results[("department", name)]
    assert gz.components == {
        "completion": completion,
        "timeliness": Decimal("0.6667"),
        "supervision": None,
        "problems": None,
    }
    assert gz.counts == {
        "tasks": 0,
        "measures": 1,
        "reports_due": 3,
        "reports_on_time": 2,
        "notices": 0,
        "notices_answered": 0,
        "problems": 0,
        "problems_closed": 0,
    }
    assert gz.score == ((40 * completion + 20 * Decimal("0.6667")) * 100 / 60).quantize(Decimal("0.01"))
    # 甘州区 now has a county row: its department's measure.
    assert results[("county", "甘州区")].components == gz.components


@pytest.mark.django_db
def test_assessment_page_shows_measure_leads_and_the_formula(
    official_plan, measure_only_story, cast, client_for
):
    from django.urls import reverse

    name, _ = measure_only_story
    page = (
        client_for(cast.city_admin)
        .get(reverse("plans:assessment", args=[official_plan.pk]), {"as_of": "2025-03-31"})
        .content.decode()
    )
    assert "牵头的具体措施（所在任务非本单位牵头）" in page
    assert f'{name}</td><td data-label="牵头任务／措施">0 项任务、1 项措施</td>' in page


@pytest.mark.django_db
def test_generate_sign_freeze_and_annual_mean(q1_story, official_plan, cast):
    from yingshang.plans.services import generate_assessments, sign_assessments

    now = at("2025-04-02")
    with pytest.raises(BusinessRuleError, match="四个季度考核均签发"):
        generate_assessments(plan=official_plan, period="2025", by=cast.city_admin, now=now)
    for quarter in range(1, 5):
        generate_assessments(plan=official_plan, period=f"2025Q{quarter}", by=cast.city_admin, now=now)
        assert sign_assessments(plan=official_plan, period=f"2025Q{quarter}", by=cast.city_admin, now=now) > 0
    with pytest.raises(ConflictError, match="已签发"):
        generate_assessments(plan=official_plan, period="2025Q1", by=cast.city_admin, now=now)
    annual = generate_assessments(plan=official_plan, period="2025", by=cast.city_admin, now=now)
    lz = next(
        row for row in annual if row.subject_key.startswith("d") and row.subject_name == "临泽县市场监管局"
    )
    quarters = list(
        Assessment.objects.filter(plan=official_plan, subject_key=lz.subject_key)
        .exclude(period="2025")
        .order_by("period")
        .values_list("score", flat=True)
    )
    assert len(quarters) == 4
    assert lz.score == (sum(quarters, Decimal(0)) / 4).quantize(Decimal("0.01"))
    assert lz.components["quarters"] == {
        f"2025Q{q}": str(s) for q, s in zip(range(1, 5), quarters, strict=True)
    }
    assert (
        AuditEvent.objects.filter(action="plan.assessment.sign").count()
        == Assessment.objects.exclude(period="2025").count()
    )


@pytest.mark.django_db
def test_weights_are_versioned_audited_and_kept_by_earlier_results(q1_story, official_plan, cast):
    from yingshang.plans.services import current_weights, generate_assessments, set_assessment_weights

    first = generate_assessments(
        plan=official_plan, period="2025Q1", by=cast.city_admin, now=at("2025-04-02")
    )
    assert current_weights().version == 1
    with pytest.raises(BusinessRuleError, match="请填写调整说明"):
        set_assessment_weights(
            by=cast.city_admin, weights={**WEIGHTS, "completion": Decimal(60)}, note=" ", now=at("2025-04-03")
        )
    with pytest.raises(BusinessRuleError, match="完成度权重须在 0 到 100 之间"):
        set_assessment_weights(
            by=cast.city_admin,
            weights={**WEIGHTS, "completion": Decimal("NaN")},
            note="x",
            now=at("2025-04-03"),
        )
    adopted = set_assessment_weights(
        by=cast.city_admin,
        weights={**WEIGHTS, "completion": Decimal(60)},
        note="突出完成度",
        now=at("2025-04-03"),
    )
    assert adopted.version == 2
    event = AuditEvent.objects.get(action="plan.assessment.weights")
    assert (event.before["completion"], event.after["completion"], event.after["version"]) == (
        "40.00",
        "60.00",
        2,
    )
    assert Assessment.objects.get(pk=first[0].pk).weights.version == 1


@pytest.mark.django_db
def test_county_office_sees_its_county_and_its_departments_only(q1_story, official_plan, cast, client_for):
    from yingshang.plans.services import generate_assessments

    generate_assessments(plan=official_plan, period="2025Q1", by=cast.city_admin, now=at("2025-04-02"))
    names = set(Assessment.objects.visible_to(cast.lz_admin).values_list("subject_name", flat=True))
    assert names == {"临泽县", "临泽县市场监管局"}
    assert Assessment.objects.visible_to(cast.gz_admin).count() == 0
    assert Assessment.objects.visible_to(cast.lz_staff).count() == 0  # no plan.assess
    city = client_for(cast.city_admin).get(f"/plans/{official_plan.pk}/assessments/2025Q1/").content.decode()
    county = client_for(cast.lz_admin).get(f"/plans/{official_plan.pk}/assessments/2025Q1/").content.decode()
    assert "市营商局" in city and "市营商局" not in county and "临泽县市场监管局" in county


@pytest.mark.django_db
def test_only_the_city_office_computes_and_signs(q1_story, official_plan, cast, client_for):
    url = f"/plans/{official_plan.pk}/assessments/2025Q1/"
    assert client_for(cast.leader).post(url + "generate/").status_code == 403
    assert client_for(cast.lz_admin).post(url + "sign/").status_code == 403
    assert Assessment.objects.count() == 0
    assert client_for(cast.city_admin).post(url + "sign/").status_code == 400  # nothing computed yet
    assert client_for(cast.city_admin).post(url + "generate/").status_code == 302
    assert client_for(cast.city_admin).post(url + "sign/").status_code == 302
    assert set(Assessment.objects.values_list("status", flat=True)) == {"signed"}
    assert (
        client_for(cast.city_admin).get(f"/plans/{official_plan.pk}/assessments/2026Q1/").status_code == 404
    )


@pytest.mark.django_db
def test_pdf_and_xlsx_exports(q1_story, official_plan, cast, client_for):
    from openpyxl import load_workbook

    from yingshang.plans.services import generate_assessments

    generate_assessments(plan=official_plan, period="2025Q1", by=cast.city_admin, now=at("2025-04-02"))
    client = client_for(cast.lz_admin)
    pdf = client.get(f"/plans/{official_plan.pk}/assessments/2025Q1.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    sheet = load_workbook(
        io.BytesIO(client.get(f"/plans/{official_plan.pk}/assessments/2025Q1.xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("排名", "被考核单位", "类别")
    assert [row[1] for row in rows[1:3]] == ["临泽县市场监管局", "临泽县"]
    assert rows[-1][0] == "计分办法" and rows[-1][1].startswith("季度得分 = 100 × Σ(权重 × 分项) ÷ Σ权重")
