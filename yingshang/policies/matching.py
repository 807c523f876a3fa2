"""The explainable eligibility engine (政策计算器 / 精准推送 / 免申即享 all use it).

Pure module: no ORM, no clock (`today` is passed in). Two entry points share one rule semantics:

- `evaluate_clause(rules, benefits, facts, today)` — one enterprise × one clause, with one `ConditionResult` per
  condition: met / not met / unknown, the fact that decided it and where the fact came from, and for unknowns
  what to add ("补充研发费用占比可确认").
- `FactTable` + `evaluate_many(...)` — every enterprise × many clauses at once, vectorised with numpy (set-based
  full re-match). It returns the same three outcomes as the per-pair engine; a property test holds them equal.

Three-valued logic: a clause is not met if any condition is not met; otherwise unknown if any condition is
unknown; otherwise met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from yingshang.policies.rules import CREDIT_CLASSES, ENTITY_TYPES, FIELDS, SIZES

MET, UNKNOWN, NOT_MET = "met", "unknown", "not_met"

# Fact name → (Chinese label, what to add when it is missing).
FACT_LABELS: dict[str, tuple[str, str]] = {
    "entity_type": ("主体类型", "补充主体类型可确认"),
    "industry_code": ("所属行业", "补充所属行业（国民经济行业分类）可确认"),
    "region_code": ("所在县区", "补充注册所在县区可确认"),
    "size": ("企业规模", "补充从业人员和营业收入（用于划分企业规模）可确认"),
    "established_on": ("成立日期", "补充成立日期可确认"),
    "employees": ("从业人员", "补充从业人员数可确认"),
    "revenue_10k": ("营业收入", "补充上年营业收入可确认"),
    "rd_ratio": ("研发费用占比", "补充研发费用占比可确认"),
    "tax_paid_10k": ("上年纳税额", "补充上年纳税额可确认"),
    "above_scale": ("是否规模以上", "补充是否纳入规模以上统计可确认"),
    "qualifications": ("资质", "补充企业资质（如高新技术企业证书）可确认"),
    "tags": ("特色产业", "补充所属特色产业可确认"),
    "credit_class": ("信用等级", "补充信用等级可确认"),
}


@dataclass(frozen=True)
class EnterpriseFacts:
    """What the platform knows about one enterprise; None means unknown. `sources`: fact → where it came from."""

    enterprise_id: int | None = None
    entity_type: str | None = None
    industry_code: str | None = None
    industry_section: str | None = None
    region_code: str | None = None
    zone_code: str | None = None
    size: str | None = None
    established_on: dt.date | None = None
    employees: float | None = None
    revenue_10k: float | None = None
    rd_ratio: float | None = None
    tax_paid_10k: float | None = None
    above_scale: bool | None = None
    qualifications: frozenset[str] | None = frozenset()
    tags: frozenset[str] | None = frozenset()
    credit_class: str | None = ""
    benefited_clause_ids: frozenset[int] = frozenset()
    sources: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ConditionResult:
    """One condition of a clause for one enterprise: outcome, the requirement, the deciding fact and its source."""

    key: str
    label: str
    outcome: str
    requirement: str
    fact: str
    source: str
    hint: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "label": self.label,
            "outcome": self.outcome,
            "requirement": self.requirement,
            "fact": self.fact,
            "source": self.source,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class MatchResult:
    """A clause for an enterprise: overall outcome, each condition, and the estimated maximum benefit."""

    status: str
    conditions: tuple[ConditionResult, ...]
    estimated_max_yuan: int | None

    @property
    def hints(self) -> list[str]:
        return list(dict.fromkeys(c.hint for c in self.conditions if c.outcome == UNKNOWN and c.hint))

    @property
    def decidable_from_registry(self) -> bool:
        """True when no condition relies on a self-declared fact (免申即享 needs registry data only)."""
        return all(c.key not in SELF_DECLARED_KEYS for c in self.conditions)


# Conditions that need facts the enterprise declares itself, or that a person checks (manual_conditions): a
# clause using them is not 免申即享-decidable.
SELF_DECLARED_KEYS = frozenset({"min_rd_ratio", "min_tax_paid_10k", "manual_conditions"})


def registry_decidable(rules: Mapping[str, Any]) -> bool:
    """Whether every condition can be decided from registry (government-held) data alone."""
    return not (SELF_DECLARED_KEYS & set(rules))


def combine(outcomes: Iterable[str]) -> str:
    """Three-valued AND: any not met → not met; else any unknown → unknown; else met."""
    seen = set(outcomes)
    if NOT_MET in seen:
        return NOT_MET
    return UNKNOWN if UNKNOWN in seen else MET


def age_cutoff(today: dt.date, years: float) -> dt.date:
    """The latest founding date for an enterprise to be at least `years` old on `today` (29 Feb → 28 Feb)."""
    whole = int(years)
    extra_days = round((years - whole) * 365)
    year = today.year - whole
    try:
        day = today.replace(year=year)
    except ValueError:
        day = today.replace(year=year, day=28)
    return day - dt.timedelta(days=extra_days)


def industry_matches(prefixes: Sequence[str], code: str | None, section: str | None) -> bool:
    """A GB/T 4754 rule entry is a 门类 letter or a numeric prefix (大类 '13' covers '1351')."""
    for prefix in prefixes:  # a plain loop: this runs for every clause of every live match
        if prefix.isalpha():
            if prefix == section:
                return True
        elif code is not None and code.startswith(prefix):
            return True
    return False


def _number(value: float | None) -> str:
    if value is None:
        return "未知"
    return f"{value:g}"


_TEXTS: tuple[Mapping | None, dict] = (None, {})


def _texts_for(names: Mapping) -> dict:
    """Requirement texts already built with these `names` (one slot: a request or a run uses one vocabulary).

    The slot holds the names object itself, so a cached text can never come from a different vocabulary; a
    race between threads only costs a recomputation.
    """
    global _TEXTS
    owner, texts = _TEXTS
    if owner is not names:
        texts = {}
        _TEXTS = (names, texts)
    return texts


def evaluate_clause(
    rules: Mapping[str, Any],
    benefits: Sequence[Mapping[str, Any]],
    facts: EnterpriseFacts,
    *,
    today: dt.date,
    clause_id: int | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> MatchResult:
    """Evaluate one clause's rules for one enterprise; every condition explained."""
    names = names or {}
    results: list[ConditionResult] = []

    def source(fact: str) -> str:
        return facts.sources.get(fact, "登记信息")

    def add(key: str, outcome: str, requirement: str, fact_name: str, fact_text: str) -> None:
        hint = FACT_LABELS[fact_name][1] if outcome == UNKNOWN else ""
        results.append(
            ConditionResult(
                key,
                FIELDS[key][0],
                outcome,
                requirement,
                fact_text,
                source(fact_name) if outcome != UNKNOWN else "暂无数据",
                hint,
            )
        )

    def label(kind: str, code: str) -> str:
        named = names.get(kind, {}).get(code)
        if named:
            return named
        return ENTITY_TYPES.get(code, code) if kind == "entity_types" else code

    texts = _texts_for(names)

    def joined(kind: str, codes: Sequence[str], joiner: str = "、") -> str:
        """The requirement text for a list of codes: it depends on the rule only, so it is computed once."""
        key = (kind, tuple(codes), joiner)
        text = texts.get(key)
        if text is None:
            text = texts[key] = joiner.join(label(kind, c) for c in codes)
        return text

    def membership(
        key: str,
        fact_name: str,
        value: str | None,
        allowed: Sequence[str],
        shown: str,
        requirement: str | None = None,
    ) -> None:
        requirement = joined(key, allowed) if requirement is None else requirement
        if value is None:
            add(key, UNKNOWN, requirement, fact_name, "未知")
        else:
            add(key, MET if value in allowed else NOT_MET, requirement, fact_name, shown)

    if "entity_types" in rules:
        membership(
            "entity_types",
            "entity_type",
            facts.entity_type,
            rules["entity_types"],
            ENTITY_TYPES.get(facts.entity_type or "", facts.entity_type or ""),
        )
    if "regions" in rules:
        allowed = rules["regions"]
        requirement = joined("regions", allowed)
        if facts.region_code is None and facts.zone_code is None:
            add("regions", UNKNOWN, requirement, "region_code", "未知")
        else:
            inside = facts.region_code in allowed or facts.zone_code in allowed
            shown = "、".join(label("regions", c) for c in (facts.region_code, facts.zone_code) if c)
            add("regions", MET if inside else NOT_MET, requirement, "region_code", shown)
    if "industries" in rules:
        requirement = joined("industries", rules["industries"])
        if facts.industry_code is None and facts.industry_section is None:
            add("industries", UNKNOWN, requirement, "industry_code", "未知")
        else:
            ok = industry_matches(rules["industries"], facts.industry_code, facts.industry_section)
            add(
                "industries",
                MET if ok else NOT_MET,
                requirement,
                "industry_code",
                label("industries", facts.industry_code or facts.industry_section or ""),
            )
    if "tags_any" in rules:
        requirement = "、".join(rules["tags_any"])
        if facts.tags is None:
            add("tags_any", UNKNOWN, requirement, "tags", "未知")
        else:
            ok = bool(set(rules["tags_any"]) & facts.tags)
            add(
                "tags_any", MET if ok else NOT_MET, requirement, "tags", "、".join(sorted(facts.tags)) or "无"
            )
    if "sizes" in rules:
        size = facts.size if facts.size in SIZES else None  # "unknown" in the registry is unknown here too
        membership(
            "sizes",
            "size",
            size,
            rules["sizes"],
            SIZES.get(size or "", ""),
            requirement="、".join(SIZES.get(c, c) for c in rules["sizes"]),
        )
    for key, fact_name in (
        ("qualifications_any", "qualifications"),
        ("qualifications_all", "qualifications"),
    ):
        if key not in rules:
            continue
        wanted = rules[key]
        joiner = "或" if key == "qualifications_any" else "和"
        requirement = joined("qualifications", wanted, joiner)
        if facts.qualifications is None:
            add(key, UNKNOWN, requirement, fact_name, "未知")
            continue
        held = set(wanted) & facts.qualifications
        ok = bool(held) if key == "qualifications_any" else held == set(wanted)
        shown = "、".join(label("qualifications", c) for c in sorted(facts.qualifications)) or "无相关资质"
        add(key, MET if ok else NOT_MET, requirement, fact_name, shown)
    for key, fact_name, is_min, unit in (
        ("min_employees", "employees", True, "人"),
        ("max_employees", "employees", False, "人"),
        ("min_revenue_10k", "revenue_10k", True, "万元"),
        ("max_revenue_10k", "revenue_10k", False, "万元"),
        ("min_rd_ratio", "rd_ratio", True, "%"),
        ("min_tax_paid_10k", "tax_paid_10k", True, "万元"),
    ):
        if key not in rules:
            continue
        bound = float(rules[key])
        value = getattr(facts, fact_name)
        requirement = f"{'≥' if is_min else '≤'}{_number(bound)}{unit}"
        if value is None:
            add(key, UNKNOWN, requirement, fact_name, "未知")
        else:
            ok = value >= bound if is_min else value <= bound
            add(key, MET if ok else NOT_MET, requirement, fact_name, f"{_number(float(value))}{unit}")
    for key in ("min_age_years", "max_age_years", "established_from", "established_to"):
        if key not in rules:
            continue
        founded = facts.established_on
        if key == "min_age_years":
            limit, is_upper, requirement = (
                age_cutoff(today, rules[key]),
                True,
                f"成立满{_number(rules[key])}年",
            )
        elif key == "max_age_years":
            limit, is_upper, requirement = (
                age_cutoff(today, rules[key]),
                False,
                f"成立不超过{_number(rules[key])}年",
            )
        elif key == "established_from":
            limit, is_upper, requirement = dt.date.fromisoformat(rules[key]), False, f"{rules[key]}以后成立"
        else:
            limit, is_upper, requirement = dt.date.fromisoformat(rules[key]), True, f"{rules[key]}以前成立"
        if founded is None:
            add(key, UNKNOWN, requirement, "established_on", "未知")
        else:
            ok = founded <= limit if is_upper else founded >= limit
            add(key, MET if ok else NOT_MET, requirement, "established_on", f"{founded.isoformat()}成立")
    if "above_scale" in rules:
        wanted = bool(rules["above_scale"])
        requirement = "规模以上企业" if wanted else "规模以下企业"
        if facts.above_scale is None:
            add("above_scale", UNKNOWN, requirement, "above_scale", "未知")
        else:
            add(
                "above_scale",
                MET if facts.above_scale == wanted else NOT_MET,
                requirement,
                "above_scale",
                "规模以上" if facts.above_scale else "规模以下",
            )
    if "exclude_credit_classes" in rules:
        excluded = rules["exclude_credit_classes"]
        requirement = "不属于" + "、".join(CREDIT_CLASSES.get(c, c) for c in excluded)
        if facts.credit_class is None:
            add("exclude_credit_classes", UNKNOWN, requirement, "credit_class", "未知")
        else:
            shown = CREDIT_CLASSES.get(facts.credit_class, "未评价")
            add(
                "exclude_credit_classes",
                NOT_MET if facts.credit_class in excluded else MET,
                requirement,
                "credit_class",
                shown,
            )
    for text in rules.get("manual_conditions", ()):
        # The platform holds no fact for it: never met by default, the enterprise is told what to show.
        results.append(
            ConditionResult(
                "manual_conditions",
                FIELDS["manual_conditions"][0],
                UNKNOWN,
                text,
                "平台无此数据",
                "暂无数据",
                f"提供“{text}”的证明材料，由受理部门核实后可确认",
            )
        )
    if rules.get("exclude_already_benefited") and clause_id is not None:
        benefited = clause_id in facts.benefited_clause_ids
        results.append(
            ConditionResult(
                "exclude_already_benefited",
                FIELDS["exclude_already_benefited"][0],
                NOT_MET if benefited else MET,
                "此前未享受本条款",
                "已享受过" if benefited else "未享受过",
                "本平台兑现记录",
            )
        )
    status = combine(c.outcome for c in results)
    return MatchResult(status, tuple(results), estimate_max_benefit(benefits))


