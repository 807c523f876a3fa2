"""Plan structure (行动方案解析): seed plan, numbering variants, responsibilities, real plans, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document

from yingshang.plans.parsing import (
    ParsedPlan,
    PlanParseError,
    extract_responsibility,
    normalise_line,
    parse_plan,
    read_docx_text,
    split_sentences,
)

DATA = Path(__file__).parent / "data"


SEED_TEXT = (DATA / "zhangye-2025-action-plan.txt").read_text(encoding="utf-8")

SECTION_MARKET = "细化服务促规范，在提升市场化水平上实现突破"
SECTION_LAW = "强化保障促公平，在提升法治化水平上实现突破"
SECTION_OPENING = "优化措施促开放，在提升国际化水平上实现突破"
SECTION_CONVENIENCE = "深化协同促改革，在提升便利化水平实现突破"

SEED_TASKS = [
    ("1", "优化市场准入准营环境", SECTION_MARKET),
    ("2", "促进公共资源交易公平竞争", SECTION_MARKET),
    ("3", "打造精准高效监管模式", SECTION_MARKET),
    ("4", "提升信用监管工作质效", SECTION_MARKET),
    ("5", "加强用地要素供给", SECTION_MARKET),
    ("6", "强化人力资源服务保障", SECTION_MARKET),
    ("7", "提升区域协同创新水平", SECTION_MARKET),
    ("8", "强化营商环境法治保障", SECTION_LAW),
    ("9", "完善商业纠纷化解机制", SECTION_LAW),
    ("10", "提升涉企诉讼服务水平", SECTION_LAW),
    ("11", "提高审判执行质效", SECTION_LAW),
    ("12", "提升破产办理效率", SECTION_LAW),
    ("13", "打造高水平对外开放平台", SECTION_OPENING),
    ("14", "提升对外贸易便利化水平", SECTION_OPENING),
    ("15", "优化外商投资服务", SECTION_OPENING),
    ("16", "健全对外投资服务体系", SECTION_OPENING),
    ("17", "提升工程项目审批质效", SECTION_CONVENIENCE),
    ("18", "提升政务服务规范化水平", SECTION_CONVENIENCE),
    ("19", "提升公用事业服务水平", SECTION_CONVENIENCE),
    ("20", "提升不动产登记效率", SECTION_CONVENIENCE),
    ("21", "提升纳税服务效率", SECTION_CONVENIENCE),
]
SEED_KEY_ACTIONS = [
    ("攻坚1", "破解落实不畅难题，实施政策供给提升行动"),
    ("攻坚2", "破解优势打造难题，实施改革创新提升行动"),
    ("攻坚3", "破解缺乏亮点难题，实施品牌创建提升行动"),
    ("攻坚4", "破解感知温差难题，实施企业满意度提升行动"),
    ("攻坚5", "破解企业办事难题，实施园区服务提升行动"),
    ("攻坚6", "破解基础薄弱难题，实施产业发展提升行动"),
]
SEED_SAFEGUARDS = [
    ("保障1", "强化合作共建"),
    ("保障2", "强化典型引领"),
    ("保障3", "强化宣传引导"),
    ("保障4", "强化纪律作风"),
]


def read_fixture(name: str) -> str:
    """A saved excerpt without its `#` source header."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


@pytest.fixture(scope="module")
def seed_plan() -> ParsedPlan:
    return parse_plan(SEED_TEXT)


def tasks_of(plan: ParsedPlan, kind: str):
    return [task for task in plan.tasks if task.kind == kind]


# -- the seed plan ------------------------------------------------------------------------------------


def test_seed_title(seed_plan):
    assert seed_plan.title == "全市优化营商环境全面提升年行动方案"


def test_seed_has_21_tasks_with_titles_and_sections(seed_plan):
    assert [(t.number, t.title, t.section) for t in tasks_of(seed_plan, "task")] == SEED_TASKS


