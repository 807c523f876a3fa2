"""The eligibility rule schema (申报条件) of a clause: typed data, validated here, evaluated in `matching.py`.

Pure module. A clause's rules are a JSON object; every key is optional and an absent key means "no condition".

    {"qualifications_any": ["hnte"], "industries": ["A", "13"], "tags_any": ["肉牛"],
     "sizes": ["small", "micro"], "regions": ["620702"], "entity_types": ["enterprise"],
     "min_age_years": 1, "max_age_years": 10, "min_employees": 10, "max_employees": 300,
     "min_revenue_10k": 500, "max_revenue_10k": 40000, "min_rd_ratio": 3, "min_tax_paid_10k": 50,
     "above_scale": true, "established_from": "2020-01-01", "established_to": "2025-12-31",
     "exclude_credit_classes": ["C", "D"], "exclude_already_benefited": true,
     "manual_conditions": ["上年度进出口总额≥4500万美元"]}

`manual_conditions` are conditions the text states but the platform holds no fact for (进出口总额, 美元 amounts,
研发投入…): the engine never decides them, so a clause carrying one is at best "unknown" for an enterprise.

`validate_rules` returns the normalised rules or raises `RuleError` with one Chinese message per problem
(unknown keys, wrong types, contradictions such as a minimum above its maximum).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

RULES_SCHEMA_VERSION = 1

SIZES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
ENTITY_TYPES = {
    "enterprise": "企业",
    "individual": "个体工商户",
    "cooperative": "农民专业合作社",
    "other": "其他",
}
CREDIT_CLASSES = {"A": "A 类", "B": "B 类", "C": "C 类（失信）", "D": "D 类（严重失信）"}

# key → (Chinese label, kind). Kinds: codes (list of str), number, bool, date.
FIELDS: dict[str, tuple[str, str]] = {
    "qualifications_any": ("资质（具备其一）", "codes"),
    "qualifications_all": ("资质（全部具备）", "codes"),
    "industries": ("行业（GB/T 4754）", "codes"),
    "tags_any": ("特色产业", "codes"),
    "sizes": ("企业规模", "codes"),
    "regions": ("所在县区/园区", "codes"),
    "entity_types": ("主体类型", "codes"),
    "min_age_years": ("成立年限下限（年）", "number"),
    "max_age_years": ("成立年限上限（年）", "number"),
    "min_employees": ("从业人员下限（人）", "number"),
    "max_employees": ("从业人员上限（人）", "number"),
    "min_revenue_10k": ("营业收入下限（万元）", "number"),
    "max_revenue_10k": ("营业收入上限（万元）", "number"),
    "min_rd_ratio": ("研发费用占营业收入比例下限（%）", "number"),
    "min_tax_paid_10k": ("上年纳税额下限（万元）", "number"),
    "above_scale": ("规模以上企业", "bool"),
    "established_from": ("成立日期不早于", "date"),
    "established_to": ("成立日期不晚于", "date"),
    "exclude_credit_classes": ("排除的信用等级", "codes"),
    "exclude_already_benefited": ("已享受本条款的不再享受", "bool"),
    "manual_conditions": ("需人工核实的条件", "texts"),
}
MANUAL_CONDITION_MAX = 20
MANUAL_CONDITION_LENGTH = 200
_RANGES = (
    ("min_age_years", "max_age_years"),
    ("min_employees", "max_employees"),
    ("min_revenue_10k", "max_revenue_10k"),
    ("established_from", "established_to"),
)
_INDUSTRY_CODE_RE = re.compile(r"^(?:[A-T]|\d{2,4})$")
_REGION_CODE_RE = re.compile(r"^\d{6,12}$|^zone:.+$")


class RuleError(ValueError):
    """Rules that cannot be saved: each problem is a Chinese message naming the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("；".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class RuleVocabulary:
    """Codes the rules may use, loaded by the caller (qualification codes, region codes, tags)."""

    qualifications: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


def _as_codes(key: str, label: str, value: Any, problems: list[str]) -> list[str]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,，、;；\s]+", value) if part]
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        problems.append(f"{label}：应为代码列表")
        return []
    return list(dict.fromkeys(item.strip() for item in value if item.strip()))