def quick_status(
    rules: Mapping[str, Any], facts: EnterpriseFacts, *, today: dt.date, clause_id: int | None = None
) -> str:
    """The status `evaluate_clause` would give, without building explanations (the fast first pass)."""
    unknown = False

    def check(value, ok) -> bool:
        """False when decided not met; records unknowns."""
        nonlocal unknown
        if value is None:
            unknown = True
            return True
        return ok(value)

    if "entity_types" in rules and not check(facts.entity_type, lambda v: v in rules["entity_types"]):
        return NOT_MET
    if "regions" in rules:
        if facts.region_code is None and facts.zone_code is None:
            unknown = True
        elif facts.region_code not in rules["regions"] and facts.zone_code not in rules["regions"]:
            return NOT_MET
    if "industries" in rules:
        if facts.industry_code is None and facts.industry_section is None:
            unknown = True
        elif not industry_matches(rules["industries"], facts.industry_code, facts.industry_section):
            return NOT_MET
    if "tags_any" in rules and not check(facts.tags, lambda v: bool(set(rules["tags_any"]) & v)):
        return NOT_MET
    if "sizes" in rules and not check(
        facts.size if facts.size in SIZES else None, lambda v: v in rules["sizes"]
    ):
        return NOT_MET
    if "qualifications_any" in rules and not check(
        facts.qualifications, lambda v: bool(set(rules["qualifications_any"]) & v)
    ):
        return NOT_MET
    if "qualifications_all" in rules and not check(
        facts.qualifications, lambda v: set(rules["qualifications_all"]) <= v
    ):
        return NOT_MET
    for key, name, is_min in _NUMERIC_RULES:
        if key in rules:
            bound = float(rules[key])
            if not check(
                getattr(facts, name), (lambda v, b=bound: v >= b) if is_min else (lambda v, b=bound: v <= b)
            ):
                return NOT_MET
    founded = facts.established_on
    for key in ("min_age_years", "max_age_years", "established_from", "established_to"):
        if key not in rules:
            continue
        if founded is None:
            unknown = True
            continue
        if key == "min_age_years" and founded > age_cutoff(today, rules[key]):
            return NOT_MET
        if key == "max_age_years" and founded < age_cutoff(today, rules[key]):
            return NOT_MET
        if key == "established_from" and founded < dt.date.fromisoformat(rules[key]):
            return NOT_MET
        if key == "established_to" and founded > dt.date.fromisoformat(rules[key]):
            return NOT_MET
    if "above_scale" in rules and not check(facts.above_scale, lambda v: v == bool(rules["above_scale"])):
        return NOT_MET
    if "exclude_credit_classes" in rules and not check(
        facts.credit_class, lambda v: v not in rules["exclude_credit_classes"]
    ):
        return NOT_MET
    if (
        rules.get("exclude_already_benefited")
        and clause_id is not None
        and clause_id in facts.benefited_clause_ids
    ):
        return NOT_MET
    if rules.get("manual_conditions"):
        return UNKNOWN
    return UNKNOWN if unknown else MET


