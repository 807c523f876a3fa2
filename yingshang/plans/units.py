"""Responsible-unit matching (责任单位匹配): plan unit names → departments of the city's tree.

Pure module: no ORM. The caller passes the departments as `DepartmentRef` values. A unit name such as
"市市场监管局", "张掖市中级人民法院", "甘州区人社局", "发展改革委" (a list continuing "市…") or
"各县（区）人民政府" becomes zero, one or several department ids:

1. An exact match on a department's full or short name wins.
2. Otherwise the level is read from the prefix: a county or zone name → that region; 市 / the city's
   name → the city; 各县（区）/各县区 → every county; no prefix → the default region (the plan's).
3. The function is read from keyword aliases (市场监管 → market, 人社 → hrss …) and the
   department with that `function_key` in each region is taken; 人民政府 → the region's government root.
4. Failing that, the best department of the level by character-bigram overlap, if it is close enough.
Anything left is unmatched and shown to the reviewer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DepartmentRef:
    """What the matcher needs to know about one department."""

    id: int
    name: str
    short_name: str
    function_key: str
    region_code: str
    region_name: str
    region_kind: str  # city / county / zone


# Keyword → function_key, longest keywords first when matching.
FUNCTION_ALIASES: dict[str, str] = {
    "市场监督管理": "market",
    "市场监管": "market",
    "工商": "market",
    # 工商联 (the federation of industry and commerce) is no market regulator and no department of the tree.
    "工商联": "",
    "税务": "tax",
    "人力资源和社会保障": "hrss",
    "人力资源社会保障": "hrss",
    "人社": "hrss",
    "中级人民法院": "court",
    "人民法院": "court",
    "中院": "court",
    "法院": "court",
    "检察": "procuratorate",
    "自然资源": "natural_resources",
    "不动产登记": "natural_resources",
    "国土": "natural_resources",  # 国土资源局 / 国土房管局, merged into 自然资源 in 2018
    "规划": "natural_resources",  # 规划局, likewise
    "住房和城乡建设": "housing",
    "住房城乡建设": "housing",
    "住建": "housing",
    "住房保障": "housing",
    "商务": "commerce",
    "科学技术": "science",
    "科技": "science",
    "工业和信息化": "industry",
    "工信": "industry",
    "财政": "finance",
    "司法": "justice",
    "农业农村": "agriculture",
    "农业": "agriculture",  # 市农业局, the name before the 2018 merger
    "文体广电和旅游": "tourism",
    "文化和旅游": "tourism",
    "文旅": "tourism",
    "文化广电": "tourism",  # 文化广电新闻出版局, merged into the culture, sports and tourism bureau
    "体育": "tourism",
    "生态环境": "environment",
    "环保": "environment",
    "水务": "water",
    "水利": "water",
    "统计": "statistics",
    "供电": "power",
    "电力": "power",
    "电网": "power",
    "发展和改革": "ndrc",
    "发展改革": "ndrc",
    "发改": "ndrc",
    "营商环境": "business_env",
    "营商": "business_env",
    "政务服务中心": "business_env",
    "政务服务管理": "business_env",
    "政务服务局": "business_env",
    "行政审批": "business_env",
    "12345": "hotline",
    "热线": "hotline",
    "公共资源交易": "public_resources",
    "执法支队": "market_enforcement",
    "管委会": "zone_committee",
    "管理委员会": "zone_committee",
    "人民政府": "government",
}
_ALIASES_LONGEST_FIRST = sorted(FUNCTION_ALIASES, key=len, reverse=True)
ALL_COUNTIES_RE = re.compile(
    r"^各(?:县[（(]?[市区][）)]?|县区|区县|市[（(]?[县区][）)]?|县市区"
    r"|区[、，（(]?县级市[）)]?|县[、，]区|区(?=政府|人民政府|$))"
)
# "各区、县级市" with no function named: the district and county governments themselves.
_GOVERNMENT_ONLY_RE = re.compile(r"^(?:人民政府|政府)?$")
FUZZY_THRESHOLD = 0.6


def normalise_unit(name: str) -> str:
    """NFKC, brackets unified, spaces and trailing 等 removed."""
    text = unicodedata.normalize("NFKC", name).replace("(", "（").replace(")", "）")
    return re.sub(r"\s+", "", text).removesuffix("等")


def match_unit(
    name: str, departments: Sequence[DepartmentRef], *, city_name: str, default_region_code: str
) -> list[int]:
    """Department ids a unit name refers to (empty when nothing fits well enough)."""
    text = normalise_unit(name)
    if not text:
        return []
    # 1. Exact names.
    exact = [d.id for d in departments if text in (normalise_unit(d.name), normalise_unit(d.short_name))]
    if exact:
        return exact[:1]
    # 2. Level.
    region_codes, rest = _level(
        text, departments, city_name=city_name, default_region_code=default_region_code
    )
    # 3. Function keyword.
    function_key = next((FUNCTION_ALIASES[word] for word in _ALIASES_LONGEST_FIRST if word in rest), None)
    if function_key is None and ALL_COUNTIES_RE.match(text) and _GOVERNMENT_ONLY_RE.match(rest):
        function_key = "government"
    if function_key == "court" and "中级" in rest:
        region_codes = [code for code in region_codes if _kind(code, departments) == "city"] or region_codes
    if function_key:
        found = []
        for code in region_codes:
            candidates = [
                d.id for d in departments if d.region_code == code and d.function_key == function_key
            ]
            found.extend(candidates[:1])
        if found:
            return found
    # 4. Fuzzy, within one region only, never onto a government root.
    if len(region_codes) != 1:
        return []
    pool = [d for d in departments if d.region_code == region_codes[0] and d.function_key != "government"]
    best, best_score = None, 0.0
    for department in pool:
        score = max(
            _overlap(rest, _strip_level(normalise_unit(department.name), department, city_name)),
            _overlap(rest, _strip_level(normalise_unit(department.short_name), department, city_name)),
        )
        if score > best_score:
            best, best_score = department, score
    return [best.id] if best is not None and best_score >= FUZZY_THRESHOLD else []


def _level(
    text: str, departments: Sequence[DepartmentRef], *, city_name: str, default_region_code: str
) -> tuple[list[str], str]:
    """The region codes a name points at, and the name without its level prefix."""
    regions = {d.region_code: (d.region_name, d.region_kind) for d in departments}
    if ALL_COUNTIES_RE.match(text):
        counties = [code for code, (_, kind) in regions.items() if kind == "county"]
        return counties, ALL_COUNTIES_RE.sub("", text)
    by_name_length = sorted(regions.items(), key=lambda item: len(item[1][0]), reverse=True)
    for code, (region_name, _) in by_name_length:
        for prefix in (region_name, region_name.removesuffix("市").removesuffix("县").removesuffix("区")):
            if len(prefix) >= 2 and prefix in text[: len(prefix) + 8]:
                return [code], text.replace(prefix, "", 1)
    city_codes = [code for code, (_, kind) in regions.items() if kind == "city"]
    short_city = city_name.removesuffix("市")
    for prefix in (city_name, short_city):
        if prefix and prefix in text:
            return city_codes, text.replace(prefix, "", 1)
    if text.startswith("市"):
        return city_codes, text[1:]
    return [default_region_code], text


def _kind(code: str, departments: Sequence[DepartmentRef]) -> str:
    return next((d.region_kind for d in departments if d.region_code == code), "")


def _strip_level(name: str, department: DepartmentRef, city_name: str) -> str:
    for prefix in (department.region_name, city_name, "国家税务总局"):
        name = name.replace(prefix, "")
    return name.removeprefix("市")


def _bigrams(text: str) -> set[str]:
    return {text[index : index + 2] for index in range(len(text) - 1)} or {text}


def _overlap(left: str, right: str) -> float:
    """Share of the shorter name's bigrams found in the other (Szymkiewicz–Simpson)."""
    a, b = _bigrams(left), _bigrams(right)
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
