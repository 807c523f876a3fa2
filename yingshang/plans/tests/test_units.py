"""Unit matching (责任单位匹配): plan unit names → departments of Zhangye's tree."""

from __future__ import annotations

import pytest

from yingshang.plans.units import DepartmentRef, match_unit


@pytest.fixture
def refs(db):
    from yingshang.plans.selectors import department_refs

    return department_refs()


def _names(ids, refs):
    by_id = {ref.id: ref for ref in refs}
    return [f"{by_id[i].region_name}/{by_id[i].short_name or by_id[i].name}" for i in ids]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("市市场监管局", ["张掖市/市市场监管局"]),
        ("张掖市市场监督管理局", ["张掖市/市市场监管局"]),
        ("市中级人民法院", ["张掖市/市中级人民法院"]),
        ("市中院", ["张掖市/市中级人民法院"]),
        ("市人力资源和社会保障局", ["张掖市/市人社局"]),
        ("市人社局", ["张掖市/市人社局"]),
        ("发展改革委", ["张掖市/市发展改革委"]),
        ("市营商局", ["张掖市/市营商局"]),
        ("市政务服务中心", ["张掖市/市营商局"]),
        ("国网张掖供电公司", ["张掖市/国网张掖供电公司"]),
        ("张掖市税务局", ["张掖市/市税务局"]),
        ("市12345热线中心", ["张掖市/12345热线中心"]),
        ("甘州区市场监管局", ["甘州区/甘州区市场监管局"]),
        ("临泽县人社局", ["临泽县/临泽县人社局"]),
        ("甘州区人民法院", ["甘州区/甘州区法院"]),
        # Names from before the 2018 mergers, as Guangzhou's 2012 plan writes them.
        ("市工商局", ["张掖市/市市场监管局"]),
        ("市农业局", ["张掖市/市农业农村局"]),
        ("市国土房管局", ["张掖市/市自然资源局"]),
        ("市规划局", ["张掖市/市自然资源局"]),
        ("市住房保障办", ["张掖市/市住建局"]),
        ("市文化广电新闻出版局", ["张掖市/市文旅局"]),
        ("市体育局", ["张掖市/市文旅局"]),
    ],
)
def test_unit_names_match_the_expected_department(refs, unit, expected):
    assert _names(match_unit(unit, refs, city_name="张掖市", default_region_code="620700"), refs) == expected


@pytest.mark.parametrize(
    "unit", ["各县（区）人民政府", "各区、县级市", "各区（县级市）", "各区政府", "各县、区"]
)
def test_all_counties_government_matches_every_county_government(refs, unit):
    ids = match_unit(unit, refs, city_name="张掖市", default_region_code="620700")
    assert sorted(_names(ids, refs)) == sorted(
        [
            "甘州区/甘州区人民政府",
            "肃南裕固族自治县/肃南裕固族自治县人民政府",
            "民乐县/民乐县人民政府",
            "临泽县/临泽县人民政府",
            "高台县/高台县人民政府",
            "山丹县/山丹县人民政府",
        ]
    )


@pytest.mark.parametrize(
    "unit",
    [
        "人民银行张掖市分行",
        "市消防救援支队",
        "河池海关",
        "",
        # 工商联 is a federation, not the market regulator; "各有关" districts are the reviewer's choice.
        "市工商联",
        "各有关区、县级市",
        "各有关单位",
        "市委组织部",
        "越秀区",
    ],
)
def test_units_without_a_department_stay_unmatched(refs, unit):
    assert match_unit(unit, refs, city_name="张掖市", default_region_code="620700") == []


def test_fuzzy_match_needs_enough_overlap():
    refs = [DepartmentRef(1, "某市大数据管理局", "市数据局", "data", "1", "某市", "city")]
    assert match_unit("市大数据局", refs, city_name="某市", default_region_code="1") == [1]
    assert match_unit("市档案馆", refs, city_name="某市", default_region_code="1") == []
