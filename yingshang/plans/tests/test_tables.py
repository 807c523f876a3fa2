"""Plans laid out as a task table in TXT (序号 / 任务 / 责任单位 / 时限), as offices paste them from Word or Excel."""

from __future__ import annotations

import datetime as dt

import pytest

from yingshang.plans.importing import read_plan_upload
from yingshang.plans.tables import parse_deadline, table_to_plan_text

TAB_TABLE = """张掖市2025年优化营商环境重点任务清单
序号\t重点任务\t牵头单位\t配合单位\t完成时限
（一）提升市场化水平
1\t深化“一业一证”改革，实现“一证准营”。\t市市场监管局\t市政务服务中心\t2025年6月底前
2\t全年举办线上线下招聘活动350场次以上。\t市人社局\t\t2025年12月底
（二）提升便利化水平
3\t数字化电子发票推广覆盖率达到99%以上。\t市税务局\t市财政局\t第三季度
4\t优化不动产登记流程，\t市自然资源局\t\t长期坚持
\t实现一网通办。
"""

BAR_TABLE = """临泽县营商环境攻坚任务分解表
| 序号 | 任务 | 责任单位 | 时限 |
| 1 | 开展“千企问需”大走访，建立问题台账销号机制。 | 县工信局、县发展改革局 | 10月底 |
| 2 | 12345热线涉企问题处办率达到99%以上。 | 县政务服务中心 | 年底前 |
"""


def test_a_tab_separated_task_table_becomes_numbered_tasks_with_units_and_deadlines():
    table = table_to_plan_text(TAB_TABLE)
    assert table is not None
    assert table.deadlines == {"1": "2025年6月底前", "2": "2025年12月底", "3": "第三季度", "4": "长期坚持"}
    text, parsed = read_plan_upload(TAB_TABLE.encode(), "清单.txt")
    assert text == TAB_TABLE
    tasks = {task.number: task for task in parsed.tasks}
    assert [(n, t.section, t.lead_units, t.co_units, t.deadline_text) for n, t in tasks.items()] == [
        ("1", "提升市场化水平", ("市市场监管局",), ("市政务服务中心",), "2025年6月底前"),
        ("2", "提升市场化水平", ("市人社局",), (), "2025年12月底"),
        ("3", "提升便利化水平", ("市税务局",), ("市财政局",), "第三季度"),
        ("4", "提升便利化水平", ("市自然资源局",), (), "长期坚持"),
    ]
    assert tasks["4"].title == "优化不动产登记流程，实现一网通办"
    assert [(t.indicator, t.value, t.unit) for t in parsed.targets] == [
        ("线上线下招聘活动", 350, "场次"),
        ("数字化电子发票推广覆盖率", 99, "%"),
    ]


def test_a_bar_table_with_responsible_units_makes_the_first_unit_the_lead():
    _, parsed = read_plan_upload(BAR_TABLE.encode("gbk"), "分解表.txt")
    first, second = parsed.tasks
    assert (first.lead_units, first.co_units, first.deadline_text) == (
        ("县工信局",),
        ("县发展改革局",),
        "10月底",
    )
    assert second.lead_units == ("县政务服务中心",)
    assert [(t.indicator, t.value) for t in parsed.targets] == [("12345热线涉企问题处办率", 99)]


def test_prose_plans_are_not_tables():
    assert table_to_plan_text("一、主要任务\n1.优化市场准入。严格落实负面清单。\n") is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2025年6月底前", dt.date(2025, 6, 30)),
        ("2025年12月底", dt.date(2025, 12, 31)),
        ("10月底", dt.date(2025, 10, 31)),
        ("2月底前", dt.date(2025, 2, 28)),
        ("2025年9月30日前", dt.date(2025, 9, 30)),
        ("2025年6月底前完成制度建设，12月底前全面推开", dt.date(2025, 12, 31)),
        ("年底前", dt.date(2025, 12, 31)),
        ("2026年底", dt.date(2026, 12, 31)),
        ("上半年", dt.date(2025, 6, 30)),
        ("第三季度", dt.date(2025, 9, 30)),
        ("长期坚持", None),
        ("持续推进", None),
        ("", None),
        ("2025年13月", None),
    ],
)
def test_parse_deadline(text, date):
    assert parse_deadline(text, 2025) == date


@pytest.mark.django_db
def test_imported_table_tasks_get_their_deadlines_or_the_year_end(cast):
    from yingshang.plans.services import stage_plan_import

    plan = stage_plan_import(
        data=TAB_TABLE.encode(),
        filename="清单.txt",
        by=cast.city_admin,
        now=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
    )
    assert plan.year == 2025
    assert list(plan.tasks.order_by("order").values_list("number", "deadline")) == [
        ("1", dt.date(2025, 6, 30)),
        ("2", dt.date(2025, 12, 31)),
        ("3", dt.date(2025, 9, 30)),
        ("4", dt.date(2025, 12, 31)),
    ]
    assert plan.tasks.get(number="1").lead_departments.get().name == "张掖市市场监督管理局"
