"""Plan import (方案导入): the seed end to end, another city's plan, bad files, review before it is official."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from yingshang.core.errors import BusinessRuleError, ConflictError, InvalidUpload
from yingshang.core.models import AuditEvent, Department
from yingshang.plans.choices import PlanStatus
from yingshang.plans.models import Plan, PlanMeasure, PlanTarget, PlanTask
from yingshang.plans.selectors import official_targets, targets_for_plan
from yingshang.plans.services import (
    add_plan_target,
    change_plan_status,
    discard_plan,
    review_problems,
    stage_plan_import,
    update_plan_target,
    update_task_assignment,
)

from .conftest import DATA, NOW, SEED_PATH

pytestmark = pytest.mark.django_db


def test_seed_imports_as_a_draft_with_every_task_measure_and_target(draft_plan):
    assert draft_plan.status == PlanStatus.DRAFT
    assert draft_plan.title == "全市优化营商环境全面提升年行动方案"
    assert draft_plan.year == 2025
    assert draft_plan.region.code == "620700"
    assert len(draft_plan.goals) == 6
    kinds = list(draft_plan.tasks.values_list("kind", flat=True))
    assert (kinds.count("task"), kinds.count("key_action"), kinds.count("safeguard")) == (21, 6, 4)
    assert [s.title for s in draft_plan.sections.order_by("order")] == [
        "细化服务促规范，在提升市场化水平上实现突破",
        "强化保障促公平，在提升法治化水平上实现突破",
        "优化措施促开放，在提升国际化水平上实现突破",
        "深化协同促改革，在提升便利化水平实现突破",
        "攻坚重点",
        "保障措施",
    ]
    task1 = draft_plan.tasks.get(number="1")
    assert task1.title == "优化市场准入准营环境"
    assert task1.deadline.isoformat() == "2025-12-31"
    assert task1.measures.count() == 6
    assert PlanMeasure.objects.filter(task__plan=draft_plan).count() == sum(
        max(len(t.measures.all()), 1) for t in draft_plan.tasks.all()
    )
    assert draft_plan.targets.count() == 41
    assert draft_plan.source_file.name.startswith("plans/sources/")


def test_seed_targets_keep_exact_values_and_link_to_their_tasks(draft_plan):
    engagement = draft_plan.targets.get(indicator="补贴性职业技能培训")
    assert (engagement.comparator, engagement.value, engagement.unit, engagement.task.number) == (
        ">=",
        Decimal("12000"),
        "人次",
        "6",
    )
    cost = draft_plan.targets.get(indicator_key="各产业综合成本降幅")
    assert (cost.comparator, cost.low, cost.high, cost.unit, cost.growth, cost.soft, cost.task.number) == (
        "range",
        Decimal("10"),
        Decimal("15"),
        "%",
        True,
        True,
        "攻坚6",
    )
    goal = draft_plan.targets.get(indicator="营商环境便利度指数")
    assert (goal.task, goal.soft, goal.effective_from.isoformat(), goal.effective_to.isoformat()) == (
        None,
        True,
        "2025-01-01",
        "2025-12-31",
    )


def test_seed_conflict_is_flagged_and_blocks_confirmation(draft_plan, cast):
    flagged = list(
        draft_plan.targets.filter(in_conflict=True).order_by("order").values_list("indicator", "value")
    )
    assert flagged == [("破产案件结案率", Decimal("80.0000")), ("破产案件结案率", Decimal("85.0000"))]
    assert review_problems(draft_plan)[0] == "指标“破产案件结案率”存在相互冲突的目标，请选择保留哪一个。"
    with pytest.raises(BusinessRuleError) as error:
        change_plan_status(plan=draft_plan, to=PlanStatus.OFFICIAL, by=cast.city_admin, now=NOW)
    assert error.value.code == "review_incomplete"
    draft_plan.refresh_from_db()
    assert draft_plan.status == PlanStatus.DRAFT


def test_resolved_and_assigned_plan_becomes_the_official_source_of_targets(official_plan):
    assert official_plan.status == PlanStatus.OFFICIAL
    bankruptcy = list(
        targets_for_plan(official_plan).filter(indicator="破产案件结案率").values_list("value", flat=True)
    )
    assert bankruptcy == [Decimal("85.0000")]
    assert targets_for_plan(official_plan).count() == 40
    assert list(official_targets(2025).values_list("pk", flat=True)) == list(
        targets_for_plan(official_plan).values_list("pk", flat=True)
    )
    assert official_targets(2024).count() == 0
    assert (
        AuditEvent.objects.filter(action="plan.status.official", object_id=str(official_plan.pk)).count() == 1
    )


def test_official_plan_can_no_longer_change_its_targets(official_plan, cast):
    target = official_plan.targets.first()
    with pytest.raises(ConflictError):
        update_plan_target(target=target, by=cast.city_admin, indicator="x", comparator=">=", value=1)
    assert PlanTarget.objects.get(pk=target.pk).indicator == target.indicator


def test_reviewer_corrects_a_target_and_adds_a_missed_one(draft_plan, cast):
    target = draft_plan.targets.get(indicator="实际使用外资")
    update_plan_target(
        target=target,
        by=cast.city_admin,
        indicator="实际使用外资增速",
        comparator=">=",
        value="20",
        unit="%",
        growth=True,
        soft=True,
        task=None,
    )
    target.refresh_from_db()
    assert (target.indicator, target.indicator_key, target.comparator, target.value) == (
        "实际使用外资增速",
        "实际使用外资增速",
        ">=",
        Decimal("20"),
    )
    added = add_plan_target(
        plan=draft_plan,
        by=cast.city_admin,
        indicator="企业开办时间",
        comparator="<=",
        value="1",
        unit="个工作日",
    )
    assert (added.order, added.text) == (42, "（人工补充）")
    with pytest.raises(BusinessRuleError) as error:
        add_plan_target(
            plan=draft_plan, by=cast.city_admin, indicator="成本", comparator="range", low=15, high=10
        )
    assert error.value.message == "区间下限 15 大于上限 10。"
    assert draft_plan.targets.count() == 42


def test_task_assignment_rejects_a_deadline_outside_the_plan_year(draft_plan, cast):
    task = draft_plan.tasks.get(number="2")
    with pytest.raises(BusinessRuleError) as error:
        update_task_assignment(
            task=task, by=cast.city_admin, deadline=__import__("datetime").date(2023, 6, 30)
        )
    assert error.value.message == "完成时限 2023-06-30 不在方案年度 2025 年（或次年）内。"
    assert PlanTask.objects.get(pk=task.pk).deadline.isoformat() == "2025-12-31"


def test_taizhou_plan_imports_with_tasks_units_and_targets(cast):
    plan = stage_plan_import(
        data=(DATA / "taizhou-2019-excerpt.txt").read_bytes(),
        filename="taizhou-2019-excerpt.txt",
        by=cast.city_admin,
        now=NOW,
    )
    assert (plan.title, plan.year) == ("聚焦企业关切进一步优化营商环境行动方案", 2019)
    first = plan.tasks.get(number="1")
    assert first.title == "持续加大简政放权力度"
    assert first.lead_units == ["市行政审批局"]
    assert first.co_units == ["住建局", "司法局", "各市（区）人民政府", "医药高新区管委会"]
    # 泰州's units match Zhangye's tree only where a same-named function exists.
    assert [d.short_name for d in first.lead_departments.all()] == ["市营商局"]
    assert sorted(d.short_name or d.name for d in first.co_departments.all()) == sorted(
        [
            "市住建局",
            "市司法局",
            "临泽县人民政府",
            "山丹县人民政府",
            "民乐县人民政府",
            "甘州区人民政府",
            "肃南裕固族自治县人民政府",
            "高台县人民政府",
        ]
    )
    assert first.unmatched_units == ["医药高新区管委会"]
    target = plan.targets.get()
    assert (target.indicator, target.comparator, target.value, target.unit, target.task.number) == (
        "工程建设项目审批时间",
        "<=",
        Decimal("100"),
        "工作日",
        "2",
    )


ALL_COUNTY_GOVERNMENTS = sorted(
    [
        "临泽县人民政府",
        "山丹县人民政府",
        "民乐县人民政府",
        "甘州区人民政府",
        "肃南裕固族自治县人民政府",
        "高台县人民政府",
    ]
)


def _department_names(departments) -> list[str]:
    return sorted(d.short_name or d.name for d in departments)


def test_guangzhou_complete_plan_imports_for_review_with_units_matched_or_flagged(cast):
    # Guangzhou's complete 2012 talent plan, staged the way the upload page stages it, into Zhangye's tree:
    # units with a same-function department there are matched, the others are shown to the reviewer.
    plan = stage_plan_import(
        data=(DATA / "guangzhou-2012-talent-plan.txt").read_bytes(),
        filename="guangzhou-2012-talent-plan.txt",
        by=cast.city_admin,
        now=NOW,
    )

    assert (plan.status, plan.title, plan.year) == (PlanStatus.DRAFT, "关于推进人才集聚工程的实施意见", 2012)
    assert (plan.tasks.count(), plan.targets.count(), plan.targets.filter(in_conflict=True).count()) == (
        44,
        66,
        0,
    )
    assert [s.title for s in plan.sections.order_by("order")] == [
        "产业提升人才行动计划",
        "科技创新人才行动计划",
        "城乡一体人才行动计划",
        "文化引领人才行动计划",
        "民生幸福人才行动计划",
        "国际交流人才行动计划",
        "人才交流培养体系",
        "人才创新创业体系",
        "人才服务保障体系",
        "创新人才工作体制机制",
        "强化组织实施",
    ]
    task_2 = plan.tasks.get(number="2")
    assert _department_names(task_2.lead_departments.all()) == ["市发展改革委"]
    # "各区、县级市" names the district and county governments; 市委组织部 has no counterpart in the tree.
    assert _department_names(task_2.co_departments.all()) == sorted(["市人社局", *ALL_COUNTY_GOVERNMENTS])
    assert task_2.unmatched_units == ["市委组织部"]
    task_19 = plan.tasks.get(number="19")
    assert _department_names(task_19.lead_departments.all()) == ["市农业农村局"]
    assert task_19.unmatched_units == ["市科协", "各有关区、县级市"]
    task_26 = plan.tasks.get(number="26")
    assert _department_names(task_26.co_departments.all()) == sorted(
        ["市中级人民法院", "市检察院", "市司法局", *ALL_COUNTY_GOVERNMENTS]
    )
    assert task_26.unmatched_units == ["市委政法委", "市公安局", "市法制办"]
    task_38 = plan.tasks.get(number="38")
    assert _department_names(task_38.lead_departments.all()) == ["市住建局"]
    assert _department_names(task_38.co_departments.all()) == sorted(
        ["市自然资源局", *ALL_COUNTY_GOVERNMENTS]
    )
    assert plan.tasks.get(number="4").unmatched_units == ["市经贸委", "市工商联"]
    assert plan.tasks.get(number="45").kind == "safeguard"
    # The reviewer is told which tasks still need a lead department: those led by units Zhangye lacks.
    assert review_problems(plan) == [
        "任务 3、4、6、9、10、14、15、16、17、20、23、24、25、26、27、28、31、32、33、35、36、40、42、43、44、45"
        " 尚未指定牵头单位。"
    ]
    target = plan.targets.get(indicator="引进市管企业中高级经营管理人才")
    assert (target.comparator, target.value, target.unit, target.period, target.task.number) == (
        "=",
        Decimal("100"),
        "名",
        "5年内",
        "3",
    )
    event = AuditEvent.objects.get(action="plan.import", object_id=str(plan.pk))
    assert (event.after["tasks"], event.after["targets"], event.after["conflicts"]) == (44, 66, 0)


def test_guangzhou_import_that_fails_midway_leaves_nothing(cast, monkeypatch):
    # All or nothing: a failure while the targets are written undoes the plan, its tasks and measures.
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PlanTarget.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        stage_plan_import(
            data=(DATA / "guangzhou-2012-talent-plan.txt").read_bytes(),
            filename="guangzhou-2012-talent-plan.txt",
            by=cast.city_admin,
            now=NOW,
        )

    assert (Plan.objects.count(), PlanTask.objects.count(), PlanMeasure.objects.count()) == (0, 0, 0)
    assert not AuditEvent.objects.filter(action="plan.import").exists()


def test_hechi_units_are_matched_or_flagged_for_the_reviewer(cast):
    plan = stage_plan_import(
        data=(DATA / "hechi-2024-excerpt.txt").read_bytes(), filename="hechi.txt", by=cast.city_admin, now=NOW
    )
    task = plan.tasks.get()
    assert sorted(d.short_name for d in task.lead_departments.all()) == [
        "市人社局",
        "市发展改革委",
        "市市场监管局",
    ]
    assert task.unmatched_units == [
        "大数据发展局",
        "市公安局",
        "民政局",
        "医保局",
        "河池公积金管理中心",
        "市消防救援支队",
        "人民银行河池市分行",
        "河池海关",
        "各县（区）人民",
    ]
    assert review_problems(plan) == []


def test_docx_upload_imports_the_same_plan(cast):
    document = Document()
    for line in SEED_PATH.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    plan = stage_plan_import(data=buffer.getvalue(), filename="方案.docx", by=cast.city_admin, now=NOW)
    assert (plan.tasks.count(), plan.targets.count()) == (31, 41)


def test_gbk_text_is_decoded(cast):
    data = SEED_PATH.read_text(encoding="utf-8").encode("gb18030")
    plan = stage_plan_import(data=data, filename="plan.txt", by=cast.city_admin, now=NOW)
    assert plan.tasks.count() == 31


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "plan.txt", "文件为空，请选择包含行动方案正文的 TXT 或 DOCX 文件。"),
        (b"   \n\n", "plan.txt", "文件为空，请选择包含行动方案正文的 TXT 或 DOCX 文件。"),
        (
            "今天天气很好，我们去公园散步。".encode(),
            "notes.txt",
            "未识别到方案的任务结构（如“一、”“（一）”“1.”编号的任务条目），请确认文件是行动方案。",
        ),
        (
            b"Hello world, this is not a plan at all.",
            "plan.txt",
            "文件内容不是中文行动方案（中文文字过少），请确认文件内容或编码。",
        ),
        # Big5 (繁体) is read and converted; goals alone are not a plan.
        (
            "一、總體目標\n（一）優化營商環境。實現線上辦理率達到90%以上。".encode("big5"),
            "plan.txt",
            "未识别到方案的任务结构（如“一、”“（一）”“1.”编号的任务条目），请确认文件是行动方案。",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            "plan.txt",
            "文件扩展名是文本，但内容是PNG 图片，请上传 TXT 或 DOCX 格式的行动方案（DOCX 请保留 .docx 扩展名）。",
        ),
        (
            b"\x00\x01\x02\x03binary",
            "plan.txt",
            "文件不是文本文件（含二进制内容），请上传 TXT 或 DOCX 格式的行动方案。",
        ),
        (
            b"PK\x03\x04broken",
            "plan.docx",
            "文件不是有效的 DOCX 文档（可能已损坏或扩展名有误），请重新导出后上传。",
        ),
        (
            b"\xd0\xcf\x11\xe0",
            "plan.doc",
            "暂不支持旧版 Word（.doc）文件，请在 Word/WPS 中另存为 .docx 后上传。",
        ),
        (b"%PDF-1.4", "plan.pdf", "不支持的文件类型“.pdf”，请上传 TXT 或 DOCX 格式的行动方案。"),
    ],
)
def test_bad_files_are_refused_with_a_chinese_message_and_nothing_saved(cast, data, filename, message):
    with pytest.raises(InvalidUpload) as error:
        stage_plan_import(data=data, filename=filename, by=cast.city_admin, now=NOW)
    assert error.value.message == message
    assert (
        Plan.objects.count(),
        PlanTask.objects.count(),
        AuditEvent.objects.filter(action="plan.import").count(),
    ) == (0, 0, 0)


def test_a_failure_half_way_leaves_no_half_imported_plan(cast, seed_bytes, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PlanTarget.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        stage_plan_import(data=seed_bytes, filename="plan.txt", by=cast.city_admin, now=NOW)
    assert (Plan.objects.count(), PlanTask.objects.count(), PlanMeasure.objects.count()) == (0, 0, 0)


def test_discarding_a_draft_removes_it_but_an_official_plan_cannot_be_discarded(
    draft_plan, official_plan, cast
):
    with pytest.raises(ConflictError):
        discard_plan(plan=official_plan, by=cast.city_admin)
    assert Plan.objects.filter(pk=official_plan.pk).exists()


def test_second_official_plan_for_the_same_year_is_refused(official_plan, cast, seed_bytes):
    other = stage_plan_import(data=seed_bytes, filename="again.txt", by=cast.city_admin, now=NOW)
    lead = Department.objects.get(function_key="business_env", region__code="620700")
    for task in other.tasks.all():
        update_task_assignment(task=task, by=cast.city_admin, lead_departments=[lead])
    from yingshang.plans.services import resolve_target_conflict

    resolve_target_conflict(keep=other.targets.filter(in_conflict=True).first(), by=cast.city_admin)
    with pytest.raises(ConflictError) as error:
        change_plan_status(plan=other, to=PlanStatus.OFFICIAL, by=cast.city_admin, now=NOW)
    assert (
        error.value.message
        == "2025 年本区划已有正式任务清单“全市优化营商环境全面提升年行动方案”，请先将其归档。"
    )
    discard_plan(plan=other, by=cast.city_admin)
    assert Plan.objects.count() == 1


def test_import_plan_command_prints_json_and_dry_run_saves_nothing(db, capsys):
    call_command("import_plan", str(SEED_PATH), "--json", "--dry-run")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"tasks", "targets", "conflicts"}
    assert set(payload["tasks"][0]) >= {"number", "title", "section", "measures", "lead_units", "co_units"}
    assert set(payload["targets"][0]) >= {
        "indicator",
        "comparator",
        "value",
        "low",
        "high",
        "unit",
        "growth",
        "soft",
        "text",
    }
    assert (len(payload["tasks"]), len(payload["targets"]), len(payload["conflicts"])) == (31, 41, 1)
    assert Plan.objects.count() == 0


def test_import_plan_command_stages_a_draft(db, capsys):
    call_command("import_plan", str(SEED_PATH))
    assert capsys.readouterr().out.startswith(
        "《全市优化营商环境全面提升年行动方案》：任务 31 项，量化目标 41 个，冲突 1 处。"
    )
    assert Plan.objects.get().status == PlanStatus.DRAFT


def test_import_plan_command_reports_a_bad_file_in_chinese(db, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="文件为空"):
        call_command("import_plan", str(empty), "--dry-run")