def test_seed_has_6_key_actions_and_4_safeguards(seed_plan):
    key_actions = tasks_of(seed_plan, "key_action")
    safeguards = tasks_of(seed_plan, "safeguard")

    assert [(t.number, t.title) for t in key_actions] == SEED_KEY_ACTIONS
    assert {t.section for t in key_actions} == {"攻坚重点"}
    assert [(t.number, t.title) for t in safeguards] == SEED_SAFEGUARDS
    assert {t.section for t in safeguards} == {"保障措施"}
    assert len(seed_plan.tasks) == 31


def test_seed_goals_include_the_dash_bullets(seed_plan):
    assert len(seed_plan.goals) == 6
    assert seed_plan.goals[0].startswith("以习近平新时代中国特色社会主义思想为指导")
    assert [goal.split("。")[0] for goal in seed_plan.goals[1:]] == [
        "重点指标全面提升",
        "市场化水平全面提升",
        "法治化水平全面提升",
        "国际化水平全面提升",
        "便利化水平全面提升",
    ]


def test_seed_measures_are_one_per_sentence(seed_plan):
    task_2 = seed_plan.tasks[1]

    assert task_2.measures == (
        "深化拓展公共资源交易“全省一张网”成果应用，完善计算机辅助评标评审系统功能和评标委员会对异常低价的甄别处理程序",
        "持续深化交易协同监管工作和远程异地评标评审",
        "持续推进产权类交易项目“应进必进”",
        "深化政府采购项目电子合同应用管理，持续打造便利化政府采购环境",
        "年内开展工程建设项目“双随机、一公开”执法检查不少于2次",
        "授予中小企业合同金额占全部政府采购合同金额比例要达到97%以上",
        "各行业远程异地评标比重占到全部交易数量的30%以上",
    )


def test_seed_bookmark_artefact_is_stripped(seed_plan):
    task_12 = seed_plan.tasks[11]

    assert (task_12.number, task_12.title) == ("12", "提升破产办理效率")
    assert "bookmark" not in json.dumps(seed_plan.to_json_dict(), ensure_ascii=False)


def test_seed_has_no_responsibility_annotations(seed_plan):
    assert all(task.lead_units == () and task.co_units == () for task in seed_plan.tasks)


def test_json_dict_has_exactly_the_documented_shape(seed_plan):
    data = seed_plan.to_json_dict()

    assert list(data) == ["title", "goals", "tasks", "targets", "conflicts"]
    assert list(data["tasks"][0]) == [
        "number",
        "title",
        "section",
        "measures",
        "lead_units",
        "co_units",
        "kind",
    ]
    assert list(data["targets"][0]) == [
        "indicator",
        "comparator",
        "value",
        "low",
        "high",
        "unit",
        "growth",
        "soft",
        "period",
        "text",
        "task_number",
    ]
    assert list(data["conflicts"][0]) == ["indicator", "targets"]
    assert data["tasks"][0]["kind"] == "task" and type(data["tasks"][0]["kind"]) is str
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


# -- numbering and punctuation variants ---------------------------------------------------------------


def _full_width_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789%", "０１２３４５６７８９％"))


SEED_VARIANTS = {
    "half-width brackets": lambda text: text.replace("（", "(").replace("）", ")"),
    "1、 numbering": lambda text: re.sub(r"^(\d+)\.", r"\1、", text, flags=re.MULTILINE),
    "1． numbering": lambda text: re.sub(r"^(\d+)\.", r"\1．", text, flags=re.MULTILINE),
    "full-width digits": _full_width_digits,
    "indented lines": lambda text: re.sub(r"^", "　　", text, flags=re.MULTILINE),
    "windows line ends and blank lines": lambda text: text.replace("\n", "\r\n\r\n"),
    "half-width commas and colons": lambda text: (
        text.replace("，", ",").replace("：", ":").replace("；", ";")
    ),
}