_NUMERIC_RULES = (
    ("min_employees", "employees", True),
    ("max_employees", "employees", False),
    ("min_revenue_10k", "revenue_10k", True),
    ("max_revenue_10k", "revenue_10k", False),
    ("min_rd_ratio", "rd_ratio", True),
    ("min_tax_paid_10k", "tax_paid_10k", True),
)


def estimate_max_benefit(benefits: Sequence[Mapping[str, Any]]) -> int | None:
    """The most an enterprise can get from a clause: the sum of each benefit's fixed maximum or cap."""
    amounts = [
        benefit.get("max_amount_yuan") or benefit.get("cap_yuan") or benefit.get("per_year_limit_yuan")
        for benefit in benefits
    ]
    known = [int(a) for a in amounts if a]
    return sum(known) if known else None


# ---------------------------------------------------------------------------------------------------------
# Set-based evaluation over every enterprise at once
# ---------------------------------------------------------------------------------------------------------

_SIZE_CODES = ("", *SIZES)  # index 0 = unknown
_ENTITY_CODES = ("", *ENTITY_TYPES)
_CREDIT_CODES = ("?", "", *CREDIT_CLASSES)  # index 0 = unknown, 1 = not rated


@dataclass
class FactTable:
    """Column arrays of enterprise facts (one row per enterprise) for vectorised matching."""

    ids: np.ndarray
    entity: np.ndarray  # int8 index into _ENTITY_CODES
    industry: np.ndarray  # int32 index into industry_codes (0 = unknown)
    industry_codes: list[tuple[str | None, str | None]]  # (code, section)
    region: np.ndarray  # int32 index into region_codes (0 = unknown)
    zone: np.ndarray
    region_codes: list[str]
    size: np.ndarray
    founded: np.ndarray  # float64 ordinal, NaN = unknown
    employees: np.ndarray
    revenue: np.ndarray
    rd_ratio: np.ndarray
    tax_paid: np.ndarray
    above_scale: np.ndarray  # int8: -1 unknown, 0, 1
    qualification_bits: np.ndarray  # uint64
    qualifications_known: np.ndarray  # bool
    qualification_codes: list[str]
    tag_bits: np.ndarray
    tags_known: np.ndarray
    tag_codes: list[str]
    credit: np.ndarray
    row_of: dict[int, int]
    benefited: dict[int, np.ndarray]  # clause id → row indices that already benefited

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_facts(cls, facts: Sequence[EnterpriseFacts]) -> FactTable:
        """Build from fact records (tests, calculator); the ORM loader builds the same columns from queries."""
        builder = FactTableBuilder()
        for item in facts:
            builder.add(item)
        return builder.build()


