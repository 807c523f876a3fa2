"""Deterministic demo enterprises for a city (演示数据): valid credit codes, realistic names and figures.

Pure: a seed in, rows out (the same seed always gives the same rows). Counties are weighted by their share
of market entities; industries lean toward the city's five characteristic industries.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from yingshang.enterprises.credit_code import generate_credit_code

# County → relative weight (roughly the share of registered market entities; 甘州区 is the city centre).
COUNTY_WEIGHTS = {"620702": 46, "620721": 4, "620722": 14, "620723": 11, "620724": 12, "620725": 13}

# (industry code, weight, name words, characteristic-industry tag)
INDUSTRY_MIX: list[tuple[str, int, tuple[str, ...], str]] = [
    ("0511", 9, ("种业", "种子", "制种"), "玉米制种"),
    ("5112", 3, ("种子销售", "种业贸易"), "玉米制种"),
    ("0311", 8, ("肉牛养殖", "牧业", "养殖"), "肉牛"),
    ("1351", 2, ("肉类加工", "清真食品"), "肉牛"),
    ("131", 3, ("粮油", "面粉"), "特色农产品加工"),
    ("1371", 3, ("蔬菜加工", "脱水蔬菜"), "特色农产品加工"),
    ("1391", 2, ("淀粉", "食品"), "特色农产品加工"),
    ("1512", 1, ("酒业", "酿造"), "特色农产品加工"),
    ("4415", 2, ("风电", "新能源"), "新能源"),
    ("4416", 3, ("光伏", "光电", "新能源"), "新能源"),
    ("7861", 2, ("景区管理", "丹霞旅游"), "文化旅游"),
    ("6110", 3, ("酒店", "宾馆"), "文化旅游"),
    ("6130", 2, ("民宿", "客栈"), "文化旅游"),
    ("7291", 2, ("旅行社", "文旅"), "文化旅游"),
    ("0113", 4, ("农业", "农业开发"), ""),
    ("52", 9, ("商贸", "超市", "百货"), ""),
    ("51", 4, ("农产品批发", "商贸"), ""),
    ("6210", 7, ("餐饮", "饭庄", "食府"), ""),
    ("47", 5, ("建筑工程", "建设"), ""),
    ("54", 3, ("物流", "运输"), ""),
    ("65", 2, ("信息技术", "软件"), ""),
    ("7010", 2, ("房地产开发", "置业"), ""),
    ("80", 3, ("家政服务", "居民服务"), ""),
    ("30", 1, ("建材", "水泥制品"), ""),
]
NAME_WORDS = ("金禾", "丰源", "祁连", "丹霞", "黑河", "绿洲", "甘泉", "河西", "丝路", "昭武", "巴丹", "润泽", "康源",
              "瑞丰", "天骄", "宏达", "众诚", "兴隆", "鑫盛", "富民", "新源", "和顺", "聚力", "汇通", "博远", "华瑞")
COUNTY_SHORT = {"620702": "甘州区", "620721": "肃南县", "620722": "民乐县", "620723": "临泽县", "620724": "高台县",
                "620725": "山丹县"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


@dataclass(frozen=True)
class DemoEnterprise:
    credit_code: str
    name: str
    entity_type: str
    industry_code: str
    established_on: dt.date
    county_code: str
    zone: str
    address: str
    legal_representative: str
    employees: int
    revenue_10k: float
    assets_10k: float
    capital_10k: float
    above_scale: bool
    foreign_invested: bool
    qualifications: tuple[str, ...]
    tags: tuple[str, ...]


def demo_enterprises(count: int, seed: int, *, today: dt.date, zone_name: str = "张掖经济技术开发区") -> Iterator[DemoEnterprise]:
    """`count` distinct demo enterprises, deterministic for `seed`."""
    rng = random.Random(seed)
    counties = list(COUNTY_WEIGHTS)
    county_weights = list(COUNTY_WEIGHTS.values())
    industry_weights = [w for _, w, _, _ in INDUSTRY_MIX]
    seen_codes: set[str] = set()
    seen_names: set[str] = set()
    produced = 0
    while produced < count:
        county = rng.choices(counties, county_weights)[0]
        code_, _, words, tag = rng.choices(INDUSTRY_MIX, industry_weights)[0]
        # 1. Entity type: mostly companies, some sole traders and cooperatives (farming).
        roll = rng.random()
        if code_.startswith(("01", "03")) and roll < 0.25:
            kind, suffix = "farmer_cooperative", "农民专业合作社"
        elif roll < 0.12 and code_.startswith(("52", "62", "80", "61")):
            kind, suffix = "individual_business", rng.choice(("店", "经营部", "商行"))
        else:
            kind, suffix = "enterprise", rng.choice(("有限公司", "有限责任公司", "股份有限公司"))
        entity_type = {"enterprise": "enterprise", "individual_business": "individual",
                       "farmer_cooperative": "cooperative"}[kind]
        credit_code = generate_credit_code(rng, kind=kind, region_code=county)
        name = f"{'张掖' if rng.random() < 0.5 else COUNTY_SHORT[county]}{rng.choice(NAME_WORDS)}{rng.choice(words)}{suffix}"
        if credit_code in seen_codes:
            continue
        if name in seen_names:
            name = name.replace(suffix, f"{rng.choice(NAME_WORDS)}{suffix}")
            if name in seen_names:
                continue
        seen_codes.add(credit_code)
        seen_names.add(name)
        # 2. Size figures: log-normal-ish; sole traders tiny.
        if entity_type == "individual":
            employees = rng.randint(1, 8)
        else:
            employees = max(1, int(rng.lognormvariate(2.6, 1.1)))
        revenue = round(max(5.0, employees * rng.uniform(8, 60) * (3 if code_.startswith(("44", "47")) else 1)), 2)
        assets = round(revenue * rng.uniform(0.6, 2.5), 2)
        qualifications: list[str] = []
        if entity_type == "enterprise":
            if rng.random() < 0.06:
                qualifications.append("高新技术企业")
            if rng.random() < 0.10:
                qualifications.append("科技型中小企业")
            if rng.random() < 0.03:
                qualifications.append("专精特新中小企业")
            if code_.startswith(("01", "03", "05", "13")) and rng.random() < 0.05:
                qualifications.append("农业产业化重点龙头企业")
        established = today - dt.timedelta(days=rng.randint(30, 365 * 25))
        in_zone = county == "620702" and code_[:2] in ("13", "14", "15", "30", "44") and rng.random() < 0.5
        yield DemoEnterprise(
            credit_code=credit_code, name=name, entity_type=entity_type, industry_code=code_,
            established_on=established, county_code=county, zone=zone_name if in_zone else "",
            address=f"{COUNTY_SHORT[county]}{rng.choice(NAME_WORDS)}路{rng.randint(1, 300)}号",
            legal_representative=rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .6 else ""),
            employees=employees, revenue_10k=revenue, assets_10k=assets,
            capital_10k=float(rng.choice((10, 50, 100, 200, 500, 1000, 3000))),
            above_scale=revenue >= 2000 and entity_type == "enterprise",
            foreign_invested=entity_type == "enterprise" and rng.random() < 0.01,
            qualifications=tuple(qualifications), tags=(tag,) if tag else ())
        produced += 1