@pytest.mark.parametrize("variant", SEED_VARIANTS)
def test_seed_variants_parse_to_the_same_result(seed_plan, variant):
    assert parse_plan(SEED_VARIANTS[variant](SEED_TEXT)).to_json_dict() == seed_plan.to_json_dict()


def test_article_and_sub_item_numbering():
    plan = parse_plan(
        "某市营商环境提升若干措施\n"
        "第一条 压缩企业开办时间。企业开办时间压缩至1个工作日以内。（市市场监管局牵头）\n"
        "第二条 提升审批效率\n"
        "（1）推行容缺受理，并联审批率达到90%以上。\n"
        "（2）推行告知承诺。\n"
    )

    assert [(t.number, t.title) for t in plan.tasks] == [("1", "压缩企业开办时间"), ("2", "提升审批效率")]
    assert plan.tasks[0].lead_units == ("市市场监管局",)
    assert plan.tasks[1].measures == ("推行容缺受理，并联审批率达到90%以上", "推行告知承诺")
    assert [(t.task_number, t.indicator, t.comparator, t.value) for t in plan.targets] == [
        ("1", "企业开办时间", "<=", 1),
        ("2", "并联审批率", ">=", 90),
    ]


def test_task_numbers_restarting_in_each_part_are_prefixed():
    plan = parse_plan(
        "某市优化营商环境工作要点\n"
        "一、优化政务环境\n（一）深化一网通办。推进事项网上办理。\n（二）推行一件事。推进集成办理。\n"
        "二、优化法治环境\n（一）规范涉企执法。推行柔性执法。\n"
    )

    assert [(t.number, t.title, t.section) for t in plan.tasks] == [
        ("1.1", "深化一网通办", "优化政务环境"),
        ("1.2", "推行一件事", "优化政务环境"),
        ("2.1", "规范涉企执法", "优化法治环境"),
    ]


def test_task_titles_starting_with_digits_are_tasks():
    # Constructed from title shapes found in real plans ("12345政务服务便民热线", "5G网络"); numbering
    # continues (2., 3.) or restarts right after a section heading (1、).
    plan = parse_plan(
        "某市优化营商环境行动方案\n"
        "一、提升政务服务水平\n"
        "1.深化一网通办。推进事项网上办理。（市政务服务中心牵头）\n"
        "2.12345政务服务便民热线提质增效。涉企诉求按时办结率达到95%以上。（市政务服务中心牵头，市直各部门配合）\n"
        "3.5G网络覆盖提升。新建5G基站200个。（市工业和信息化局牵头）\n"
        "二、降低企业成本\n"
        "1、12345热线企业专席。专席接通率达到90%以上。（市政务服务中心牵头）\n"
    )

    assert [(t.number, t.title, t.lead_units, t.co_units) for t in plan.tasks] == [
        ("1.1", "深化一网通办", ("市政务服务中心",), ()),
        ("1.2", "12345政务服务便民热线提质增效", ("市政务服务中心",), ("市直各部门",)),
        ("1.3", "5G网络覆盖提升", ("市工业和信息化局",), ()),
        ("2.1", "12345热线企业专席", ("市政务服务中心",), ()),
    ]
    assert plan.tasks[2].measures == ("新建5G基站200个",)
    # "新建…200个" is a count a delivery verb governs (as "建设30家学会科技服务站" in Guangzhou's plan).
    assert [(t.task_number, t.indicator, t.comparator, t.value, t.unit) for t in plan.targets] == [
        ("1.2", "涉企诉求按时办结率", ">=", 95, "%"),
        ("1.3", "新建5G基站", "=", 200, "个"),
        ("2.1", "专席接通率", ">=", 90, "%"),
    ]


