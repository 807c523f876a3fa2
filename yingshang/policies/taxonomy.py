"""Controlled vocabularies for facets and search (政策标签体系), with synonyms; pure data and lookups.

The extractor (`vocab.py`) reads text into canonical names; this module maps those names to the codes that
rules and facets use (qualification codes, GB/T 4754 sections, characteristic-industry tags, sizes) and
gives the synonym groups that search expands a query with (高企 = 高新技术企业).
"""

from __future__ import annotations

from yingshang.policies import vocab

TOPICS: tuple[str, ...] = vocab.TOPICS
SUPPORT_TYPES: tuple[str, ...] = vocab.SUPPORT_TYPES
CHARACTERISTIC_INDUSTRIES: tuple[str, ...] = ("玉米制种", "肉牛", "特色农产品加工", "新能源", "文化旅游")
SIZES: dict[str, str] = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
# Enterprise life-cycle stage (发展阶段) by age in years: label → (min, max) inclusive-exclusive.
STAGES: dict[str, tuple[float, float]] = {
    "初创期（3年内）": (0, 3),
    "成长期（3–10年）": (3, 10),
    "成熟期（10年以上）": (10, 1000),
}

# Extractor qualification name → QualificationType code (enterprises.services.QUALIFICATION_TYPES).
QUALIFICATION_CODES: dict[str, str] = {
    "专精特新“小巨人”企业": "little_giant",
    "专精特新中小企业": "srdi_sme",
    "高新技术企业": "hnte",
    "科技型中小企业": "tech_sme",
    "省级科技创新型企业": "provincial_innovative",
    "瞪羚企业": "gazelle",
    "单项冠军企业": "single_champion",
}
# Extractor industry name → ("industries", GB/T 4754 code) or ("tags_any", characteristic industry).
INDUSTRY_RULES: dict[str, tuple[str, str]] = {
    "新能源": ("tags_any", "新能源"),
    "玉米制种": ("tags_any", "玉米制种"),
    "肉牛": ("tags_any", "肉牛"),
    "特色农产品加工": ("tags_any", "特色农产品加工"),
    "文化旅游": ("tags_any", "文化旅游"),
    "住宿和餐饮业": ("industries", "H"),
    "农林牧渔业": ("industries", "A"),
    "制造业": ("industries", "C"),
    "采矿业": ("industries", "B"),
    "建筑业": ("industries", "E"),
    "房地产业": ("industries", "K"),
    "批发和零售业": ("industries", "F"),
    "交通运输、仓储和邮政业": ("industries", "G"),
    "信息技术": ("industries", "I"),
    "租赁和商务服务业": ("industries", "L"),
    "医药": ("industries", "27"),
}
SIZE_CODES: dict[str, str] = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}

# Synonym groups for search: every word in a group finds the others.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("高新技术企业", "高企", "高新企业", "国家高新技术企业"),
    ("专精特新", "专精特新中小企业", "专精特新企业"),
    ("小巨人", "专精特新小巨人", "专精特新“小巨人”企业"),
    ("科技型中小企业", "科小", "科技型企业"),
    ("规上企业", "规模以上企业", "规上"),
    ("贴息", "贷款贴息", "利息补贴"),
    ("补贴", "补助", "资助", "奖补"),
    ("奖励", "奖补", "奖金"),
    ("担保", "融资担保", "增信"),
    ("减免", "免征", "减征", "税费减免"),
    ("人才", "高层次人才", "引才"),
    ("新能源", "光伏", "风电", "储能"),
    ("文旅", "文化旅游", "旅游"),
    ("制种", "玉米制种", "种业"),
    ("肉牛", "养牛", "牛产业"),
    ("免申即享", "免申", "直达快享"),
    ("研发", "研发费用", "研究开发"),
)

# Words the segmenter must keep whole (domain dictionary).
DOMAIN_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [word for group in SYNONYM_GROUPS for word in group]
        + list(QUALIFICATION_CODES)
        + list(CHARACTERISTIC_INDUSTRIES)
        + [
            "即申即享",
            "申报制",
            "容缺受理",
            "承诺制",
            "一次性奖励",
            "金牌导办",
            "政策兑现",
            "研发费用加计扣除",
            "稳岗返还",
            "创业担保贷款",
            "首台套",
            "技术改造",
            "张掖经开区",
        ]
        + list(vocab.PLACE_NAMES)
    )
)


def synonyms_of(word: str) -> list[str]:
    """The word and every word sharing a synonym group with it, word first."""
    found = [word]
    for group in SYNONYM_GROUPS:
        if word in group:
            found.extend(other for other in group if other not in found)
    return found


def stage_of(age_years: float | None) -> str | None:
    """The life-cycle stage label for an enterprise age."""
    if age_years is None:
        return None
    for label, (low, high) in STAGES.items():
        if low <= age_years < high:
            return label
    return None