class FactTableBuilder:
    """Collects rows into the column arrays of a FactTable."""

    def __init__(self) -> None:
        self._industry: dict[tuple[str | None, str | None], int] = {(None, None): 0}
        self._region: dict[str, int] = {"": 0}
        self._qualification: dict[str, int] = {}
        self._tag: dict[str, int] = {}
        self.rows: list[tuple] = []
        self.benefited: dict[int, list[int]] = {}

    def _bits(self, codes: Iterable[str] | None, table: dict[str, int]) -> int:
        bits = 0
        for code in codes or ():
            if code not in table:
                if len(table) >= 64:
                    raise ValueError("资质或产业种类超过 64 种，无法向量化匹配")
                table[code] = len(table)
            bits |= 1 << table[code]
        return bits

    def add(self, facts: EnterpriseFacts) -> None:
        key = (facts.industry_code, facts.industry_section)
        industry = self._industry.setdefault(key, len(self._industry)) if key != (None, None) else 0
        region = self._region.setdefault(facts.region_code, len(self._region)) if facts.region_code else 0
        zone = self._region.setdefault(facts.zone_code, len(self._region)) if facts.zone_code else 0
        row = len(self.rows)
        for clause_id in facts.benefited_clause_ids:
            self.benefited.setdefault(clause_id, []).append(row)
        nan = float("nan")
        self.rows.append(
            (
                facts.enterprise_id or 0,
                _ENTITY_CODES.index(facts.entity_type) if facts.entity_type in _ENTITY_CODES else 0,
                industry,
                region,
                zone,
                _SIZE_CODES.index(facts.size) if facts.size in _SIZE_CODES else 0,
                facts.established_on.toordinal() if facts.established_on else nan,
                nan if facts.employees is None else float(facts.employees),
                nan if facts.revenue_10k is None else float(facts.revenue_10k),
                nan if facts.rd_ratio is None else float(facts.rd_ratio),
                nan if facts.tax_paid_10k is None else float(facts.tax_paid_10k),
                -1 if facts.above_scale is None else int(facts.above_scale),
                self._bits(facts.qualifications, self._qualification),
                facts.qualifications is not None,
                self._bits(facts.tags, self._tag),
                facts.tags is not None,
                _CREDIT_CODES.index(facts.credit_class) if facts.credit_class in _CREDIT_CODES[1:] else 0,
            )
        )

    def build(self) -> FactTable:
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * 17
        return build_table(
            columns,
            industry_codes=list(self._industry),
            region_codes=list(self._region),
            qualification_codes=list(self._qualification),
            tag_codes=list(self._tag),
            benefited={k: np.array(v, dtype=np.int64) for k, v in self.benefited.items()},
        )