def test_decimal_at_paragraph_start_is_not_a_task_number():
    plan = parse_plan(
        "某市优化营商环境行动方案\n"
        "一、降低企业成本\n"
        "1.减轻企业负担。全年为企业减负。\n"
        "2.5%的企业享受阶段性减免。\n"
        "1.2万户经营主体获得首贷。\n"
        "5.8亿元纾困资金全部拨付。\n"
    )

    assert [(t.number, t.title) for t in plan.tasks] == [("1", "减轻企业负担")]
    assert plan.tasks[0].measures == (
        "全年为企业减负",
        "2.5%的企业享受阶段性减免",
        "1.2万户经营主体获得首贷",
        "5.8亿元纾困资金全部拨付",
    )


def test_normalise_line_keeps_chinese_punctuation_meaning():
    assert (
        normalise_line("\u3000\u3000(一)破解难题,实施行动:达到８５％以上;")
        == "（一）破解难题，实施行动：达到85%以上；"
    )
    assert normalise_line("[bookmark: _GoBack]12．提升破产办理效率。") == "12.提升破产办理效率。"
    assert normalise_line("覆盖1,200户，12:30前办结") == "覆盖1,200户，12:30前办结"
    assert normalise_line("①推行告知承诺……") == "①推行告知承诺……"
    assert normalise_line("信易\u200b+") == "信易+"


def test_split_sentences_ignores_marks_inside_brackets_and_quotes():
    text = "推行“一窗受理；一次办结”。完善机制〔牵头单位：市政务服务中心；配合单位：市财政局〕；提升效率。"

    assert split_sentences(text) == [
        "推行“一窗受理；一次办结”",
        "完善机制〔牵头单位：市政务服务中心；配合单位：市财政局〕",
        "提升效率",
    ]


# -- responsibility annotations -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "text", "leads", "co_units"),
    [
        (
            "完善机制。〔牵头单位：市发展改革委；配合单位：市财政局、市商务局〕",
            "完善机制。",
            ["市发展改革委"],
            ["市财政局", "市商务局"],
        ),
        ("推行告知承诺。（市司法局牵头）", "推行告知承诺。", ["市司法局"], []),
        (
            "推行告知承诺。（市司法局牵头，市直有关部门配合）",
            "推行告知承诺。",
            ["市司法局"],
            ["市直有关部门"],
        ),
        (
            "落实清单。(市政府办公室、市审改办牵头,市级各有关部门及各县市区政府按职责分工负责)",
            "落实清单。",
            ["市政府办公室", "市审改办"],
            ["市级各有关部门及各县市区政府"],
        ),
        ("落实清单。（市工商质监局牵头负责）", "落实清单。", ["市工商质监局"], []),
        (
            "减证便民。（责任单位：市行政审批局、住建局，各市（区）人民政府）",
            "减证便民。",
            ["市行政审批局"],
            ["住建局", "各市（区）人民政府"],
        ),
        (
            "下放权限。(牵头单位:州行政审批服务局;责任单位:州司法局、州委编办,6月底完成)",
            "下放权限。",
            ["州行政审批服务局"],
            ["州司法局", "州委编办"],
        ),
        ("责任单位：市发改委、市财政局（第一责任单位为牵头单位，下同）", "", ["市发改委"], ["市财政局"]),
        ("时限要求：持续推进", "", [], []),
        ("优化服务（征求意见稿）县（区）联动。", "优化服务（征求意见稿）县（区）联动。", [], []),
    ],
)
def test_extract_responsibility(paragraph, text, leads, co_units):
    assert extract_responsibility(normalise_line(paragraph)) == (normalise_line(text), leads, co_units)


def test_annotation_on_its_own_line_belongs_to_the_task():
    plan = parse_plan(
        "某区优化营商环境行动方案\n一、主要任务\n"
        "1.优化企业开办。企业开办时间压缩至0.5个工作日。\n"
        "牵头单位：区市场监管局\n配合单位：区税务局、区人社局\n"
        "2.优化纳税服务。推行非接触式办税。\n"
    )

    assert [(t.lead_units, t.co_units) for t in plan.tasks] == [
        (("区市场监管局",), ("区税务局", "区人社局")),
        ((), ()),
    ]
    assert plan.tasks[0].measures == ("企业开办时间压缩至0.5个工作日",)


