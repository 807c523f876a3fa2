"""Tests for GB/T 4754-2017 lookups, the SME sector mapping and 张掖 characteristic industries."""

import json
from collections import Counter
from pathlib import Path

import pytest

from yingshang.enterprises.industries import (
    AmbiguousIndustryCode,
    Industry,
    UnknownIndustryCode,
    characteristic_industry_for,
    characteristic_industry_names,
    industry_by_code,
    load_industries,
    sector_for_industry,
    sme_sector_names,
)

SCALE_FILE = Path(__file__).resolve().parents[1] / "data" / "sme-scale-2011.json"


def test_all_twenty_sections_a_to_t() -> None:
    sections = [i.code for i in load_industries() if i.level == "section"]
    assert sections == list("ABCDEFGHIJKLMNOPQRST")


def test_all_ninety_seven_divisions_in_order() -> None:
    divisions = [i.code for i in load_industries() if i.level == "division"]
    assert divisions == [f"{number:02d}" for number in range(1, 98)]


@pytest.mark.parametrize(
    ("section", "first", "last"),
    [
        ("A", 1, 5),
        ("B", 6, 12),
        ("C", 13, 43),
        ("D", 44, 46),
        ("E", 47, 50),
        ("F", 51, 52),
        ("G", 53, 60),
        ("H", 61, 62),
        ("I", 63, 65),
        ("J", 66, 69),
        ("K", 70, 70),
        ("L", 71, 72),
        ("M", 73, 75),
        ("N", 76, 79),
        ("O", 80, 82),
        ("P", 83, 83),
        ("Q", 84, 85),
        ("R", 86, 90),
        ("S", 91, 96),
        ("T", 97, 97),
    ],
)
def test_each_section_holds_its_official_division_range(section: str, first: int, last: int) -> None:
    divisions = [i.code for i in load_industries() if i.level == "division" and i.parent == section]
    assert divisions == [f"{number:02d}" for number in range(first, last + 1)]


def test_hierarchy_is_consistent() -> None:
    by_code = {i.code: i for i in load_industries()}
    assert len(by_code) == len(load_industries())
    expected_parent_level = {"division": "section", "group": "division", "class": "group"}
    for industry in load_industries():
        if industry.level == "section":
            assert industry.parent is None
            continue
        assert industry.parent is not None
        parent = by_code[industry.parent]
        assert parent.level == expected_parent_level[industry.level]
        if industry.level != "division":
            assert industry.code.startswith(industry.parent)
        assert len(industry.code) == {"division": 2, "group": 3, "class": 4}[industry.level]


def test_names_are_unique_within_a_parent() -> None:
    counts = Counter((i.parent, i.name) for i in load_industries())
    assert [key for key, count in counts.items() if count > 1] == []


@pytest.mark.parametrize(
    ("code", "name", "level", "parent"),
    [
        ("A", "农、林、牧、渔业", "section", None),
        ("D", "电力、热力、燃气及水生产和供应业", "section", None),
        ("01", "农业", "division", "A"),
        ("05", "农、林、牧、渔专业及辅助性活动", "division", "A"),
        ("11", "开采专业及辅助性活动", "division", "B"),
        ("15", "酒、饮料和精制茶制造业", "division", "C"),
        ("44", "电力、热力生产和供应业", "division", "D"),
        ("58", "多式联运和运输代理业", "division", "G"),
        ("59", "装卸搬运和仓储业", "division", "G"),
        ("75", "科技推广和应用服务业", "division", "M"),
        ("79", "土地管理业", "division", "N"),
        ("87", "广播、电视、电影和录音制作业", "division", "R"),
        ("96", "基层群众自治组织及其他组织", "division", "S"),
        ("011", "谷物种植", "group", "01"),
        ("0113", "玉米种植", "class", "011"),
        ("0511", "种子种苗培育活动", "class", "051"),
        ("031", "牲畜饲养", "group", "03"),
        ("0311", "牛的饲养", "class", "031"),
        ("1351", "牲畜屠宰", "class", "135"),
        ("441", "电力生产", "group", "44"),
        ("4415", "风力发电", "class", "441"),
        ("4416", "太阳能发电", "class", "441"),
        ("786", "游览景区管理", "group", "78"),
        ("7861", "名胜风景区管理", "class", "786"),
        ("7010", "房地产开发经营", "class", "701"),
        ("7020", "物业管理", "class", "702"),
        ("6130", "民宿服务", "class", "613"),
    ],
)
def test_lookup_returns_official_entry(code: str, name: str, level: str, parent: str | None) -> None:
    assert industry_by_code(code) == Industry(code=code, name=name, level=level, parent=parent)  # type: ignore[arg-type]


def test_lookup_accepts_section_prefixed_codes_and_unknown_returns_none() -> None:
    assert industry_by_code("A0311") == industry_by_code("0311")
    assert industry_by_code(" d4415 ") == industry_by_code("4415")
    assert industry_by_code("C0311") is None  # wrong section letter
    assert industry_by_code("2611") is None  # valid code, not listed in our data
    assert industry_by_code("99") is None


