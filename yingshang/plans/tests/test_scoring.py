"""Assessment scoring (考核评分) table tests."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from yingshang.plans.scoring import completion, ratio, score, target_met


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], "1"),
        ([(D(50), D(50))], "1"),
        ([(D(60), D(50))], "1"),  # ahead of schedule counts 1, not more
        ([(D(25), D(50)), (D(50), D(50))], "0.75"),
        ([(D(0), D(0))], "1"),  # not expected to have started yet
        ([(D(10), D(30))], "0.3333"),
    ],
)
def test_completion(pairs, expected):
    assert completion(pairs) == D(expected)


@pytest.mark.parametrize(
    ("comparator", "value", "low", "high", "actual", "met"),
    [
        (">=", D(90), None, None, D(90), True),
        (">=", D(90), None, None, D("89.9"), False),
        ("<=", D(5), None, None, D(5), True),
        ("<=", D(5), None, None, D(6), False),
        ("=", D(225), None, None, D(230), True),
        ("range", None, D(10), D(15), D(12), True),
        ("range", None, D(10), D(15), D(9), False),
    ],
)
def test_target_met(comparator, value, low, high, actual, met):
    assert target_met(comparator=comparator, value=value, low=low, high=high, actual=actual) is met


@pytest.mark.parametrize(
    ("c", "t", "a", "total"),
    [
        ("1", "1", "1", "100.00"),
        ("0.8", "0.5", "0.5", "65.00"),  # 100 × (0.4 + 0.15 + 0.1)
        ("0.8", "0.5", None, "68.75"),  # 100 × (0.4 + 0.15) / 0.8
        ("0", "0", "0", "0.00"),
    ],
)
def test_score(c, t, a, total):
    result = score(completion_rate=D(c), timeliness_rate=D(t), attainment_rate=None if a is None else D(a))
    assert result.total == D(total)


def test_ratio_of_nothing_due_is_one():
    assert (ratio(0, 0), ratio(2, 3)) == (D(1), D("0.6667"))