def _as_texts(label: str, value: Any, problems: list[str]) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        problems.append(f"{label}：应为文字列表，每项一个条件")
        return []
    texts = list(dict.fromkeys(item.strip() for item in value if item.strip()))
    for position, text in enumerate(texts, start=1):
        if len(text) > MANUAL_CONDITION_LENGTH:
            problems.append(f"{label}：第{position}项超过 {MANUAL_CONDITION_LENGTH} 字")
    if len(texts) > MANUAL_CONDITION_MAX:
        problems.append(f"{label}：最多 {MANUAL_CONDITION_MAX} 项")
    return texts


def validate_rules(raw: dict[str, Any], vocabulary: RuleVocabulary | None = None) -> dict[str, Any]:
    """Normalise and check a rules object; raise RuleError listing every problem (nothing partly accepted)."""
    if not isinstance(raw, dict):
        raise RuleError(["申报条件应为对象"])
    problems: list[str] = []
    rules: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FIELDS:
            problems.append(f"未知的条件“{key}”")
            continue
        label, kind = FIELDS[key]
        if value is None or value == "" or value == []:
            continue
        if kind == "codes":
            codes = _as_codes(key, label, value, problems)
            if codes:
                rules[key] = codes
        elif kind == "texts":
            texts = _as_texts(label, value, problems)
            if texts:
                rules[key] = texts
        elif kind == "number":
            try:
                number = float(value)
            except (TypeError, ValueError):
                problems.append(f"{label}：“{value}”不是数字")
                continue
            if number < 0:
                problems.append(f"{label}：不能为负数")
                continue
            rules[key] = int(number) if number == int(number) else number
        elif kind == "bool":
            if not isinstance(value, bool):
                problems.append(f"{label}：应为是/否")
                continue
            rules[key] = value
        elif kind == "date":
            try:
                rules[key] = dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                problems.append(f"{label}：“{value}”不是日期（YYYY-MM-DD）")
    _check_codes(rules, vocabulary, problems)
    for low, high in _RANGES:
        if low in rules and high in rules and rules[low] > rules[high]:
            problems.append(
                f"条件互相矛盾：{FIELDS[low][0]}（{rules[low]}）大于{FIELDS[high][0]}（{rules[high]}）"
            )
    if "min_rd_ratio" in rules and rules["min_rd_ratio"] > 100:
        problems.append("研发费用占比下限不能超过 100%")
    if rules.get("above_scale") is True and rules.get("sizes") == ["micro"]:
        problems.append("条件互相矛盾：要求规模以上企业，但只允许微型企业")
    if problems:
        raise RuleError(problems)
    return rules


def _check_codes(rules: dict[str, Any], vocabulary: RuleVocabulary | None, problems: list[str]) -> None:
    for code in rules.get("sizes", []):
        if code not in SIZES:
            problems.append(f"企业规模：未知的规模“{code}”（可选 {'、'.join(SIZES)}）")
    for code in rules.get("entity_types", []):
        if code not in ENTITY_TYPES:
            problems.append(f"主体类型：未知的类型“{code}”")
    for code in rules.get("exclude_credit_classes", []):
        if code not in CREDIT_CLASSES:
            problems.append(f"排除的信用等级：未知的等级“{code}”")
    for code in rules.get("industries", []):
        if not _INDUSTRY_CODE_RE.match(code):
            problems.append(f"行业：“{code}”不是 GB/T 4754 门类字母或 2–4 位行业代码")
    for code in rules.get("regions", []):
        if not _REGION_CODE_RE.match(code):
            problems.append(f"所在县区/园区：“{code}”不是区划代码")
    if vocabulary is None:
        return
    for key in ("qualifications_any", "qualifications_all"):
        for code in rules.get(key, []):
            if vocabulary.qualifications and code not in vocabulary.qualifications:
                problems.append(f"{FIELDS[key][0]}：未知的资质代码“{code}”")
    for code in rules.get("regions", []):
        if vocabulary.regions and code not in vocabulary.regions:
            problems.append(f"所在县区/园区：未知的区划“{code}”")
    for code in rules.get("tags_any", []):
        if vocabulary.tags and code not in vocabulary.tags:
            problems.append(f"特色产业：未知的产业“{code}”")


