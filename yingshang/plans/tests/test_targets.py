"""Quantitative targets (量化指标): the seed plan read by hand, edge cases, and conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from yingshang.plans.parsing import normalise_line, parse_plan
from yingshang.plans.targets import Target, extract_targets, find_conflicts, parse_number

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def seed_plan():
    return parse_plan((DATA / "zhangye-2025-action-plan.txt").read_text(encoding="utf-8"))


def targets_in(sentence: str) -> list[Target]:
    return extract_targets(normalise_line(sentence))


def summary(target: Target) -> tuple:
    return (
        target.task_number,
        target.indicator,
        target.comparator,
        target.value,
        target.low,
        target.high,
        target.unit,
        target.growth,
        target.soft,
        target.period,
    )


# Every quantitative target in the Zhangye 2025 plan, read by hand, in document order:
# (task, indicator, comparator, value, low, high, unit, growth, soft, period).
SEED_TARGETS = [
    # 一、总体目标
    (None, "营商环境便利度指数", ">=", 90, None, None, "分", False, True, None),
    (None, "经营主体总体满意率", ">=", 90, None, None, "%", False, True, None),
    (None, "破产案件结案率", ">=", 80, None, None, "%", False, False, None),
    (None, "法院审限内结案率", ">=", 99, None, None, "%", False, False, None),
    (None, "实际使用外资", "=", 20, None, None, "%", True, True, None),
    (None, "进出口总额", ">=", 30, None, None, "%", True, True, None),
    (None, "12345政务服务便民热线涉企问题处办率", ">=", 99, None, None, "%", False, False, None),
    (None, "办件满意率", ">=", 99, None, None, "%", False, False, None),
    # 二、主要任务
    ("2", "工程建设项目“双随机、一公开”执法检查", ">=", 2, None, None, "次", False, False, "年内"),
    ("2", "授予中小企业合同金额占全部政府采购合同金额比例", ">=", 97, None, None, "%", False, False, None),
    ("2", "各行业远程异地评标比重", ">=", 30, None, None, "%", False, False, None),
    ("3", "市场监管领域部门“双随机、一公开”抽查事项覆盖率", ">=", 90, None, None, "%", False, False, None),
    ("3", "部门联合“双随机”抽查任务占所有“双随机”抽查任务", ">=", 65, None, None, "%", False, False, None),
    ("6", "线上线下招聘活动", ">=", 350, None, None, "场次", False, False, "全年"),
    ("6", "就业", "=", 4500, None, None, "人次", False, False, "全年"),
    ("6", "补贴性职业技能培训", ">=", 12000, None, None, "人次", False, False, None),
    ("7", "高新技术企业总量", "=", 225, None, None, "家", False, True, "2025"),
    ("7", "省级科技创新型企业总量", "=", 160, None, None, "家", False, True, "2025"),
    ("7", "科技型中小企业", "=", 400, None, None, "家", False, True, "2025"),
    ("9", "民事一、二审涉企案件结案率", ">=", 99, None, None, "%", False, False, None),
    ("9", "法定审理期限内结案率", ">=", 99, None, None, "%", False, False, None),
    ("9", "劳动争议调解组织调解成功率", ">=", 75, None, None, "%", False, False, None),
    ("9", "仲裁结案率", ">=", 95, None, None, "%", False, False, None),
    ("9", "检察环节挂案清理案件清结率", "=", 100, None, None, "%", False, True, None),
    ("10", "网上立案率", ">=", 75, None, None, "%", False, False, None),
    ("10", "在线庭审率", ">=", 30, None, None, "%", False, False, None),
    ("10", "小额诉讼程序适用率", ">=", 30, None, None, "%", False, False, None),
    ("10", "简易程序适用率", ">=", 85, None, None, "%", False, False, None),
    ("11", "民商事案件执行到位率", "=", 65, None, None, "%", False, False, None),
    ("11", "首执案件结案率", "=", 95, None, None, "%", False, False, None),
    ("11", "平均结案时间", "=", 60, None, None, "天", False, False, None),
    ("12", "破产案件结案率", ">=", 85, None, None, "%", False, False, None),
    ("17", "事项并联审批率", "=", 90, None, None, "%", False, False, None),
    ("17", "电子证照应用覆盖面", "=", 100, None, None, "%", False, False, None),
    ("19", "无电力外线工程的低压用户全过程办电时间", "<=", 5, None, None, "工作日", False, False, None),
    ("19", "涉及电力外线工程的低压用户全过程办电时间", "<=", 15, None, None, "工作日", False, False, None),
    ("21", "人工互动应答成功率", ">=", 90, None, None, "%", False, False, None),
    ("21", "推广覆盖率", ">=", 99, None, None, "%", False, False, None),
    ("21", "开票率", ">=", 90, None, None, "%", False, False, None),
    # 三、攻坚重点（六）
    ("攻坚6", "各产业综合成本降幅", "range", None, 10, 15, "%", True, True, None),
    ("攻坚6", "重点环节审批效率", "range", None, 30, 50, "%", True, True, None),
]


def test_seed_plan_targets_match_the_hand_read_table(seed_plan):
    assert [summary(target) for target in seed_plan.targets] == SEED_TARGETS


@pytest.mark.parametrize("expected", SEED_TARGETS, ids=[f"{row[0]}-{row[1]}" for row in SEED_TARGETS])
def test_each_seed_target_is_found(seed_plan, expected):
    assert expected in [summary(target) for target in seed_plan.targets]


def test_seed_targets_carry_their_source_sentence(seed_plan):
    by_indicator = {(t.task_number, t.indicator): t.text for t in seed_plan.targets}

    assert by_indicator[("12", "破产案件结案率")] == "破产案件结案率达85%以上"
    assert by_indicator[(None, "实际使用外资")] == "力争实际使用外资增长20%、进出口总额增长30%以上"
    assert by_indicator[("2", "工程建设项目“双随机、一公开”执法检查")] == (
        "年内开展工程建设项目“双随机、一公开”执法检查不少于2次"
    )
    assert by_indicator[("攻坚6", "重点环节审批效率")].endswith("形成全国领先的特色产业营商环境标杆")


def test_seed_plan_has_one_conflict_on_bankruptcy_closure_rate(seed_plan):
    assert len(seed_plan.conflicts) == 1
    conflict = seed_plan.conflicts[0]
    assert conflict.indicator == "破产案件结案率"
    assert [(t.task_number, t.comparator, t.value) for t in conflict.targets] == [
        (None, ">=", 80),
        ("12", ">=", 85),
    ]


def test_seed_numbers_that_are_not_targets_are_ignored(seed_plan):
    values = {target.value for target in seed_plan.targets}
    indicators = " ".join(target.indicator for target in seed_plan.targets)

    assert 2025 not in values and 12345 not in values and 10 not in values
    assert "10 + N" not in indicators and "破冰" not in indicators and "一业一证" not in indicators


# -- sentences ----------------------------------------------------------------------------------------


def test_paired_list_gives_one_target_per_indicator():
    targets = targets_in("网上立案率和在线庭审率分别达75%、30%以上")

    assert [(t.indicator, t.comparator, t.value, t.unit) for t in targets] == [
        ("网上立案率", ">=", 75, "%"),
        ("在线庭审率", ">=", 30, "%"),
    ]


def test_three_way_list_with_mixed_units_and_full_width_percent():
    targets = targets_in("民商事案件执行到位率、首执案件结案率和平均结案时间分别达65％、95%、60天")

    assert [(t.indicator, t.value, t.unit) for t in targets] == [
        ("民商事案件执行到位率", 65, "%"),
        ("首执案件结案率", 95, "%"),
        ("平均结案时间", 60, "天"),
    ]


def test_shared_value_with_jun_gives_one_target_per_indicator():
    targets = targets_in("12345政务服务便民热线涉企问题处办率、办件满意率均达到99%以上")

    assert [(t.indicator, t.comparator, t.value) for t in targets] == [
        ("12345政务服务便民热线涉企问题处办率", ">=", 99),
        ("办件满意率", ">=", 99),
    ]


def test_chinese_and_mixed_numerals_are_scaled():
    assert targets_in("开展补贴性职业技能培训1.2万人次以上")[0].value == 12000
    assert targets_in("新增市场主体不少于三千户")[0].value == 3000
    assert targets_in("办理时限压缩至十五个工作日")[0].value == 15
    assert targets_in("全年举办招聘活动３５０场次以上")[0].value == 350


def test_money_keeps_its_scale_in_the_unit():
    target = targets_in("政府性融资担保业务规模达到5.5亿元以上")[0]

    assert (target.indicator, target.comparator, target.value, target.unit) == (
        "政府性融资担保业务规模",
        ">=",
        5.5,
        "亿元",
    )


@pytest.mark.parametrize(
    ("sentence", "comparator", "unit"),
    [
        ("企业开办时间压缩至1个工作日以内", "<=", "工作日"),
        ("全市工程建设项目审批时间缩短至100个工作日内", "<=", "工作日"),
        ("低压用户办电时间不超过5个工作日", "<=", "工作日"),
        ("政策兑现资金拨付时间控制在10个工作日以内", "<=", "工作日"),
        ("执法检查不少于2次", ">=", "次"),
        ("破产案件结案率不低于80%", ">=", "%"),
        ("政务服务事项网上可办率达到100%", "=", "%"),
        ("营商环境便利度指数提升至90分以上", ">=", "分"),
        ("市级营商环境政策出台10日内完成解读", "<=", "日"),
        ("企业满意度保持在95%左右", "=", "%"),
    ],
)
def test_comparator_words(sentence, comparator, unit):
    (target,) = targets_in(sentence)

    assert (target.comparator, target.unit) == (comparator, unit)


def test_range_and_growth():
    (target,) = targets_in("重点环节审批效率提升30%～50%")

    assert (target.comparator, target.value, target.low, target.high, target.growth) == (
        "range",
        None,
        30,
        50,
        True,
    )


def test_connective_is_dropped_but_not_the_start_of_a_name():
    assert targets_in("推行容缺受理，并联审批率达到90%以上")[0].indicator == "并联审批率"
    assert targets_in("优化流程，并实现审批时间压缩至3个工作日")[0].indicator == "审批时间"


def test_level_is_not_growth_but_increase_is():
    assert targets_in("事项并联审批率提升至90%")[0].growth is False
    assert targets_in("进出口总额增长30%以上")[0].growth is True


def test_decrease_keeps_written_numbers_and_names_the_direction():
    (target,) = targets_in("力争各产业综合成本降低10%-15%")

    assert (target.indicator, target.low, target.high, target.growth, target.soft) == (
        "各产业综合成本降幅",
        10,
        15,
        True,
        True,
    )


def test_elliptical_indicator_borrows_the_previous_head():
    targets = targets_in(
        "无电力外线工程的低压用户全过程办电时间不超过5个工作日，涉及电力外线工程的不超过15个工作日"
    )

    assert [t.indicator for t in targets] == [
        "无电力外线工程的低压用户全过程办电时间",
        "涉及电力外线工程的低压用户全过程办电时间",
    ]


def test_period_is_read_from_the_sentence():
    assert targets_in("力争2025年高新技术企业总量达到225家")[0].period == "2025"
    assert targets_in("到2026年底，企业开办时间压缩至0.5个工作日")[0].period == "2026"
    assert targets_in("年内开展执法检查不少于2次")[0].period == "年内"
    assert targets_in("破产案件结案率达85％以上")[0].period is None


@pytest.mark.parametrize(
    "sentence",
    [
        "根据《省政府办公厅关于印发工作要点的通知》（桂政办发〔2024〕23号）精神",
        "依据《优化营商环境条例》（国务院令第722号）",
        "第2次联席会议研究部署相关工作",
        "开展“10 + N”公共就业服务活动",
        "深入推进“一业一证”改革，深化施工许可“三证合一”改革",
        "在全面落实省上“十大破冰行动”的同时，再提出“六大提升行动”",
        "聚焦五大特色产业，推进“五轮驱动”",
        "2025年6月底前完成清单编制",
        "推动纳税、获得电力、登记财产、企业开办4项指标进入全国一流水平",
        "提升12345政务服务便民热线企业专席服务质效",
        "坚持两个毫不动摇，高效办成一件事",
        "推进5G网络建设",
    ],
)
def test_numbers_that_are_not_targets(sentence):
    assert targets_in(sentence) == []


def test_parse_number_reads_arabic_chinese_and_multipliers():
    assert parse_number("1.2", "万") == 12000
    assert parse_number("1,200") == 1200
    assert parse_number("十五") == 15
    assert parse_number("两") == 2
    assert parse_number("一百二十") == 120
    assert parse_number("二〇二五") == 2025


def test_same_indicator_and_value_twice_is_not_a_conflict():
    targets = targets_in("破产案件结案率达85%以上") + targets_in("破产案件结案率不低于85%")

    assert find_conflicts(targets) == ()


def test_staged_targets_in_different_years_are_not_a_conflict():
    targets = targets_in("到2024年底，全程网办率提高至90%以上") + targets_in(
        "到2025年底，全程网办率提高至95%以上"
    )

    assert find_conflicts(targets) == ()