# -- real plans from other cities ---------------------------------------------------------------------


def test_taizhou_2019_responsibility_and_working_day_target():
    plan = parse_plan(read_fixture("taizhou-2019-excerpt.txt"))

    assert plan.title == "聚焦企业关切进一步优化营商环境行动方案"
    assert [(t.number, t.title, t.section) for t in plan.tasks] == [
        ("1", "持续加大简政放权力度", "开展行政审批提速行动"),
        ("2", "优化工程项目许可办理", "开展行政审批提速行动"),
    ]
    assert plan.tasks[0].lead_units == ("市行政审批局",)
    assert plan.tasks[0].co_units == ("住建局", "司法局", "各市（区）人民政府", "医药高新区管委会")
    assert not any("责任单位" in measure for measure in plan.tasks[0].measures)
    assert [(t.task_number, t.indicator, t.comparator, t.value, t.unit) for t in plan.targets] == [
        ("2", "工程建设项目审批时间", "<=", 100, "工作日"),
    ]


def test_hechi_2024_lead_and_co_units_in_tortoise_brackets():
    plan = parse_plan(read_fixture("hechi-2024-excerpt.txt"))

    assert plan.title == "河池市2024年优化营商环境工作要点"
    (task,) = plan.tasks
    assert (task.number, task.title, task.section) == (
        "1",
        "优化市场准入退出",
        "对标改革再提升，加快培育营商环境服务品牌",
    )
    assert task.lead_units == ("市市场监管局", "发展改革委", "大数据发展局", "人力资源社会保障局")
    # The stored copy ends inside the annotation, so the last co-unit is cut short.
    assert task.co_units[:10] == (
        "市公安局",
        "民政局",
        "自然资源局",
        "住房城乡建设局",
        "医保局",
        "河池公积金管理中心",
        "市消防救援支队",
        "人民银行河池市分行",
        "河池海关",
        "河池税务局",
    )
    assert (
        task.measures[-1]
        == "利用“广西数智人社业务管理信息系统”实现“一网一窗一次”办结，推行“打包办”、“一件事一次办”高效推进多业务、多部门联办智能化审批"
    )
    assert plan.targets == ()


def test_fangxian_2023_county_lead_and_responsible_units_in_one_annotation():
    # A county plan (房县); 责任单位 after 牵头单位 in the same bracket are the co-units.
    plan = parse_plan(read_fixture("fangxian-2023-excerpt.txt"))

    assert plan.title == "以控制成本为核心优化营商环境的具体措施"
    assert [(t.number, t.title, t.lead_units, t.co_units, len(t.measures)) for t in plan.tasks] == [
        ("1", "深化政务服务标准化建设", ("县行政审批局",), ("县直各有关单位", "各乡镇人民政府"), 5),
        (
            "2",
            "推行政务服务承诺制",
            ("县行政审批局", "县市场监管局", "县发改局"),
            ("县直各有关单位", "各乡镇人民政府"),
            2,
        ),
        ("3", "大力推行“首席服务员", (), (), 0),  # the stored copy ends inside this heading
    ]
    assert {t.section for t in plan.tasks} == {"更大力度降低制度性交易成本"}
    # "510"模式 and document numbers (〔2022〕52号) are not targets.
    assert plan.targets == ()


def test_xining_2022_sub_items_are_tasks_and_counts_are_not_targets():
    plan = parse_plan(read_fixture("xining-2022-excerpt.txt"))

    assert plan.title == "西宁市创建“双满意”品牌打造一流营商环境行动方案"
    assert len(plan.goals) == 1 and "4项指标进入全国一流水平" in plan.goals[0]
    (task,) = plan.tasks
    assert (task.number, task.title, task.section) == ("1", "深入推进“一网通办”", "提升政务服务指标便利度")
    assert [(t.task_number, t.indicator, t.comparator, t.value, t.unit) for t in plan.targets] == [
        ("1", "政务服务网办能力", ">=", 95, "%"),
    ]