def validate_benefit(raw: dict[str, Any]) -> dict[str, Any]:
    """Check one benefit (兑现内容): amounts are whole yuan ≥ 0, a ratio is in (0, 1], a cap needs a ratio."""
    problems: list[str] = []
    result: dict[str, Any] = {}
    for key, label in (
        ("max_amount_yuan", "最高金额（元）"),
        ("cap_yuan", "封顶金额（元）"),
        ("per_year_limit_yuan", "每年上限（元）"),
    ):
        value = raw.get(key)
        if value in (None, ""):
            result[key] = None
            continue
        try:
            amount = int(str(value).replace(",", ""))
        except ValueError:
            problems.append(f"{label}：“{value}”无法识别为金额，请填写整数元")
            continue
        if amount < 0:
            problems.append(f"{label}：不能为负数")
        result[key] = amount
    ratio = raw.get("ratio")
    if ratio in (None, ""):
        result["ratio"] = None
    else:
        try:
            result["ratio"] = float(ratio)
        except (TypeError, ValueError):
            problems.append(f"比例：“{ratio}”不是数字")
        else:
            if not 0 < result["ratio"] <= 1:
                problems.append("比例：应在 0 到 1 之间（例如 0.5 表示 50%）")
    if result.get("cap_yuan") is not None and result.get("ratio") is None and not problems:
        problems.append("封顶金额只适用于按比例给予的支持，请同时填写比例")
    if problems:
        raise RuleError(problems)
    return result


def describe_rules(rules: dict[str, Any], names: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Chinese sentences for the interpretation page (who qualifies), one per condition."""
    names = names or {}

    def label(kind: str, code: str) -> str:
        return names.get(kind, {}).get(code, code)

    sentences: list[str] = []
    if rules.get("regions"):
        sentences.append(
            "注册（或入驻）在" + "、".join(label("regions", c) for c in rules["regions"]) + "的主体"
        )
    if rules.get("entity_types"):
        sentences.append("主体类型为" + "、".join(ENTITY_TYPES.get(c, c) for c in rules["entity_types"]))
    if rules.get("industries"):
        sentences.append("所属行业为" + "、".join(label("industries", c) for c in rules["industries"]))
    if rules.get("tags_any"):
        sentences.append("属于" + "、".join(rules["tags_any"]) + "产业")
    if rules.get("sizes"):
        sentences.append("企业规模为" + "、".join(SIZES.get(c, c) for c in rules["sizes"]) + "企业")
    if rules.get("qualifications_any"):
        sentences.append(
            "具备" + "或".join(label("qualifications", c) for c in rules["qualifications_any"]) + "资质"
        )
    if rules.get("qualifications_all"):
        sentences.append(
            "同时具备" + "、".join(label("qualifications", c) for c in rules["qualifications_all"])
        )
    bounds = (
        ("min_age_years", "成立满{}年"),
        ("max_age_years", "成立不超过{}年"),
        ("min_employees", "从业人员不少于{}人"),
        ("max_employees", "从业人员不超过{}人"),
        ("min_revenue_10k", "营业收入不低于{}万元"),
        ("max_revenue_10k", "营业收入不超过{}万元"),
        ("min_rd_ratio", "研发费用占营业收入比例不低于{}%"),
        ("min_tax_paid_10k", "上年纳税不少于{}万元"),
        ("established_from", "{}以后成立"),
        ("established_to", "{}以前成立"),
    )
    sentences.extend(template.format(rules[key]) for key, template in bounds if key in rules)
    if rules.get("above_scale") is True:
        sentences.append("为规模以上企业")
    if rules.get("exclude_credit_classes"):
        sentences.append(
            "信用等级不是" + "、".join(rules["exclude_credit_classes"]) + "类（失信主体不能享受）"
        )
    if rules.get("exclude_already_benefited"):
        sentences.append("此前未享受过本条款支持")
    sentences.extend(
        f"{text}（需提供证明材料，由受理部门核实）" for text in rules.get("manual_conditions", [])
    )
    return sentences
