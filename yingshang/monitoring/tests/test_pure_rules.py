"""Pure rules besides scoring: weights, value validation, sampling and the Wilson interval, periods."""

from decimal import Decimal

import pytest

from yingshang.core.errors import BusinessRuleError
from yingshang.monitoring import periods, sampling
from yingshang.monitoring.validation import IndicatorRule, RowInput, validate_row
from yingshang.monitoring.weights import equal_split, validate_weights

TREE = {
    "dimensions": ["a", "b"],
    "topics_by_dimension": {"a": ["t1", "t2"], "b": ["t3"]},
    "indicators_by_topic": {"t1": ["i1", "i2"], "t2": ["i3"], "t3": ["i4"]},
}
NAMES = {"a": "市场化", "b": "法治化", "t1": "开办企业", "t2": "纳税", "t3": "办理破产", "i1": "开办时间"}


def good_weights():
    return {
        "dimension": {"a": 40, "b": 60},
        "topic": {"t1": 50, "t2": 50, "t3": 100},
        "indicator": {"i1": 30, "i2": 70, "i3": 100, "i4": 100},
    }


def test_equal_split_sums_to_exactly_100():
    assert equal_split(["x", "y", "z"]) == {"x": 33.33, "y": 33.33, "z": 33.34}
    assert sum(equal_split(list("abcdefg")).values()) == pytest.approx(100)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda w: None, []),
        (lambda w: w["dimension"].update(b=50), ["“便利度指数”下各项权重合计为 90，应为 100。"]),
        (lambda w: w["indicator"].update(i1="三十"), ["“开办时间”的权重“三十”不是数字。"]),
        (lambda w: w["indicator"].update(i1=-30, i2=130), ["“开办时间”的权重不能为负数。"]),
        (lambda w: w["topic"].pop("t3"), ["“办理破产”缺少权重。"]),
    ],
)
def test_weights_must_add_up_per_group(change, expected):
    weights = good_weights()
    change(weights)
    assert validate_weights(weights, names=NAMES, **TREE) == expected


RULE = IndicatorRule(
    code="rate", name="网上立案率", unit="%", min_value=Decimal(0), max_value=Decimal(100), jump_ratio=0.5
)
DAYS = IndicatorRule(
    code="days",
    name="企业开办时间",
    unit="工作日",
    min_value=Decimal(0),
    max_value=Decimal(60),
    jump_ratio=0.5,
)


@pytest.mark.parametrize(
    ("row", "rule", "previous", "value", "no_data", "errors"),
    [
        (RowInput("第 2 行", "76.5"), RULE, None, Decimal("76.5"), False, ()),
        (RowInput("第 2 行", 76.5), RULE, None, Decimal("76.5"), False, ()),
        (RowInput("第 2 行", "76.5%"), RULE, None, Decimal("76.5"), False, ()),
        (
            RowInput("第 2 行", "七十六"),
            RULE,
            None,
            None,
            False,
            ("第 2 行“网上立案率”：“七十六”不是数字。",),
        ),
        (
            RowInput("第 3 行", "101"),
            RULE,
            None,
            None,
            False,
            ("第 3 行“网上立案率”：百分比不能超过 100（填写为 101）。",),
        ),
        (
            RowInput("第 3 行", "-1"),
            RULE,
            None,
            None,
            False,
            ("第 3 行“网上立案率”：-1 低于允许的最小值 0%。",),
        ),
        (
            RowInput("第 4 行", "3", unit="天"),
            DAYS,
            None,
            None,
            False,
            ("第 4 行“企业开办时间”：单位应为“工作日”，文件中为“天”。",),
        ),
        (
            RowInput("第 5 行", ""),
            RULE,
            None,
            None,
            False,
            ("第 5 行“网上立案率”：数值为空；没有数据请标记“无数据”并说明原因，不要填 0。",),
        ),
        (
            RowInput("第 6 行", "", raw_no_data="是", note="系统升级，本月无法统计"),
            RULE,
            None,
            None,
            True,
            (),
        ),
        (RowInput("第 6 行", "无数据", note="系统升级"), RULE, None, None, True, ()),
        (
            RowInput("第 6 行", "", raw_no_data="是"),
            RULE,
            None,
            None,
            True,
            ("第 6 行“网上立案率”：标记为“无数据”时必须在“说明”中写明原因。",),
        ),
        (
            RowInput("第 7 行", "30"),
            RULE,
            Decimal("70"),
            None,
            False,
            ("第 7 行“网上立案率”：与上期（70%）相比变化 57%，超过 50%，请在“说明”中写明原因。",),
        ),
        (RowInput("第 7 行", "30", note="统计口径调整"), RULE, Decimal("70"), Decimal("30"), False, ()),
        (RowInput("第 8 行", "40"), RULE, Decimal("70"), Decimal("40"), False, ()),
    ],
)
def test_validate_row(row, rule, previous, value, no_data, errors):
    result = validate_row(row, rule, previous=previous)
    assert (result.value, result.no_data, result.errors) == (value, no_data, errors)


def test_stratified_sample_is_reproducible_and_proportional():
    pool = [
        sampling.Unit(id=n, stratum="甘州区|A|small" if n < 60 else "临泽县|C|medium") for n in range(100)
    ]
    first, allocation = sampling.stratified_sample(pool, sample_size=10, seed=42)
    second, _ = sampling.stratified_sample(list(reversed(pool)), sample_size=10, seed=42)
    assert allocation == {"甘州区|A|small": 6, "临泽县|C|medium": 4}
    assert [u.id for u in first] == [u.id for u in second]
    other, _ = sampling.stratified_sample(pool, sample_size=10, seed=43)
    assert [u.id for u in other] != [u.id for u in first]


@pytest.mark.parametrize(
    ("sizes", "n", "expected"),
    [
        ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),
        ({"a": 98, "b": 1, "c": 1}, 3, {"a": 1, "b": 1, "c": 1}),  # every stratum represented
        ({"a": 2, "b": 1}, 10, {"a": 2, "b": 1}),  # cannot draw more than the pool
        ({"a": 0, "b": 5}, 2, {"a": 0, "b": 2}),
    ],
)
def test_allocation(sizes, n, expected):
    assert sampling.allocate(sizes, n) == expected


@pytest.mark.parametrize(
    ("successes", "total", "expected"),
    [
        (45, 50, (78.64, 95.65)),
        (0, 10, (0.0, 27.75)),
        (10, 10, (72.25, 100.0)),
    ],
)
def test_wilson_interval(successes, total, expected):
    low, high = sampling.wilson_interval(successes, total)
    assert (round(low, 2), round(high, 2)) == expected
    assert sampling.wilson_interval(0, 0) is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [("2025-03", True), ("2025-13", False), ("25-03", False), ("", False), ("2025年3月", False)],
)
def test_parse_period(text, ok):
    if ok:
        assert periods.parse_period(text) == (2025, 3)
    else:
        with pytest.raises(BusinessRuleError, match="格式不正确"):
            periods.parse_period(text)


def test_period_helpers():
    assert periods.shift("2025-01", -1) == "2024-12"
    assert periods.months_between("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert [periods.is_due("quarterly", f"2025-{m:02d}") for m in (2, 3)] == [False, True]
    assert periods.is_due("annual", "2025-12") and not periods.is_due("annual", "2025-11")
