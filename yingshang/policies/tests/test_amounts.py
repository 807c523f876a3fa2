"""Chinese amounts and ratios in policy clauses (金额、比例解析)."""

from __future__ import annotations

import pytest

from yingshang.policies.amounts import (
    find_amounts,
    find_ratios,
    max_benefit_amount,
    max_benefit_ratio,
    parse_amount,
    parse_chinese_integer,
)

PARSE_CASES = [
    ("30万元", 300_000),
    ("1.2亿元", 120_000_000),
    ("最高不超过100万元", 1_000_000),
    ("5000元", 5_000),
    ("五十万元", 500_000),
    ("3千万元", 30_000_000),
    ("5亿元", 500_000_000),
    ("一万元", 10_000),
    ("两千元", 2_000),
    ("十万元", 100_000),
    ("一百五十万元", 1_500_000),
    ("0.5万元人民币", 5_000),
    ("1,000元", 1_000),
    ("20 万元", 200_000),
    ("３０万元", 300_000),
    ("1千万以上", 10_000_000),
    ("一千二百万元", 12_000_000),
    ("两亿元", 200_000_000),
    ("1.5亿", 150_000_000),
    ("共5个项目", None),
    ("1万人次", None),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse_amount(text: str, expected: int | None) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("numerals", "expected"),
    [("五十", 50), ("十五", 15), ("一千零五", 1005), ("三万五千", 35_000), ("一亿二千万", 120_000_000)],
)
def test_parse_chinese_integer(numerals: str, expected: int) -> None:
    assert parse_chinese_integer(numerals) == expected


def test_parse_chinese_integer_rejects_other_characters() -> None:
    with pytest.raises(ValueError, match="无法识别"):
        parse_chinese_integer("五十元")


# (clause text, the largest benefit or cap in yuan, or None when every amount is a threshold or fund)
BENEFIT_CASES = [
    ("不超过50万元", 500_000),
    ("每家最高奖励200万元", 2_000_000),
    ("按实际投资额的10%给予补助，最高不超过500万元", 5_000_000),
    ("1000万元以上的项目", None),
    ("贷款利息的50%", None),
    ("给予企业10万元—100万元资金支持", 1_000_000),
    ("每满一万人奖励一万元", 10_000),
    ("单个企业每年补助上限不高于 3 万元", 30_000),
    ("年上缴税金地方经济贡献额达到30万元以上，一次性给予10万元奖励", 100_000),
    ("固定资产投资1000万元及以上且亩均投资强度不低于200 万元的，按固定资产投资的5%—20%给予企业奖励", None),
    ("投资总额达到300万元(含税)以 上〔单台设备5万元(含税)以上〕的，最高奖励不超过50万元", 500_000),
    ("对年销售额在1亿元及以上的，单品种奖励企业200万元", 2_000_000),
    ("县财政每年安排旅游引导资金1000万元", None),
    ("给予非政府方的第一出品方每分钟 1000 元,最高不超过10 万元的奖励", 100_000),
    ("一次性奖励企业200元/亩", 200),
    ("每人给予一次性1000元的求职创业补贴", 1_000),
]


@pytest.mark.parametrize(("text", "expected"), BENEFIT_CASES)
def test_max_benefit_amount(text: str, expected: int | None) -> None:
    mention = max_benefit_amount(text)
    assert (mention.value if mention else None) == expected


def test_threshold_is_recognised_as_a_condition() -> None:
    mentions = find_amounts("1000万元以上的项目")
    assert [(mention.value, mention.role) for mention in mentions] == [(10_000_000, "threshold")]


def test_amount_offsets_point_into_the_original_text_with_spaces() -> None:
    text = "给予企业20 万元奖励"
    (mention,) = find_amounts(text)
    assert text[mention.start : mention.end] == "20 万元"
    assert mention.role == "benefit"


def test_per_unit_amount_keeps_its_unit() -> None:
    (mention,) = find_amounts("给予5元/人/夜的奖励")
    assert (mention.value, mention.per_unit) == (5, "人")


RATIO_CASES = [
    ("按实际投资额的10%给予补助", 0.1),
    ("给予30%的贴息", 0.3),
    ("贷款利息的50%", 0.5),
    ("前三年给予80%的奖励，后两年给予50%的奖励", 0.8),
    ("给予企业超出额0.5%的奖励", 0.005),
    ("按其为就业困难人员缴纳的失业保险费给予全额补贴", 1.0),
    ("基本生活费按当地最低工资标准的2/3给予补贴", 0.6667),
    ("对见习期满留用率50%以下（含50%）的见习单位", None),
    ("用人单位缴费费率为0.5%", None),
    ("研发费用占比不低于3%的企业给予奖励", None),
    ("根据项目年度地方财政贡献按50%比例进行分配", None),
    ("按固定资产投资的5%—20%给予企业奖励", 0.2),
]


@pytest.mark.parametrize(("text", "expected"), RATIO_CASES)
def test_max_benefit_ratio(text: str, expected: float | None) -> None:
    mention = max_benefit_ratio(text)
    if expected is None:
        assert mention is None
    else:
        assert mention is not None
        assert mention.value == pytest.approx(expected, abs=1e-4)


def test_ratio_offsets_cover_the_percentage() -> None:
    text = "按实际投资额的10%给予补助"
    (mention,) = find_ratios(text)
    assert text[mention.start : mention.end] == "10%"
