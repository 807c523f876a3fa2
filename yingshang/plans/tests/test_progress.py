"""Progress reports, roll-up, closure, supervision notices (督办) and the issue ledger (问题台账)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.core.errors import BusinessRuleError, ConflictError, InvalidUpload
from yingshang.core.models import AuditEvent, Notification
from yingshang.plans.choices import IssueStatus, NoticeStatus
from yingshang.plans.models import PlanTask, ProgressReport, TargetReading
from yingshang.plans.selectors import plan_progress, section_rows, status_counts, task_rows
from yingshang.plans.services import (
    close_issue,
    close_notice,
    close_task,
    follow_up_notice,
    issue_supervision_notice,
    raise_issue,
    record_progress,
    reply_to_notice,
    set_weights,
)

from .conftest import NOW

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=30)


def _evidence(name="台账.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


def test_lead_department_reports_progress_on_a_measure_and_the_task_rolls_up(official_plan, cast):
    task = official_plan.tasks.get(number="1")
    first, second = list(task.measures.order_by("order"))[:2]
    record_progress(
        task=task,
        by=cast.city_staff,
        percent=60,
        text="已完成准入效能评估方案",
        now=NOW,
        measure=first,
        evidence_files=[_evidence()],
    )
    task.refresh_from_db()
    assert task.progress == Decimal("10.0")  # 60 over six equally weighted measures
    set_weights(task=task, by=cast.city_admin, weights={first.pk: Decimal(5)})
    task.refresh_from_db()
    assert task.progress == Decimal("30.0")  # 60 × 5 / 10
    report = ProgressReport.objects.get()
    assert (report.department.short_name, report.period.isoformat(), report.evidence.count()) == (
        "市市场监管局",
        "2025-03-01",
        1,
    )
    assert AuditEvent.objects.filter(action="plan.progress.report", object_id=str(task.pk)).count() == 1
    record_progress(task=task, by=cast.gz_staff, percent=100, text="配合完成", now=NOW, measure=second)
    task.refresh_from_db()
    assert task.progress == Decimal("40.0")  # (60×5 + 100×1) / (5 + 5×1)


@pytest.mark.parametrize(
    ("percent", "message"),
    [
        (101, "完成进度须在 0% 到 100% 之间（填写的是 101）。"),
        (-5, "完成进度须在 0% 到 100% 之间（填写的是 -5）。"),
        (None, "完成进度须在 0% 到 100% 之间（填写的是 空）。"),
    ],
)
def test_progress_outside_0_to_100_is_refused_and_nothing_changes(official_plan, cast, percent, message):
    task = official_plan.tasks.get(number="1")
    with pytest.raises(BusinessRuleError) as error:
        record_progress(task=task, by=cast.city_staff, percent=percent, text="x", now=NOW)
    assert error.value.message == message
    assert (ProgressReport.objects.count(), PlanTask.objects.get(pk=task.pk).progress) == (0, Decimal(0))


def test_progress_after_closure_is_refused(official_plan, cast):
    task = official_plan.tasks.get(number="1")
    with pytest.raises(BusinessRuleError):
        close_task(task=task, by=cast.city_admin, now=NOW)
    record_progress(task=task, by=cast.city_staff, percent=100, text="全部完成", now=NOW)
    close_task(task=task, by=cast.city_admin, now=NOW)
    with pytest.raises(ConflictError) as error:
        record_progress(task=task, by=cast.city_staff, percent=100, text="再报", now=LATER)
    assert error.value.message == "任务“1 优化市场准入准营环境”已办结，不能再报送进展。"
    assert ProgressReport.objects.count() == 1


def test_a_department_not_owning_the_task_cannot_report(official_plan, cast):
    task = official_plan.tasks.get(number="6")
    with pytest.raises(PermissionDenied):
        record_progress(task=task, by=cast.city_staff, percent=10, text="x", now=NOW)
    assert ProgressReport.objects.count() == 0


def test_progress_on_a_draft_plan_is_refused(draft_plan, cast):
    task = draft_plan.tasks.get(number="1")
    with pytest.raises(ConflictError):
        record_progress(task=task, by=cast.city_admin, percent=10, text="x", now=NOW)


def test_evidence_of_an_unsupported_type_is_refused(official_plan, cast):
    task = official_plan.tasks.get(number="1")
    with pytest.raises(InvalidUpload) as error:
        record_progress(
            task=task,
            by=cast.city_staff,
            percent=10,
            text="x",
            now=NOW,
            evidence_files=[SimpleUploadedFile("run.exe", b"MZ")],
        )
    assert error.value.message == "佐证材料“run.exe”的类型不支持，请上传 PDF、图片、Word、Excel 或压缩包。"
    assert ProgressReport.objects.count() == 0


def test_target_readings_are_recorded_with_the_report(official_plan, cast):
    task = official_plan.tasks.get(number="6")
    target = task.targets.get(indicator="补贴性职业技能培训")
    record_progress(
        task=task,
        by=cast.lz_staff,
        percent=40,
        text="培训 5200 人次",
        now=NOW,
        target_values={target.pk: Decimal(5200)},
    )
    reading = TargetReading.objects.get()
    assert (reading.target_id, reading.value, reading.as_of.isoformat()) == (
        target.pk,
        Decimal(5200),
        "2025-03-03",
    )


def test_board_derives_status_and_lights_and_rolls_up_sections(
    official_plan, cast, django_assert_max_num_queries
):
    record_progress(
        task=official_plan.tasks.get(number="1"), by=cast.city_staff, percent=30, text="推进", now=NOW
    )
    record_progress(
        task=official_plan.tasks.get(number="2"), by=cast.city_admin, percent=100, text="完成", now=NOW
    )
    with django_assert_max_num_queries(6):  # tasks, two department lists, milestones, calendar (2)
        rows = task_rows(official_plan.tasks.all(), today=dt.date(2025, 3, 3))
        states = {row.task.number: (row.state.status, row.state.light) for row in rows}
    assert states["1"] == ("in_progress", "green")
    assert states["2"] == ("done", "green")
    assert states["3"] == ("lagging", "yellow")  # nothing reported, expected 15.2%
    counts = status_counts(rows)
    assert (counts["done"], counts["in_progress"], counts["lagging"], counts["green"]) == (1, 1, 29, 2)
    sections = section_rows(official_plan, rows)
    assert [s.progress for s in sections][:2] == [Decimal("18.6"), Decimal("0")]  # (30 + 100) / 7
    assert plan_progress(official_plan) == Decimal("3.1")  # 18.6 over six equally weighted sections
    overdue = task_rows(official_plan.tasks.filter(number="1"), today=dt.date(2026, 1, 5))
    assert (overdue[0].state.status, overdue[0].state.light, overdue[0].status_label) == (
        "overdue",
        "red",
        "逾期",
    )


def test_supervision_notice_reply_follow_up_and_close(
    official_plan, cast, django_capture_on_commit_callbacks
):
    task = official_plan.tasks.get(number="1")
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue_supervision_notice(
            task=task, by=cast.city_admin, reason="进度滞后，请说明原因", now=NOW
        )
    assert (notice.number, notice.reply_due.isoformat(), notice.status) == (
        "督办〔2025〕1号",
        "2025-03-10",
        "open",
    )
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "city_staff",
        "city_dept_lead",
    }
    with pytest.raises(BusinessRuleError):
        close_notice(notice=notice, by=cast.city_admin, now=NOW)
    with pytest.raises(PermissionDenied):
        reply_to_notice(notice=notice, by=cast.lz_staff, text="x", now=NOW)
    reply_to_notice(notice=notice, by=cast.city_staff, text="已制定整改计划", now=NOW)
    follow_up_notice(notice=notice, by=cast.city_admin, text="请补充时间表", now=LATER)
    notice.refresh_from_db()
    assert (notice.status, notice.reply_due.isoformat()) == (
        NoticeStatus.OPEN,
        "2025-04-10",
    )  # 4–6 April: 清明
    reply_to_notice(notice=notice, by=cast.city_staff, text="4月底前完成", now=LATER)
    issue = raise_issue(task=task, by=cast.city_admin, description="准入评估未启动", now=NOW, notice=notice)
    with pytest.raises(BusinessRuleError) as error:
        close_notice(notice=notice, by=cast.city_admin, now=LATER)
    assert error.value.message == "该督办下还有 1 个问题未销号。"
    close_issue(issue=issue, by=cast.city_staff, note="已完成评估", evidence=_evidence(), now=LATER)
    close_notice(notice=notice, by=cast.city_admin, now=LATER)
    assert notice.status == NoticeStatus.CLOSED
    assert [r.kind for r in notice.replies.all()] == ["reply", "follow_up", "reply"]


def test_issue_closes_only_with_evidence(official_plan, cast):
    task = official_plan.tasks.get(number="1")
    issue = raise_issue(task=task, by=cast.city_admin, description="窗口排队时间长", now=NOW)
    assert issue.department.short_name == "市市场监管局"
    with pytest.raises(BusinessRuleError) as error:
        close_issue(issue=issue, by=cast.city_staff, note="已整改", evidence=None, now=NOW)
    assert error.value.message == "销号须上传整改佐证材料。"
    issue.refresh_from_db()
    assert (issue.status, issue.closed_at) == (IssueStatus.OPEN, None)
    close_issue(issue=issue, by=cast.city_staff, note="已整改", evidence=_evidence(), now=NOW)
    issue.refresh_from_db()
    assert (issue.status, issue.closing_evidence.name.startswith("plans/issues/")) == (
        IssueStatus.CLOSED,
        True,
    )
    with pytest.raises(ConflictError):
        close_issue(issue=issue, by=cast.city_staff, note="再次", evidence=_evidence(), now=NOW)
