"""Default reference data of the appeal loop: categories (诉求类别, also the Open311 services), the dispatch
catalogue's default functions, SLA rules, and per-category Open311 attributes. A city edits these as data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    kind: str
    group: str
    function_key: str
    keywords: tuple[str, ...]
    description: str = ""
    attributes: tuple[dict, ...] = field(default_factory=tuple)


DEBTOR_TYPES = (
    ("government", "政府机关"),
    ("soe", "国有企业"),
    ("institution", "事业单位"),
    ("private", "民营企业"),
)

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "001",
        "政策咨询",
        "consult",
        "政策",
        "business_env",
        ("政策咨询", "申报条件", "政策解读", "怎么申请", "补贴标准", "能否享受"),
        "惠企政策的适用条件、申报方式、标准解读",
    ),
    CategorySpec(
        "002",
        "惠企政策兑现",
        "help",
        "政策",
        "finance",
        ("兑现", "没有到账", "未到账", "拨付", "奖补资金", "迟迟不发"),
        "已认定或已公示的奖补资金未按时兑现（兑现难）",
        (
            {
                "code": "policy_clause_id",
                "datatype": "number",
                "required": False,
                "description": "涉及的政策条款编号（政策超市）",
            },
        ),
    ),
    CategorySpec(
        "003",
        "企业开办与登记",
        "help",
        "准入",
        "market",
        ("营业执照", "注册登记", "企业开办", "变更登记", "注销", "经营范围"),
        "开办、变更、注销、许可",
    ),
    CategorySpec(
        "004",
        "税费服务",
        "help",
        "税务",
        "tax",
        ("发票", "纳税", "退税", "留抵", "税务", "汇算"),
        "纳税申报、发票、退税、减免",
    ),
    CategorySpec(
        "005",
        "用工与社保",
        "help",
        "人社",
        "hrss",
        ("招工", "用工", "社保", "工伤", "稳岗", "招聘"),
        "招聘用工、社会保险、劳动关系",
    ),
    CategorySpec(
        "006",
        "拖欠账款",
        "complaint",
        "清欠",
        "ndrc",
        ("拖欠", "欠款", "工程款", "账款", "货款", "尾款"),
        "机关、事业单位和国有企业拖欠企业账款",
        (
            {"code": "amount_10k", "datatype": "number", "required": True, "description": "拖欠金额（万元）"},
            {
                "code": "debtor_type",
                "datatype": "singlevaluelist",
                "required": True,
                "description": "欠款方类型",
                "values": DEBTOR_TYPES,
            },
        ),
    ),
    CategorySpec(
        "007",
        "用地与规划",
        "help",
        "要素保障",
        "natural_resources",
        ("用地", "不动产", "规划许可", "土地出让", "供地", "不动产登记"),
        "用地、规划、不动产登记",
    ),
    CategorySpec(
        "008",
        "工程建设审批",
        "help",
        "审批",
        "housing",
        ("施工许可", "竣工验收", "图审", "消防验收", "联合验收", "工程建设"),
        "工程建设项目审批",
    ),
    CategorySpec(
        "009",
        "水电气热报装",
        "help",
        "公用事业",
        "power",
        ("报装", "用电", "停电", "供水", "燃气", "接电", "电价"),
        "水电气热网报装与供应",
    ),
    CategorySpec(
        "010",
        "融资贷款",
        "help",
        "要素保障",
        "finance",
        ("贷款", "融资", "担保", "授信", "续贷", "利率"),
        "融资、担保、信贷",
    ),
    CategorySpec(
        "011",
        "执法检查与处罚",
        "complaint",
        "监管",
        "market",
        ("执法", "罚款", "处罚", "检查", "重复检查", "扫码入企"),
        "涉企检查与行政处罚",
    ),
    CategorySpec(
        "012",
        "科技创新与资质认定",
        "consult",
        "创新",
        "science",
        ("高新技术企业", "科技型中小企业", "研发费用", "专精特新", "专利", "知识产权"),
        "科技创新、资质认定",
    ),
    CategorySpec(
        "013",
        "外贸与商务",
        "help",
        "开放",
        "commerce",
        ("进出口", "外贸", "报关", "单一窗口", "跨境", "外资"),
        "外贸、外资、商贸流通",
    ),
    CategorySpec(
        "014",
        "农业产业服务",
        "help",
        "特色产业",
        "agriculture",
        ("制种", "肉牛", "养殖", "种子", "农机", "合作社"),
        "玉米制种、肉牛等特色农业",
    ),
    CategorySpec(
        "015",
        "涉企诉讼服务",
        "help",
        "法治",
        "court",
        ("立案", "强制执行", "执行款", "审限", "法院", "失信被执行人"),
        "立案、审判、执行中的服务问题（不含对裁判本身的异议）",
    ),
    CategorySpec(
        "016",
        "政务服务办事",
        "complaint",
        "政务服务",
        "business_env",
        ("窗口", "办事难", "态度", "排队", "跑了", "办事指南"),
        "政务服务中心、网上办事",
    ),
    CategorySpec(
        "017",
        "生态环保",
        "help",
        "环保",
        "environment",
        ("环评", "排污", "环保", "污染", "危险废物", "排放"),
        "环评、排污许可、环保检查",
    ),
    CategorySpec(
        "018",
        "营商环境建议",
        "suggestion",
        "建议",
        "business_env",
        ("建议", "希望"),
        "对优化营商环境的意见建议",
    ),
)

# The SLA defaults (to be edited by the city): sign within 2 working hours; 咨询 1 working day; 求助/建议 5;
# 投诉/举报 10; urgent appeals answered within 2 working hours (晴隆县 2023, 北京 DB11 draft).
# (kind, urgency, requester_type, sign_hours, contact_hours, reply_days, reply_hours, note)
SLA_RULES: tuple[tuple, ...] = (
    ("", "", "", 2, 8, 5, None, "默认：2 个工作小时内签收，1 个工作日内先行联系，5 个工作日内答复"),
    ("consult", "", "", 2, 4, 1, None, "咨询类 1 个工作日内答复"),
    ("help", "", "", 2, 8, 5, None, "求助类 5 个工作日内答复"),
    ("suggestion", "", "", 2, 8, 5, None, "建议类 5 个工作日内答复"),
    ("complaint", "", "", 2, 8, 10, None, "投诉类 10 个工作日内答复"),
    ("report", "", "", 2, 8, 10, None, "举报类 10 个工作日内答复"),
    ("", "urgent", "", 0.5, 1, 1, 2, "紧急诉求 2 个工作小时内答复"),
)

COMMON_ATTRIBUTES: tuple[dict, ...] = (
    {"code": "credit_code", "datatype": "string", "required": False, "description": "企业统一社会信用代码"},
    {"code": "enterprise_name", "datatype": "string", "required": False, "description": "企业名称"},
    {
        "code": "urgency",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "紧急程度",
        "values": (("normal", "一般"), ("urgent", "紧急")),
        "datatype_description": "默认为一般",
    },
    {
        "code": "requester_type",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "诉求人类型",
        "values": (("enterprise", "企业"), ("individual", "个人")),
        "datatype_description": "默认为企业",
    },
)


def attributes_for(code: str) -> list[dict]:
    """Open311 attribute definitions of a category, numbered in display order."""
    extra = next((c.attributes for c in CATEGORIES if c.code == code), ())
    result = []
    for order, attribute in enumerate((*COMMON_ATTRIBUTES, *extra), start=1):
        result.append(
            {"variable": True, "datatype_description": "", "values": (), **attribute, "order": order}
        )
    return result