def build_table(
    columns: Sequence[Sequence], *, industry_codes, region_codes, qualification_codes, tag_codes, benefited
) -> FactTable:
    """Column sequences in FactTableBuilder row order → a FactTable."""
    ids = np.asarray(columns[0], dtype=np.int64)
    return FactTable(
        ids=ids,
        entity=np.asarray(columns[1], dtype=np.int8),
        industry=np.asarray(columns[2], dtype=np.int32),
        industry_codes=industry_codes,
        region=np.asarray(columns[3], dtype=np.int32),
        zone=np.asarray(columns[4], dtype=np.int32),
        region_codes=region_codes,
        size=np.asarray(columns[5], dtype=np.int8),
        founded=np.asarray(columns[6], dtype=np.float64),
        employees=np.asarray(columns[7], dtype=np.float64),
        revenue=np.asarray(columns[8], dtype=np.float64),
        rd_ratio=np.asarray(columns[9], dtype=np.float64),
        tax_paid=np.asarray(columns[10], dtype=np.float64),
        above_scale=np.asarray(columns[11], dtype=np.int8),
        qualification_bits=np.asarray(columns[12], dtype=np.uint64),
        qualifications_known=np.asarray(columns[13], dtype=bool),
        qualification_codes=qualification_codes,
        tag_bits=np.asarray(columns[14], dtype=np.uint64),
        tags_known=np.asarray(columns[15], dtype=bool),
        tag_codes=tag_codes,
        credit=np.asarray(columns[16], dtype=np.int8),
        row_of={int(i): row for row, i in enumerate(ids)},
        benefited=benefited,
    )


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_ENTITY_INDEX = {code: index for index, code in enumerate(_ENTITY_CODES) if index}
_SIZE_INDEX = {code: index for index, code in enumerate(_SIZE_CODES) if index}
_CREDIT_INDEX = {code: index for index, code in enumerate(_CREDIT_CODES) if index}


def _float_column(values: Sequence) -> np.ndarray:
    """Numbers or None → float64 with NaN for unknown."""
    return np.array(values, dtype=np.float64) if len(values) else np.zeros(0, dtype=np.float64)


