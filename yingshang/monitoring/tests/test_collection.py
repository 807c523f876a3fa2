"""Collection rounds: deadlines on the working-day calendar, web and Excel submissions, validation, review,
revisions with provenance, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from yingshang.core.errors import BusinessRuleError, InvalidUpload
from yingshang.core.models import AuditEvent, Department, Notification, Region
from yingshang.monitoring import services, workbook
from yingshang.monitoring.models import Alert, IndicatorValue, Submission
from yingshang.monitoring.services import SubmittedRow

from .conftest import at

pytestmark = pytest.mark.django_db


def test_round_deadline_is_the_fifth_working_day_after_month_end(catalogue):
    # 1–8 October 2025 is the National Day holiday; Saturday 11 October is a make-up working day.
    assert services.open_round(period="2025-09").deadline == dt.date(2025, 10, 14)
    assert services.open_round(period="2025-03").deadline == dt.date(2025, 4, 8)  # 4 April 清明 is a holiday
    assert services.open_round(period="2025-03").pk == services.open_round(period="2025-03").pk


def market_rows(region_code="620700", **overrides):
    values = {
        "startup_time": "0.8",
        "startup_online_rate": "92.5",
        "high_value_patents": "1.2",
        "ip_pledge_financing": "3000",
        "random_inspection_coverage": "88",
        "joint_inspection_share": "60",
    }
    values.update(overrides)
    return [
        SubmittedRow(indicator_code=code, region_code=region_code, raw_value=value)
        for code, value in values.items()
    ]


def test_department_submits_and_city_office_publishes(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    submission = services.submit_values(
        collection_round=collection_round,
        department=cast.city_staff.department,
        rows=market_rows(),
        by=cast.city_staff,
        now=at(2025, 4, 3),
    )
    assert submission.status == "submitted"
    value = IndicatorValue.objects.get(indicator__code="startup_online_rate", period="2025-03")
    assert (value.value, value.is_published, value.entered_by, value.origin) == (
        Decimal("92.5"),
        False,
        cast.city_staff,
        "form",
    )
    services.review_submission(
        submission=submission, approve=True, note="", by=cast.city_admin, now=at(2025, 4, 9)
    )
    value.refresh_from_db()
    assert (value.is_published, value.published_by) == (True, cast.city_admin)


def test_bad_rows_save_nothing_and_name_the_row_and_field(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    with pytest.raises(BusinessRuleError) as caught:
        services.submit_values(
            collection_round=collection_round,
            department=cast.city_staff.department,
            rows=market_rows(startup_online_rate="101", startup_time="三天"),
            by=cast.city_staff,
            now=at(2025, 4, 3),
        )
    reasons = [detail["reason"] for detail in caught.value.details]
    assert reasons == [
        "第 1 行“企业开办时间”：“三天”不是数字。",
        "第 2 行“企业开办全程网办率”：百分比不能超过 100（填写为 101）。",
    ]
    assert (IndicatorValue.objects.count(), Submission.objects.count()) == (0, 0)


def test_no_data_is_a_state_not_a_zero(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    rows = market_rows()
    rows[3] = SubmittedRow(
        indicator_code="ip_pledge_financing",
        region_code="620700",
        raw_value="",
        raw_no_data="是",
        note="银行尚未报送质押登记数据",
    )
    services.submit_values(
        collection_round=collection_round,
        department=cast.city_staff.department,
        rows=rows,
        by=cast.city_staff,
        now=at(2025, 4, 3),
    )
    value = IndicatorValue.objects.get(indicator__code="ip_pledge_financing")
    assert (value.no_data, value.value, value.note) == (True, None, "银行尚未报送质押登记数据")


def test_wrong_county_and_late_submissions_are_refused(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    with pytest.raises(BusinessRuleError, match="区划“620723”不在甘州区市场监督管理局的填报范围内"):
        services.submit_values(
            collection_round=collection_round,
            department=cast.gz_staff.department,
            rows=market_rows("620723"),
            by=cast.gz_staff,
            now=at(2025, 4, 3),
        )
    with pytest.raises(BusinessRuleError, match="已于 2025年04月08日 截止报送"):
        services.submit_values(
            collection_round=collection_round,
            department=cast.gz_staff.department,
            rows=market_rows("620702"),
            by=cast.gz_staff,
            now=at(2025, 4, 9),
        )
    assert IndicatorValue.objects.count() == 0


def test_returned_submission_can_be_corrected_after_the_deadline_keeping_history(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    department = cast.city_staff.department
    submission = services.submit_values(
        collection_round=collection_round,
        department=department,
        rows=market_rows(),
        by=cast.city_staff,
        now=at(2025, 4, 3),
    )
    with pytest.raises(BusinessRuleError, match="退回时请填写退回原因"):
        services.review_submission(
            submission=submission, approve=False, note=" ", by=cast.city_admin, now=at(2025, 4, 9)
        )
    services.review_submission(
        submission=submission, approve=False, note="网办率口径有误", by=cast.city_admin, now=at(2025, 4, 9)
    )
    services.submit_values(
        collection_round=collection_round,
        department=department,
        rows=market_rows(startup_online_rate="90.1"),
        by=cast.city_staff,
        now=at(2025, 4, 10),
    )
    versions = IndicatorValue.objects.filter(indicator__code="startup_online_rate").order_by("id")
    assert [(v.value, v.is_current) for v in versions] == [(Decimal("92.5"), False), (Decimal("90.1"), True)]
    assert versions[1].replaces_id == versions[0].pk
    assert Submission.objects.get().late is True


def test_jump_versus_last_published_value_needs_a_note(catalogue, cast):
    from .conftest import publish

    publish("startup_online_rate", "620700", "2025-02", 92)
    collection_round = services.open_round(period="2025-03")
    with pytest.raises(BusinessRuleError, match="与上期（92%）相比变化 51%"):
        services.submit_values(
            collection_round=collection_round,
            department=cast.city_staff.department,
            rows=market_rows(startup_online_rate="45"),
            by=cast.city_staff,
            now=at(2025, 4, 3),
        )


def test_revision_after_publication_keeps_old_value_and_raises_an_alert(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    submission = services.submit_values(
        collection_round=collection_round,
        department=cast.city_staff.department,
        rows=market_rows(),
        by=cast.city_staff,
        now=at(2025, 4, 3),
    )
    services.review_submission(
        submission=submission, approve=True, note="", by=cast.city_admin, now=at(2025, 4, 9)
    )
    old = IndicatorValue.objects.get(indicator__code="startup_time")
    new = services.revise_value(
        value=old,
        raw_value="1.1",
        no_data=False,
        reason="补录线下业务",
        by=cast.city_staff,
        now=at(2025, 4, 20),
    )
    old.refresh_from_db()
    assert (old.is_current, old.is_published, new.is_current, new.is_published) == (False, True, True, False)
    assert (new.replaces, new.revision_reason, new.value) == (old, "补录线下业务", Decimal("1.1"))
    alert = Alert.objects.get(kind="revised")
    assert (
        alert.message == "张掖市2025年3月“企业开办时间”在发布后被更正：0.8 → 1.1工作日（原因：补录线下业务）"
    )
    assert alert.department == cast.city_staff.department
    assert (
        Notification.objects.filter(recipient=cast.city_staff, title="监测预警：发布后修改数据").count() == 1
    )
    submission.refresh_from_db()
    assert submission.status == "submitted"  # the correction waits for the city office
    services.approve_value(value=new, by=cast.city_admin, now=at(2025, 4, 21))
    assert IndicatorValue.objects.published().get(indicator__code="startup_time").value == Decimal("1.1")
    submission.refresh_from_db()
    assert (submission.status, submission.review_note) == ("approved", "更正已审核发布")
    assert (
        AuditEvent.objects.filter(action="monitoring.submission.reopen", object_id=str(submission.pk)).count()
        == 1
    )


def test_excel_template_round_trip_and_version_check(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    department = cast.gz_staff.department
    content = workbook.build_template(collection_round, department)
    sheet = load_workbook(__import__("io").BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(workbook.HEADERS)
    assert [r[0] for r in rows[1:]] == [
        "startup_time",
        "startup_online_rate",
        "high_value_patents",
        "ip_pledge_financing",
        "random_inspection_coverage",
        "joint_inspection_share",
    ]
    assert {r[2] for r in rows[1:]} == {"620702"}
    for index, value in enumerate(["0.9", 88, 1.1, 500, 91, 61], start=2):
        sheet.cell(row=index, column=6, value=value)
    filled = __import__("io").BytesIO()
    sheet.parent.save(filled)
    parsed = workbook.read_upload(
        filled.getvalue(), "模板.xlsx", collection_round=collection_round, department=department
    )
    services.submit_values(
        collection_round=collection_round,
        department=department,
        rows=parsed,
        by=cast.gz_staff,
        now=at(2025, 4, 3),
        origin="excel",
        source_file="模板.xlsx",
    )
    value = IndicatorValue.objects.get(indicator__code="startup_online_rate", region__code="620702")
    assert (value.value, value.origin, value.source_file) == (Decimal("88"), "excel", "模板.xlsx")
    other = workbook.build_template(collection_round, cast.lz_staff.department)
    with pytest.raises(InvalidUpload, match="第 2 行的模板版本为“JZY-MON-1/2025-03/"):
        workbook.read_upload(other, "临泽.xlsx", collection_round=collection_round, department=department)


def test_reminders_go_to_departments_that_owe_figures_once(catalogue, cast):
    collection_round = services.open_round(period="2025-03")
    assert services.remind_round(collection_round=collection_round, today=dt.date(2025, 4, 1)) == 0
    sent = services.remind_round(collection_round=collection_round, today=dt.date(2025, 4, 7))
    market_users = {cast.city_staff, cast.city_dept_lead, cast.gz_staff, cast.lz_staff}
    assert set(
        Notification.objects.filter(title__startswith="请于 04月08日 前报送").values_list(
            "recipient__username", flat=True
        )
    ) == {u.username for u in market_users}
    assert sent == 4
    assert services.remind_round(collection_round=collection_round, today=dt.date(2025, 4, 7)) == 0


def test_city_department_reports_for_counties_without_their_own(catalogue):
    power = Department.objects.get(function_key="power")
    from yingshang.monitoring.selectors import reporting_regions

    assert [r.code for r in reporting_regions(power)] == list(
        Region.objects.filter(kind__in=["city", "county"])
        .order_by("sort_order", "code")
        .values_list("code", flat=True)
    )
    market = Department.objects.get(function_key="market", region__code="620700")
    assert [r.code for r in reporting_regions(market)] == ["620700"]
