"""国民经济行业分类 (GB/T 4754-2017) lookups, SME sector mapping, and 张掖 characteristic industries.

Pure module: reads `data/gbt4754_2017.json` once and answers from memory.

Codes: 门类 (section) is a letter A–T, 大类 (division) two digits, 中类 (group) three, 小类 (class) four.
Registries often prefix the section letter ("C1351", "I6410"); every function here accepts both forms.
The JSON carries all sections and divisions and the groups/classes this project needs; a class that is
not listed still resolves through its division (e.g. "2611" is 工业 because 26 is in 制造业).

Sources checked for names: published GB/T 4754-2017 code tables (all divisions; groups and classes of the
divisions listed under "coverage" in the JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

DATA_PATH = Path(__file__).parent / "data" / "gbt4754_2017.json"

Level = Literal["section", "division", "group", "class"]
_LEVEL_BY_LENGTH: dict[int, Level] = {2: "division", 3: "group", 4: "class"}


class UnknownIndustryCode(ValueError):
    """Raised for a string that is not a GB/T 4754-2017 code this module can place; message in Chinese."""


class AmbiguousIndustryCode(ValueError):
    """Raised when a code is too broad to decide (e.g. 70 spans 房地产开发经营 and 物业管理); message in Chinese."""


@dataclass(frozen=True)
class Industry:
    """One entry of the classification: a 门类, 大类, 中类 or 小类."""

    code: str
    name: str
    level: Level
    parent: str | None


@cache
def _document() -> dict[str, Any]:
    with DATA_PATH.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


@cache
def _industries() -> tuple[Industry, ...]:
    return tuple(Industry(**row) for row in _document()["industries"])


def load_industries() -> list[Industry]:
    """Return every listed entry in the standard's order (parsed once; each call gets a fresh list)."""
    return list(_industries())


@cache
def _by_code() -> dict[str, Industry]:
    return {industry.code: industry for industry in _industries()}


def _canonical(code: str) -> str:
    """Strip whitespace and a leading section letter in front of digits ("C1351" -> "1351")."""
    code = code.strip().upper()
    if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
        division = _by_code().get(code[1:3])
        if division is None or division.parent != code[0]:
            raise UnknownIndustryCode(f"行业代码 {code} 的门类字母与大类不符")
        return code[1:]
    return code


def industry_by_code(code: str) -> Industry | None:
    """Return the listed entry for a code (section letter prefix allowed), or None if it is not listed."""
    try:
        return _by_code().get(_canonical(code))
    except UnknownIndustryCode:
        return None


def _ancestors(code: str) -> list[str]:
    """Return the code and its ancestors, most specific first, e.g. "1351" -> ["1351", "135", "13", "C"].

    Raises `UnknownIndustryCode` unless the code is a section letter or 2–4 digits under a known division.
    """
    canonical = _canonical(code)
    if canonical in _by_code() and _by_code()[canonical].level == "section":
        return [canonical]
    if not canonical.isdigit() or len(canonical) not in _LEVEL_BY_LENGTH:
        raise UnknownIndustryCode(f"不是有效的国民经济行业分类代码：{code}")
    division = _by_code().get(canonical[:2])
    if division is None:
        raise UnknownIndustryCode(f"不存在的行业大类：{canonical[:2]}")
    chain = [canonical[:length] for length in range(len(canonical), 1, -1)]
    assert division.parent is not None
    return [*chain, division.parent]


def _descendant_rule_codes(code: str, rule_codes: dict[str, str]) -> list[str]:
    """Rule codes strictly below `code` (divisions of a section count as below it)."""
    if code.isalpha():
        divisions = {i.code for i in _industries() if i.level == "division" and i.parent == code}
        return [rule for rule in rule_codes if rule != code and rule[:2] in divisions]
    return [rule for rule in rule_codes if rule != code and rule.isdigit() and rule.startswith(code)]


def _resolve(code: str, rule_codes: dict[str, str], default: str | None, what_zh: str) -> str | None:
    """Most specific rule on the code's ancestor chain; refuse when rules below the code disagree with it."""
    chain = _ancestors(code)
    answer = next((rule_codes[ancestor] for ancestor in chain if ancestor in rule_codes), default)
    below = {rule_codes[rule] for rule in _descendant_rule_codes(chain[0], rule_codes)}
    if below - {answer}:
        raise AmbiguousIndustryCode(f"行业代码 {code} 范围过宽，无法确定{what_zh}，请细化到下一级代码")
    return answer


@cache
def _sector_rules() -> tuple[dict[str, str], str]:
    sectors = _document()["sme_sectors"]
    rules = {code: rule["sector"] for rule in sectors["rules"] for code in rule["codes"]}
    return rules, sectors["default"]


def sme_sector_names() -> list[str]:
    """The sector names the mapping can return, in the data file's order, default last."""
    rules = _document()["sme_sectors"]["rules"]
    return [rule["sector"] for rule in rules] + [_document()["sme_sectors"]["default"]]


def sector_for_industry(code: str) -> str:
    """Return the 《中小企业划型标准规定》 sector for an industry code, e.g. "1351" -> "工业".

    Raises `UnknownIndustryCode` for a malformed code and `AmbiguousIndustryCode` for a code that spans
    several sectors (e.g. "70", "G", "F").
    """
    rules, default = _sector_rules()
    sector = _resolve(code, rules, default, "企业划型行业")
    assert sector is not None
    return sector


@cache
def _characteristic_rules() -> dict[str, str]:
    table = _document()["characteristic_industries"]["industries"]
    return {code: entry["name"] for entry in table for code in entry["codes"]}


def characteristic_industry_names() -> list[str]:
    """张掖's five characteristic industries (特色产业), in the data file's order."""
    return [entry["name"] for entry in _document()["characteristic_industries"]["industries"]]


def characteristic_industry_for(code: str) -> str | None:
    """Return which of 张掖's characteristic industries an industry code belongs to, or None.

    The most specific listed code wins ("1351" 牲畜屠宰 -> 肉牛 although 13 is 特色农产品加工). A code
    broader than a listed one with a different answer raises `AmbiguousIndustryCode`.
    """
    return _resolve(code, _characteristic_rules(), None, "所属特色产业")