def test_load_industries_returns_a_fresh_list() -> None:
    first = load_industries()
    first.clear()
    assert len(load_industries()) > 300


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("A", "农、林、牧、渔业"),
        ("01", "农、林、牧、渔业"),
        ("0511", "农、林、牧、渔业"),
        ("B", "工业"),
        ("06", "工业"),
        ("C", "工业"),
        ("1351", "工业"),
        ("C1351", "工业"),
        ("2611", "工业"),  # not listed, resolved through division 26
        ("44", "工业"),
        ("4416", "工业"),
        ("46", "工业"),
        ("E", "建筑业"),
        ("4812", "建筑业"),
        ("51", "批发业"),
        ("5112", "批发业"),
        ("52", "零售业"),
        ("53", "其他未列明行业"),  # 交通运输业（不含铁路运输业）
        ("5311", "其他未列明行业"),
        ("54", "交通运输业"),
        ("5422", "交通运输业"),
        ("58", "交通运输业"),
        ("59", "仓储业"),
        ("60", "邮政业"),
        ("61", "住宿业"),
        ("6130", "住宿业"),
        ("62", "餐饮业"),
        ("63", "信息传输业"),
        ("64", "信息传输业"),  # 信息传输业（包括电信、互联网和相关服务）
        ("65", "软件和信息技术服务业"),
        ("6513", "软件和信息技术服务业"),
        ("7010", "房地产开发经营"),
        ("K7010", "房地产开发经营"),
        ("701", "房地产开发经营"),
        ("7020", "物业管理"),
        ("702", "物业管理"),
        ("7030", "其他未列明行业"),
        ("7040", "其他未列明行业"),
        ("L", "租赁和商务服务业"),
        ("71", "租赁和商务服务业"),
        ("7291", "租赁和商务服务业"),
        ("M", "其他未列明行业"),
        ("78", "其他未列明行业"),
        ("786", "其他未列明行业"),
        ("R", "其他未列明行业"),
        ("90", "其他未列明行业"),
    ],
)
def test_sector_for_industry(code: str, sector: str) -> None:
    assert sector_for_industry(code) == sector


@pytest.mark.parametrize("code", ["70", "K", "G", "F", "H", "I"])
def test_sector_for_broad_code_spanning_sectors_is_refused(code: str) -> None:
    with pytest.raises(AmbiguousIndustryCode, match="范围过宽"):
        sector_for_industry(code)


@pytest.mark.parametrize("code", ["", "X", "99", "0", "01234", "1a", "C0311"])
def test_sector_for_malformed_code_is_refused(code: str) -> None:
    with pytest.raises(UnknownIndustryCode):
        sector_for_industry(code)


def test_every_division_resolves_to_a_sector_except_the_split_ones() -> None:
    split = {"70"}
    for industry in load_industries():
        if industry.level == "division" and industry.code not in split:
            assert sector_for_industry(industry.code) in sme_sector_names()


def test_sector_names_are_exactly_the_thresholds_file_names() -> None:
    with SCALE_FILE.open(encoding="utf-8") as handle:
        scale_sectors = [row["sector"] for row in json.load(handle)["sectors"]]
    assert sme_sector_names() == scale_sectors


def test_characteristic_industry_names_match_the_plan() -> None:
    assert characteristic_industry_names() == ["玉米制种", "肉牛", "特色农产品加工", "新能源", "文化旅游"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0511", "玉米制种"),
        ("A0511", "玉米制种"),
        ("5112", "玉米制种"),
        ("0311", "肉牛"),
        ("0531", "肉牛"),
        ("1351", "肉牛"),
        ("1353", "特色农产品加工"),
        ("1313", "特色农产品加工"),
        ("1515", "特色农产品加工"),
        ("14", "特色农产品加工"),
        ("0514", "特色农产品加工"),
        ("4415", "新能源"),
        ("4416", "新能源"),
        ("3825", "新能源"),
        ("786", "文化旅游"),
        ("7861", "文化旅游"),
        ("6130", "文化旅游"),
        ("7291", "文化旅游"),
        ("0113", None),  # 玉米种植 is grain, not seed production
        ("0314", None),
        ("4411", None),
        ("6210", None),
        ("65", None),
    ],
)
def test_characteristic_industry_for(code: str, expected: str | None) -> None:
    assert characteristic_industry_for(code) == expected


@pytest.mark.parametrize("code", ["13", "135", "05", "A", "441", "44", "78"])
def test_characteristic_industry_for_broad_code_spanning_answers_is_refused(code: str) -> None:
    with pytest.raises(AmbiguousIndustryCode):
        characteristic_industry_for(code)


def test_every_characteristic_code_is_a_listed_industry() -> None:
    from yingshang.enterprises.industries import _document

    for entry in _document()["characteristic_industries"]["industries"]:
        for code in entry["codes"]:
            assert industry_by_code(code) is not None, code
