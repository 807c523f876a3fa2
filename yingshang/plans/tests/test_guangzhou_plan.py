"""A complete real plan from another city, read by hand: Guangzhou's 2012 talent plan (人才集聚工程, "633").

中共广州市委、广州市人民政府《关于推进人才集聚工程的实施意见》: 45 numbered items under 一、…五、, items of
二、 and 三、 grouped under （一）… headings whose own text introduces them ("…实施如下重点项目："), every item
annotated "（牵头单位：市XX，配合单位：市YY、市ZZ，各区、县级市）", and targets mostly of the shape
"5年内重点引进100名市管企业中高级经营管理人才" (a verb, a count, then what is counted).

Expected values are what a city office would enter by hand, decided before the parser was changed:
- item 1 (目标) is the plan's goal paragraph; its three quoted goals are targets without a task;
- items 43–45 under 五、强化组织实施 are safeguards (保障措施) and keep the plan's own numbers;
- "各区、县级市" (every district and county-level city) is one co-unit, as is "各有关区、县级市";
- a count target is named by its verb and what is counted ("引进" + "市管企业中高级经营管理人才"), without
  the period (5年内), the administrative level (市、区（县级市）两级), the field (在…领域) or adverbs (重点, 直接);
  a list item that names only what is counted shares the list's verb ("选拔认定名校长");
- "左右" (approximately) is comparator "=": a stated value without a direction; the word stays in `text`;
- "不少于" / "以上" are ">="; "1到2个" is a range;
- the period is what the sentence itself says ("5年内", "每年", "2012年起5年内"), None when it says nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from yingshang.plans.parsing import ParsedPlan, parse_plan

DATA = Path(__file__).parent / "data"
GUANGZHOU = DATA / "guangzhou-2012-talent-plan.txt"

INDUSTRY = "产业提升人才行动计划"
SCIENCE = "科技创新人才行动计划"
RURAL = "城乡一体人才行动计划"
CULTURE = "文化引领人才行动计划"
WELFARE = "民生幸福人才行动计划"
INTERNATIONAL = "国际交流人才行动计划"
EXCHANGE = "人才交流培养体系"
VENTURE = "人才创新创业体系"
SERVICE = "人才服务保障体系"
MECHANISM = "创新人才工作体制机制"
ORGANISATION = "强化组织实施"

HRSS = "市人力资源和社会保障局"
ORGANISATION_DEPARTMENT = "市委组织部"
DISTRICTS = "各区、县级市"
RELEVANT_DISTRICTS = "各有关区、县级市"
RELEVANT = "各有关单位"
SCIENCE_BUREAU = "市科技和信息化局"

# (number, title, section, lead units, co-units, kind), in document order.
TASKS = [
    (
        "2",
        "战略性主导产业紧缺人才开发项目",
        INDUSTRY,
        ("市发展改革委",),
        (ORGANISATION_DEPARTMENT, HRSS, DISTRICTS),
        "task",
    ),
    ("3", "羊城企业家培养项目", INDUSTRY, (ORGANISATION_DEPARTMENT,), ("市国资委",), "task"),
    ("4", "民营企业家素质提升项目", INDUSTRY, ("市经贸委",), (HRSS, "市工商联", DISTRICTS), "task"),
    ("5", "高技能人才精工项目", INDUSTRY, (HRSS,), ("市教育局", DISTRICTS), "task"),
    ("6", "金融高级人才开发项目", INDUSTRY, ("市金融办",), ("市发展改革委", HRSS, DISTRICTS), "task"),
    ("7", "专业技术人才知识更新项目", INDUSTRY, (HRSS,), (DISTRICTS,), "task"),
    (
        "8",
        "“赢在广州”大学生创业扶持项目",
        INDUSTRY,
        (HRSS,),
        ("市工商局", "市金融办", "团市委", DISTRICTS),
        "task",
    ),
    ("9", "“百人计划”拓展项目", SCIENCE, (ORGANISATION_DEPARTMENT,), (SCIENCE_BUREAU, HRSS), "task"),
    ("10", "“羊城学者”特聘岗位项目", SCIENCE, (ORGANISATION_DEPARTMENT,), (RELEVANT,), "task"),
    ("11", "121人才梯队项目", SCIENCE, (HRSS,), (DISTRICTS,), "task"),
    ("12", "博士后培养项目", SCIENCE, (HRSS,), (DISTRICTS,), "task"),
    ("13", "珠江科技新星项目", SCIENCE, (SCIENCE_BUREAU,), (DISTRICTS,), "task"),
    ("14", "“菁英计划”留学项目", SCIENCE, ("市教育局",), (HRSS, "市国资委"), "task"),
    (
        "15",
        "“百会进千企”金桥项目",
        SCIENCE,
        ("市科协",),
        ("市发展改革委", SCIENCE_BUREAU, "市国资委", "市经贸委"),
        "task",
    ),
    ("16", "大学生村官培养项目", RURAL, (ORGANISATION_DEPARTMENT,), (DISTRICTS,), "task"),
    ("17", "城市运行管理人才开发项目", RURAL, ("市城管委",), (DISTRICTS,), "task"),
    ("18", "农村基层和北部山区人才支持项目", RURAL, (HRSS,), (ORGANISATION_DEPARTMENT, DISTRICTS), "task"),
    ("19", "农村实用人才培养项目", RURAL, ("市农业局",), ("市科协", RELEVANT_DISTRICTS), "task"),
    ("20", "羊城文化名家资助项目", CULTURE, ("市委宣传部",), (RELEVANT, DISTRICTS), "task"),
    ("21", "文化创意产业领军人才项目", CULTURE, ("市文化广电新闻出版局",), (RELEVANT, DISTRICTS), "task"),
    ("22", "体育各类领军人才项目", CULTURE, ("市体育局",), (HRSS, DISTRICTS), "task"),
    ("23", "高素质教育人才队伍建设项目", WELFARE, ("市教育局",), (HRSS, DISTRICTS), "task"),
    ("24", "医疗卫生人才保障项目", WELFARE, ("市卫生局",), (HRSS, DISTRICTS), "task"),
    ("25", "社会工作人才培养项目", WELFARE, ("市民政局",), (HRSS, DISTRICTS), "task"),
    (
        "26",
        "民主法治人才项目",
        WELFARE,
        ("市委政法委",),
        ("市法院", "市检察院", "市公安局", "市司法局", "市法制办", DISTRICTS),
        "task",
    ),
    ("27", "杰出青年人才支持项目", WELFARE, ("团市委",), (HRSS,), "task"),
    ("28", "“红棉计划”创业项目", INTERNATIONAL, ("市留交办",), (RELEVANT, DISTRICTS), "task"),
    ("29", "百名高端外国专家引进项目", INTERNATIONAL, (HRSS,), (), "task"),
    ("30", "千名国际人才培训项目", INTERNATIONAL, (HRSS,), (RELEVANT, DISTRICTS), "task"),
    (
        "31",
        "高校合作项目",
        INTERNATIONAL,
        (ORGANISATION_DEPARTMENT,),
        ("市发展改革委", HRSS, SCIENCE_BUREAU, "市教育局", DISTRICTS),
        "task",
    ),
    ("32", "中国留学人员广州科技交流会", EXCHANGE, ("市留交办",), (RELEVANT, DISTRICTS), "task"),
    ("33", "人才研究智库", EXCHANGE, (ORGANISATION_DEPARTMENT,), (SCIENCE_BUREAU, HRSS, "市留交办"), "task"),
    ("34", "高技能人才公共实训鉴定基地", EXCHANGE, (HRSS,), (RELEVANT, DISTRICTS), "task"),
    (
        "35",
        "“千人计划”南方创业服务中心",
        VENTURE,
        (ORGANISATION_DEPARTMENT,),
        (SCIENCE_BUREAU, HRSS, "市财政局", "越秀区"),
        "task",
    ),
    (
        "36",
        "人才特区",
        VENTURE,
        (ORGANISATION_DEPARTMENT,),
        (HRSS, SCIENCE_BUREAU, RELEVANT_DISTRICTS),
        "task",
    ),
    ("37", "人才资源服务产业园", SERVICE, (HRSS,), (ORGANISATION_DEPARTMENT, RELEVANT, DISTRICTS), "task"),
    ("38", "人才公寓", SERVICE, ("市住房保障办",), ("市规划局", "市国土房管局", DISTRICTS), "task"),
    ("39", "广州人才信息管理平台", SERVICE, (HRSS,), (ORGANISATION_DEPARTMENT, RELEVANT, DISTRICTS), "task"),
    (
        "40",
        "健全党管人才领导体制和工作格局",
        MECHANISM,
        (ORGANISATION_DEPARTMENT,),
        ("市编办", HRSS, RELEVANT, DISTRICTS),
        "task",
    ),
    (
        "41",
        "确立人才优先投入机制",
        MECHANISM,
        ("市财政局",),
        (ORGANISATION_DEPARTMENT, RELEVANT, DISTRICTS),
        "task",
    ),
    ("42", "创新人才管理服务方式", MECHANISM, (ORGANISATION_DEPARTMENT,), (RELEVANT, DISTRICTS), "task"),
    (
        "43",
        "加强组织领导",
        ORGANISATION,
        (ORGANISATION_DEPARTMENT,),
        ("各项目牵头单位", DISTRICTS),
        "safeguard",
    ),
    (
        "44",
        "完善责任考核",
        ORGANISATION,
        (ORGANISATION_DEPARTMENT,),
        ("各项目牵头单位", DISTRICTS),
        "safeguard",
    ),
    (
        "45",
        "营造良好环境",
        ORGANISATION,
        (ORGANISATION_DEPARTMENT,),
        ("市委宣传部", RELEVANT, DISTRICTS),
        "safeguard",
    ),
]

FIVE_YEARS = "5年内"
GOAL_PERIOD = "2012年起5年内"


def count(task, indicator, value, unit="名", period=FIVE_YEARS, comparator="="):
    """A count target: (task, indicator, comparator, value, low, high, unit, growth, soft, period)."""
    return (task, indicator, comparator, value, None, None, unit, False, False, period)


def at_least(task, indicator, value, unit="名", period=FIVE_YEARS):
    return count(task, indicator, value, unit, period, comparator=">=")


# Every quantitative target of the plan, in document order.
TARGETS = [
    # 一、总体目标 — item 1, the three goals quoted in one sentence (达到…左右 twice, then a rate).
    count(None, "引进和培养高层次人才", 2000, period=GOAL_PERIOD),
    count(None, "大专以上学历人才资源总量", 3_200_000, period=GOAL_PERIOD),
    count(None, "人才贡献率", 40, "%", period=GOAL_PERIOD),
    # 二、（一）产业提升
    count("2", "引进和培养具有博士、硕士学位的企业紧缺人才", 10_000),
    count("3", "引进市管企业中高级经营管理人才", 100),
    count("3", "选拔正职后备人才", 100),
    count("3", "选拔副职后备人才", 200),
    count("3", "培养优秀企业家", 100),
    count("4", "支持经营管理领军人才赴境外培训", 300),
    count("4", "支持经营管理团队核心人才参加国内著名高校专题研修", 1000),
    count("4", "支持经营管理专业技术人才参加本地业务能力培训", 3000),
    count("5", "评选资助技能突出人才", 200),
    count("5", "评选资助技能重点人才", 2000),
    count("5", "评选资助产业急需青年高技能人才", 10_000),
    count("5", "资助技能型人才出国（境）培训", 250),
    count("6", "引进金融高级管理人才", 30),
    count("6", "引进金融高级专业人才", 50),
    count("6", "跟踪培养金融骨干人才", 300),
    count("7", "培训紧跟科技发展前沿、创新能力强的中高级紧缺专业技术人才", 150_000),
    count("7", "扶持市级示范性高级研修班", 50, "个"),
    count("7", "扶持知识更新名家讲座", 50, "场次"),
    count("8", "扶持具有发展前景的创业项目", 100, "个"),
    count("8", "培养产生大学生创业能手", 100),
    # 二、（二）科技创新
    count("9", "引进扶持能够突破关键技术、发展高新技术产业、带动新兴学科的创新创业领军人才", 200),
    count("10", "设立“羊城学者”特聘岗位", 50, "个", period=None),
    at_least("11", "培养站在世界科技前沿的中国科学院、中国工程院院士后备人才", 10, period=None),
    at_least("11", "培养具有国内领先水平的“新世纪百千万人才工程”国家级人选后备人才", 20, period=None),
    at_least("11", "培养在学科专业领域起骨干带头作用的享受国务院政府特殊津贴的后备人才", 100, period=None),
    at_least("12", "培养资助博士后研究人员", 400),
    at_least("13", "选拔资助青年科技人员", 100, period="每年"),
    at_least("14", "选拔优秀青年学生、青年人才到国外一流大学攻读博士学位", 200),
    count("15", "组织和发动科技类社会组织", 100, "家"),
    count("15", "加强与企业开展科技创新交流与合作", 1000, "家"),
    count("15", "建设学会科技服务站", 30, "家", period=None),
    count("15", "筹建企业研发中心以及院士专家工作站", 50, "家", period=None),
    at_least("15", "选拔资助非公有制企业中青年科技人才", 200, period=None),
    count("15", "培训企业一线科技创新人才", 2000, period=None),
    # 二、（三）城乡一体 — item 16's “一村两名或多名大学生村官” is a quoted slogan, not a count target.
    count("17", "引进和培养城市管理专家", 20),
    count("17", "培养城市管理高层次专门人才", 100),
    count(
        "18",
        "选拔资助优秀教师、医生、科技人员、社会工作者、文化工作者、中青年党政人才到农村基层和北部山区工作",
        500,
    ),
    count("19", "培训新型农民", 40_000),
    # 二、（四）文化引领
    count("20", "遴选评定羊城文化名家", 50),
    count("20", "选拔培养在全国有影响的青年拔尖人才", 10, period=None),
    count("20", "选拔培养在全省有影响的青年优秀人才", 60, period=None),
    count("20", "选拔培养在全市起骨干作用的青年后备人才", 100, period=None),
    at_least("21", "引进和培养文化创意产业领军人才", 100),
    (
        "21",
        "建设大型的具有产学研合作功能的文化创意产业人才培养基地",
        "range",
        None,
        1,
        2,
        "个",
        False,
        False,
        FIVE_YEARS,
    ),
    at_least(
        "22",
        "引进和培养著名教练员、著名国际级裁判员、复合型管理人才、科研人才、体育产品研发人才、"
        "体育竞赛表演中介人才和体育产业人才",
        30,
    ),
    # 二、（五）民生幸福
    count("23", "选拔认定教育专家", 10),
    count("23", "选拔认定名校长", 100),
    count("23", "选拔认定名教师", 200),
    at_least("24", "选拔资助高层次医疗卫生专家", 100),
    at_least("24", "选拔资助高层次医疗卫生人才", 500),
    count("25", "资助培养社会工作督导员", 50, period="每年"),
    count("25", "资助培养中级社会工作人才及社会工作管理人才", 100, period="每年"),
    count("25", "资助培养社会工作从业人员", 3000, period="每年"),
    count(
        "26",
        "引进和培养法院、检察院、公安、司法行政、政府法制系统人才以及综治、维稳、突发性群体事件管理、律师、公证、"
        "法学理论等高层次民主法治专门人才",
        500,
    ),
    count("27", "引进、培养和扶持杰出青年人才", 100),
    # 二、（六）国际交流
    at_least("28", "遴选扶持在穗初创型海外人才企业", 500, "家"),
    at_least("29", "引进诺贝尔奖获得者、外国科学院院士和知名专家来穗进行学术交流、技术指导和业务合作", 200),
    at_least("30", "选派经济社会发展重点领域紧缺人才赴海外培训", 1000),
    # 三、（二）人才创新创业体系
    count("35", "服务“千人计划”等各类高端人才", 2000),
    count("35", "转化国际领先（先进）技术成果", 1000, "项"),
    count("35", "培育创办具有国际竞争力的科技型企业", 100, "家"),
    # 三、（三）人才服务保障体系
    count("38", "筹集建设专家公寓", 1000, "套"),
    count("38", "筹集建设人才公寓", 10_000, "套"),
]


@pytest.fixture(scope="module")
def plan() -> ParsedPlan:
    return parse_plan(GUANGZHOU.read_text(encoding="utf-8"))


def summary(target) -> tuple:
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


def test_title_and_the_goal_paragraph(plan):
    assert plan.title == "关于推进人才集聚工程的实施意见"
    (goal,) = plan.goals
    assert goal.startswith("目标。2012年起5年内，大力实施")
    assert goal.endswith("为人才强市和新型城市化发展提供坚实的人才保证和智力支持。")


def test_every_task_with_its_section_and_units(plan):
    assert [
        (t.number, t.title, t.section, t.lead_units, t.co_units, str(t.kind)) for t in plan.tasks
    ] == TASKS


@pytest.mark.parametrize("expected", TASKS, ids=[row[0] for row in TASKS])
def test_each_task_is_read(plan, expected):
    by_number = {
        t.number: (t.number, t.title, t.section, t.lead_units, t.co_units, str(t.kind)) for t in plan.tasks
    }

    assert by_number.get(expected[0]) == expected


def test_annotations_and_section_introductions_are_not_measures(plan):
    measures = [measure for task in plan.tasks for measure in task.measures]

    assert not any("牵头单位：" in measure or "配合单位：" in measure for measure in measures)
    assert not any(measure.endswith("实施如下重点项目") for measure in measures)
    assert plan.tasks[1].measures == (
        "加强市管企业领导人员队伍建设，5年内重点引进100名市管企业中高级经营管理人才，"
        "选拔100名正职后备人才、200名副职后备人才，培养100名优秀企业家",
    )
    assert len(plan.tasks[0].measures) == 4  # item 2: four sentences after its title


def test_every_target_matches_the_hand_read_table(plan):
    assert [summary(target) for target in plan.targets] == TARGETS


@pytest.mark.parametrize("expected", TARGETS, ids=[f"{row[0]}-{row[1][:12]}" for row in TARGETS])
def test_each_target_is_found(plan, expected):
    assert expected in [summary(target) for target in plan.targets]


def test_targets_keep_their_source_sentence(plan):
    by_indicator = {target.indicator: target.text for target in plan.targets}

    assert by_indicator["培养优秀企业家"] == plan.tasks[1].measures[0]
    assert by_indicator["设立“羊城学者”特聘岗位"].startswith("根据我市战略性主导产业")
    assert "左右" in by_indicator["大专以上学历人才资源总量"]


def test_numbers_that_are_not_targets_stay_out(plan):
    indicators = " ".join(target.indicator for target in plan.targets)
    values = {target.value for target in plan.targets}

    # 2012年10月底前 (a deadline), 35岁以下 (an age), 分2年 / 连续3年 (durations), 四个到位, “3＋N”, 121人才梯队.
    assert 2012 not in values and 35 not in values and 121 not in values
    assert "到位" not in indicators and "村官" not in indicators and "推介会" not in indicators


def test_no_conflicts(plan):
    assert plan.conflicts == ()
