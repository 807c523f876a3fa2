"""Zhangye's reference data: regions with GB/T 2260 codes, a department tree per level."""

from django.conf import settings

from yingshang.core.models import Department, Region
from yingshang.core.reference import load_city_reference


def test_regions_loaded_with_codes(db):
    counties = dict(Region.objects.filter(kind="county").values_list("code", "name"))
    assert counties == {"620702": "甘州区", "620721": "肃南裕固族自治县", "620722": "民乐县", "620723": "临泽县",
                        "620724": "高台县", "620725": "山丹县"}
    zone = Region.objects.get(kind="zone")
    assert (zone.name, zone.code, zone.parent.code) == ("张掖经济技术开发区", "620700Z01", "620700")


def test_loading_twice_changes_nothing(db):
    before = (Region.objects.count(), list(Department.objects.values_list("path", "name")))
    load_city_reference(settings.YINGSHANG_CITY_DATA)
    assert (Region.objects.count(), list(Department.objects.values_list("path", "name"))) == before


def test_department_tree_has_city_and_county_counterparts(db):
    city_market = Department.objects.get(function_key="market", region__code="620700")
    assert city_market.name == "张掖市市场监督管理局"
    assert Department.objects.filter(function_key="market", region__kind="county").count() == 6
    names = set(Department.objects.filter(region__code="620700").values_list("short_name", flat=True))
    assert {"市发展改革委", "市市场监管局", "市税务局", "市人社局", "市中级人民法院", "市自然资源局", "市住建局", "市商务局",
            "市科技局", "市营商局", "12345热线中心", "国网张掖供电公司"} <= names


def test_subtree_is_a_prefix_filter(db):
    root = Department.objects.get(name="张掖市人民政府")
    business = Department.objects.get(function_key="business_env", region__code="620700")
    assert set(Department.objects.subtree(business).values_list("function_key", flat=True)) == {
        "business_env", "hotline", "public_resources"}
    assert Department.objects.subtree(root).count() == Department.objects.count()
    county_root = Department.objects.get(name="甘州区人民政府")
    assert county_root.parent == root
    assert all(d.region.code == "620702" for d in Department.objects.subtree(county_root))