def test_chizhou_2017_inline_sub_items_and_repeated_lead_unit():
    plan = parse_plan(read_fixture("chizhou-2017-excerpt.txt"))

    assert plan.title == "池州市人民政府关于创优“四最”营商环境的实施意见"
    (task,) = plan.tasks
    assert (task.number, task.title, task.section) == ("1", "深化商事制度改革", "持续减少审批事项")
    assert task.lead_units == ("市工商质监局",)
    assert task.measures[0] == "全面落实“多证合一、一照一码”改革"
    assert "完善企业登记全程电子化" in task.measures
    assert plan.targets == ()


def test_xiamen_2019_responsibility_lines_and_two_line_title():
    plan = parse_plan(read_fixture("xiamen-2019-excerpt.txt"))

    assert plan.title == "厦门市聚焦企业关切进一步落实优化营商环境政策的若干措施"
    assert [(t.number, t.lead_units, t.co_units) for t in plan.tasks] == [
        ("1", ("市发改委",), ("市财政局",)),
        ("2", ("市建设局",), ()),
        ("3", (), ()),
    ]
    assert plan.tasks[0].title == "推进完善PPP健康运行长效机制和基础性制度建设"
    assert not any("时限要求" in measure for task in plan.tasks for measure in task.measures)


def test_shanghai_2023_responsible_units_with_a_district_part_and_a_bracketed_alias():
    # Two items of two Shanghai documents: "（责任单位：…等；各区政府）" (the first unit leads, the districts
    # after "；" are co-units) and "（责任部门：…、市交通委（市道运局）、…）" (a unit with its alias in brackets).
    bankruptcy, acceptance = (
        parse_plan(line) for line in read_fixture("shanghai-2023-excerpt.txt").splitlines()
    )

    (task,) = bankruptcy.tasks
    assert (task.number, task.title, task.lead_units) == ("8", "提升涉案信息线下查询渠道便利度", ("市高院",))
    assert task.co_units == (
        "市公安局",
        "市规划资源局",
        "上海银保监局",
        "上海证监局",
        "市税务局",
        "市人力资源社会保障局",
        "市住房城乡建设管理委",
        "市通信管理局",
        "各区政府",
    )
    assert len(task.measures) == 2
    (task,) = acceptance.tasks
    assert (task.number, task.title, task.lead_units) == (
        "2",
        "完善综合竣工验收制度",
        ("市住房城乡建设管理委",),
    )
    assert task.co_units[-4:] == ("市国动办", "市交通委（市道运局）", "市交警总队", "市气象局")
    assert len(task.measures) == 3
    # "（2023版）" in a document title and "压缩…办理时限" without a number are not targets.
    assert bankruptcy.targets == acceptance.targets == ()


# -- errors and DOCX ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\u3000\n", "[bookmark: _GoBack]"])
def test_empty_text_is_refused(text):
    with pytest.raises(PlanParseError, match="方案内容为空"):
        parse_plan(text)


def test_prose_without_numbered_items_is_refused():
    with pytest.raises(PlanParseError, match="未识别到方案的任务结构"):
        parse_plan("今天天气很好。我们去公园散步，看到很多人在跳舞。\n晚上回家吃饭。")


def test_plan_with_goals_only_is_refused():
    with pytest.raises(PlanParseError):
        parse_plan("某市行动方案\n一、总体目标\n营商环境便利度指数提升至90分以上。")


def test_read_docx_text_returns_paragraphs_that_parse(tmp_path):
    document = Document()
    for line in SEED_TEXT.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "plan.docx"
    document.save(str(path))

    assert parse_plan(read_docx_text(path)).to_json_dict() == parse_plan(SEED_TEXT).to_json_dict()