def _code_bits(keys: Sequence, table: dict[str, int]) -> tuple[np.ndarray, list[str]]:
    """Each row's code collection (a hashable tuple of codes) → a uint64 bit set; `table` grows with new codes."""
    cache: dict[Any, int] = {}
    bits = np.zeros(len(keys), dtype=np.uint64)
    for row, key in enumerate(keys):
        if not key:
            continue
        value = cache.get(key)
        if value is None:
            value = 0
            for code in key:
                if code not in table:
                    if len(table) >= 64:
                        raise ValueError("资质或产业种类超过 64 种，无法向量化匹配")
                    table[code] = len(table)
                value |= 1 << table[code]
            cache[key] = value
        bits[row] = value
    return bits, list(table)


def _mapped(values: Sequence, index: Mapping, dtype, default: int | None = None) -> np.ndarray:
    """values[i] → index[values[i]] as a numpy column; with `default`, values missing from `index` get it."""
    if default is not None:
        index = {value: index.get(value, default) for value in set(values)}
    return np.array(list(map(index.__getitem__, values)), dtype=dtype) if len(values) else np.zeros(0, dtype)


def encode_columns(
    *,
    ids: Sequence[int],
    entity_types: Sequence[str | None],
    industry_codes: Sequence[str | None],
    industry_sections: Sequence[str | None],
    region_codes: Sequence[str | None],
    zone_codes: Sequence[str | None],
    sizes: Sequence[str | None],
    founded: Sequence,
    employees: Sequence,
    revenue_10k: Sequence,
    above_scale: Sequence,
    tags: Sequence[tuple],
    credit_classes: Sequence[str | None],
    qualifications: Sequence[tuple[int, str]] = (),
    declarations: Sequence[tuple[int, Any, Any]] = (),
    benefited: Sequence[tuple[int, int]] = (),
) -> FactTable:
    """Raw query columns (one entry per enterprise, ids ascending) → a FactTable, without per-row objects.

    Same encoding as `FactTableBuilder` (which works from `EnterpriseFacts`), built column by column:
    `founded` holds dates or ISO strings (None = unknown), `tags` a tuple of codes per row, `qualifications`,
    `declarations` (enterprise id, R&D share, tax paid) and `benefited` (enterprise id, clause id) are rows keyed
    by enterprise id. A test holds both constructions equal.
    """
    count = len(ids)
    id_array = np.array(ids, dtype=np.int64) if count else np.zeros(0, dtype=np.int64)
    if count > 1 and not bool(np.all(id_array[1:] > id_array[:-1])):
        raise ValueError("ids must be strictly ascending")

    def rows_of(enterprise_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        wanted = np.array(enterprise_ids, dtype=np.int64)
        rows = np.searchsorted(id_array, wanted)
        inside = rows < count
        inside[inside] = id_array[rows[inside]] == wanted[inside]
        return rows, inside

    # 1. Categorical columns → small integer codes through dictionaries (index 0 = unknown), one lookup per
    #    distinct value and a C-level map over the rows.
    industry_keys = list(zip(industry_codes, industry_sections, strict=True))
    industry_index = {key: index for index, key in enumerate(dict.fromkeys([(None, None), *industry_keys]))}
    industry = _mapped(industry_keys, industry_index, np.int32)
    region_index: dict[str | None, int] = {"": 0, None: 0}
    for code in dict.fromkeys([*region_codes, *zone_codes]):
        region_index.setdefault(code, len(region_index) - 1)
    region = _mapped(region_codes, region_index, np.int32)
    zone = _mapped(zone_codes, region_index, np.int32)
    # 2. Dates → ordinals (NaN = unknown), numbers → float64 (NaN = unknown).
    days = np.array(founded, dtype="datetime64[D]") if count else np.zeros(0, dtype="datetime64[D]")
    founded_column = days.astype(np.int64).astype(np.float64) + _EPOCH_ORDINAL
    founded_column[np.isnat(days)] = np.nan
    # 3. Sets of codes → bit sets.
    tag_bits, tag_codes = _code_bits(tags, {})
    qualification_table: dict[str, int] = {}
    qualification_bits = np.zeros(count, dtype=np.uint64)
    if len(qualifications):
        held_ids, held_codes = zip(*qualifications, strict=True)
        rows, inside = rows_of(held_ids)
        bits, _ = _code_bits([(code,) for code in held_codes], qualification_table)
        np.bitwise_or.at(qualification_bits, rows[inside], bits[inside])
    rd_ratio = np.full(count, np.nan)
    tax_paid = np.full(count, np.nan)
    if len(declarations):
        declared_ids, declared_rd, declared_tax = zip(*declarations, strict=True)
        rows, inside = rows_of(declared_ids)
        rd_ratio[rows[inside]] = _float_column(declared_rd)[inside]
        tax_paid[rows[inside]] = _float_column(declared_tax)[inside]
    benefited_rows: dict[int, list[int]] = {}
    if len(benefited):
        benefited_ids, clause_ids = zip(*benefited, strict=True)
        rows, inside = rows_of(benefited_ids)
        for row, clause_id, ok in zip(rows.tolist(), clause_ids, inside.tolist(), strict=True):
            if ok:
                benefited_rows.setdefault(clause_id, []).append(row)
    above = _mapped(
        above_scale, {value: -1 if value is None else int(bool(value)) for value in set(above_scale)}, np.int8
    )
    codes = [""] * len(set(region_index.values()))
    for code, index in region_index.items():
        if index:
            codes[index] = code
    return FactTable(
        ids=id_array,
        entity=_mapped(entity_types, _ENTITY_INDEX, np.int8, default=0),
        industry=industry,
        industry_codes=list(industry_index),
        region=region,
        zone=zone,
        region_codes=codes,
        size=_mapped(sizes, _SIZE_INDEX, np.int8, default=0),
        founded=founded_column,
        employees=_float_column(employees),
        revenue=_float_column(revenue_10k),
        rd_ratio=rd_ratio,
        tax_paid=tax_paid,
        above_scale=above,
        qualification_bits=qualification_bits,
        qualifications_known=np.ones(count, dtype=bool),
        qualification_codes=list(qualification_table),
        tag_bits=tag_bits,
        tags_known=np.ones(count, dtype=bool),
        tag_codes=tag_codes,
        credit=_mapped(credit_classes, _CREDIT_INDEX, np.int8, default=0),
        row_of=dict(zip(id_array.tolist(), range(count), strict=True)),
        benefited={k: np.array(v, dtype=np.int64) for k, v in benefited_rows.items()},
    )


@dataclass(frozen=True)
class BulkOutcome:
    """Rows (indices into the FactTable) for which a clause is met, and those for which it is unknown."""

    met: np.ndarray
    unknown: np.ndarray


def _mask(codes: Iterable[str], table: list[str]) -> int:
    positions = {code: index for index, code in enumerate(table)}
    return sum(1 << positions[code] for code in codes if code in positions)


_Condition = tuple[np.ndarray | None, np.ndarray | None]  # (decided not met, unknown); None = nowhere
_CACHE_BYTES = 256 * 1024 * 1024


class _Evaluator:
    """Per-table caches shared by all clauses of one run.

    Clauses repeat conditions (the same county list, the same 失信 exclusion, the same size band), so each
    distinct condition is evaluated once per run and its two boolean columns are reused, within a memory budget.
    """

    def __init__(self, table: FactTable, today: dt.date) -> None:
        self.table = table
        self.today = today
        self._lookups: dict[tuple, np.ndarray] = {}
        self._conditions: dict[tuple, _Condition] = {}
        self._cache_room = _CACHE_BYTES // max(1, 2 * len(table))
        self._missing: dict[str, np.ndarray | None] = {}

    def _lookup(self, key: tuple, size: int, predicate) -> np.ndarray:
        if key not in self._lookups:
            self._lookups[key] = np.fromiter((predicate(i) for i in range(size)), dtype=bool, count=size)
        return self._lookups[key]

    def _missing_of(self, name: str, column: np.ndarray, test) -> np.ndarray | None:
        """The unknown rows of a fact column, computed once per run (None when every row is known)."""
        if name not in self._missing:
            missing = test(column)
            self._missing[name] = missing if missing.any() else None
        return self._missing[name]

    def condition(self, key: str, value: Any) -> _Condition:
        """One condition (rule key and its value) over every row, memoised by its canonical value."""
        frozen = (key, tuple(value) if isinstance(value, list) else value)
        cached = self._conditions.get(frozen)
        if cached is None:
            cached = self._evaluate(key, value)
            if self._cache_room > 0:
                self._conditions[frozen] = cached
                self._cache_room -= 1
        return cached

    def _evaluate(self, key: str, value: Any) -> _Condition:
        table = self.table

        def categorical(name: str, values: np.ndarray, lookup: np.ndarray) -> _Condition:
            missing = self._missing_of(name, values, lambda column: column == 0)
            ok = lookup[values]
            bad = ~ok if missing is None else ~ok & ~missing
            return bad, missing

        def numeric(name: str, values: np.ndarray, bound: float, is_min: bool) -> _Condition:
            with np.errstate(invalid="ignore"):
                fails = (
                    values < bound if is_min else values > bound
                )  # NaN compares False: unknown, not failed
            return fails, self._missing_of(name, values, np.isnan)

        def bits(known: np.ndarray, fails: np.ndarray) -> _Condition:
            return fails & known, None if known.all() else ~known

        if key == "entity_types":
            wanted = tuple(value)
            return categorical(
                "entity",
                table.entity,
                self._lookup(
                    ("entity", wanted), len(_ENTITY_CODES), lambda i: i > 0 and _ENTITY_CODES[i] in wanted
                ),
            )
        if key == "regions":
            wanted = tuple(value)
            lookup = self._lookup(
                ("region", wanted),
                len(table.region_codes),
                lambda i: i > 0 and table.region_codes[i] in wanted,
            )
            inside = lookup[table.region] | lookup[table.zone]
            missing = self._missing_of(
                "region", table.region, lambda column: (column == 0) & (table.zone == 0)
            )
            return (~inside if missing is None else ~inside & ~missing), missing
        if key == "industries":
            wanted = tuple(value)
            return categorical(
                "industry",
                table.industry,
                self._lookup(
                    ("industry", wanted),
                    len(table.industry_codes),
                    lambda i: i > 0 and industry_matches(wanted, *table.industry_codes[i]),
                ),
            )
        if key == "tags_any":
            mask = np.uint64(_mask(value, table.tag_codes))
            return bits(table.tags_known, (table.tag_bits & mask) == 0)
        if key == "sizes":
            wanted = tuple(value)
            return categorical(
                "size",
                table.size,
                self._lookup(
                    ("size", wanted), len(_SIZE_CODES), lambda i: i > 0 and _SIZE_CODES[i] in wanted
                ),
            )
        if key in ("qualifications_any", "qualifications_all"):
            mask_value = _mask(value, table.qualification_codes)
            held = table.qualification_bits & np.uint64(mask_value)
            if key == "qualifications_any":
                fails = held == 0
            elif mask_value == 0 or len([c for c in value if c in table.qualification_codes]) < len(
                set(value)
            ):
                fails = np.ones(len(table), dtype=bool)  # someone must hold a code nobody holds
            else:
                fails = held != np.uint64(mask_value)
            return bits(table.qualifications_known, fails)
        columns = {
            "min_employees": ("employees", True),
            "max_employees": ("employees", False),
            "min_revenue_10k": ("revenue", True),
            "max_revenue_10k": ("revenue", False),
            "min_rd_ratio": ("rd_ratio", True),
            "min_tax_paid_10k": ("tax_paid", True),
        }
        if key in columns:
            name, is_min = columns[key]
            return numeric(name, getattr(table, name), float(value), is_min)
        # Founding-date conditions compare ordinals: "at least N years old" = founded on or before the cutoff.
        if key == "min_age_years":
            return numeric("founded", table.founded, age_cutoff(self.today, value).toordinal(), False)
        if key == "max_age_years":
            return numeric("founded", table.founded, age_cutoff(self.today, value).toordinal(), True)
        if key == "established_from":
            return numeric("founded", table.founded, dt.date.fromisoformat(value).toordinal(), True)
        if key == "established_to":
            return numeric("founded", table.founded, dt.date.fromisoformat(value).toordinal(), False)
        if key == "above_scale":
            missing = self._missing_of("above_scale", table.above_scale, lambda column: column == -1)
            fails = table.above_scale != int(bool(value))
            return (fails if missing is None else fails & ~missing), missing
        if key == "exclude_credit_classes":
            excluded = tuple(value)
            return categorical(
                "credit",
                table.credit,
                self._lookup(
                    ("credit", excluded),
                    len(_CREDIT_CODES),
                    lambda i: i > 0 and _CREDIT_CODES[i] not in excluded,
                ),
            )
        if key == "manual_conditions":
            return None, (np.ones(len(table), dtype=bool) if value else None)  # undecidable for every row
        return (
            None,
            None,
        )  # exclude_already_benefited is per clause (below); unknown keys never pass validation

    def clause(self, rules: Mapping[str, Any], clause_id: int | None) -> BulkOutcome:
        count = len(self.table)
        bad: np.ndarray | None = None
        unknown: np.ndarray | None = None
        for key, value in rules.items():
            condition_bad, condition_unknown = self.condition(key, value)
            if condition_bad is not None:
                bad = condition_bad.copy() if bad is None else np.logical_or(bad, condition_bad, out=bad)
            if condition_unknown is not None:
                unknown = (
                    condition_unknown.copy()
                    if unknown is None
                    else np.logical_or(unknown, condition_unknown, out=unknown)
                )
        if (
            rules.get("exclude_already_benefited")
            and clause_id is not None
            and clause_id in self.table.benefited
        ):
            bad = np.zeros(count, dtype=bool) if bad is None else bad
            bad[self.table.benefited[clause_id]] = True
        if bad is None:
            bad = np.zeros(count, dtype=bool)
        decided_ok = np.logical_not(bad, out=bad)
        if unknown is None:
            return BulkOutcome(met=np.flatnonzero(decided_ok), unknown=np.zeros(0, dtype=np.int64))
        return BulkOutcome(
            met=np.flatnonzero(decided_ok & ~unknown), unknown=np.flatnonzero(decided_ok & unknown)
        )


def evaluate_many(
    clauses: Mapping[int, Mapping[str, Any]], table: FactTable, *, today: dt.date
) -> dict[int, BulkOutcome]:
    """Every clause (id → rules) against every enterprise in `table`: met and unknown rows per clause."""
    evaluator = _Evaluator(table, today)
    return {clause_id: evaluator.clause(rules, clause_id) for clause_id, rules in clauses.items()}


def status_of(outcome: BulkOutcome, row: int) -> str:
    """The status of one row in a bulk outcome (for tests and spot checks)."""
    if row in set(outcome.met.tolist()):
        return MET
    return UNKNOWN if row in set(outcome.unknown.tolist()) else NOT_MET
