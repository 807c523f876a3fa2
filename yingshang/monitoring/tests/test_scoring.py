"""Pure scoring rules, table-driven: DTF scores, weighted means, ranks, tiers, targets, projections."""

import math

import numpy as np
import pytest

from yingshang.monitoring import scoring
from yingshang.monitoring.scoring import Band, TargetSpec


@pytest.mark.parametrize(
    ("value", "best", "worst", "direction", "expected"),
    [
        (50, 100, 0, "higher", 50.0),
        (100, 100, 0, "higher", 100.0),
        (120, 100, 0, "higher", 100.0),  # better than best: clamped
        (-5, 100, 0, "higher", 0.0),  # worse than worst: clamped
        (92, 99, 80, "higher", 100 * 12 / 19),
        (5, 5, 15, "lower", 100.0),  # lower-is-better at the frontier
        (10, 5, 15, "lower", 50.0),
        (15, 5, 15, "lower", 0.0),
        (3, 5, 15, "lower", 100.0),
        (30, 5, 15, "lower", 0.0),
        (None, 100, 0, "higher", None),  # no data has no score, never zero
        (50, 50, 50, "higher", None),  # degenerate parameters
    ],
)
def test_indicator_score_is_distance_to_frontier_clamped(value, best, worst, direction, expected):
    result = scoring.indicator_score(value, best=best, worst=worst, direction=direction)
    assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([(80, 1), (60, 1)], 70.0),
        ([(80, 3), (60, 1)], 75.0),
        ([(80, 1), (None, 1)], 80.0),  # missing member excluded, weights renormalised
        ([(None, 1), (None, 2)], None),
        ([], None),
        ([(50, 0), (70, 0)], None),
    ],
)
def test_weighted_mean_skips_members_without_score(items, expected):
    assert scoring.weighted_mean(items) == expected


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"a": 90, "b": 80, "c": 70}, {"a": 1, "b": 2, "c": 3}),
        ({"a": 90, "b": 90, "c": 70}, {"a": 1, "b": 1, "c": 2}),  # ties share a rank, next rank is dense
        ({"a": None, "b": 80}, {"a": None, "b": 1}),
        ({"a": 85.0000001, "b": 85.0}, {"a": 1, "b": 1}),  # equal after rounding
    ],
)
def test_dense_rank(scores, expected):
    assert scoring.dense_rank(scores) == expected


BANDS = [
    Band("national_leading", "全国靠前", 90),
    Band("western_leading", "西部领先", 80),
    Band("needs_improvement", "待提升", 0),
]


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (95, "全国靠前"),
        (90, "全国靠前"),
        (89.99, "西部领先"),
        (80, "西部领先"),
        (10, "待提升"),
        (None, None),
    ],
)
def test_tier_bands(score, expected):
    band = scoring.tier_for(score, BANDS)
    assert (band.name if band else None) == expected


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (99, TargetSpec(">=", 99), "higher", True),
        (98.9, TargetSpec(">=", 99), "higher", False),
        (5, TargetSpec("<=", 5), "lower", True),
        (5.5, TargetSpec("<=", 5), "lower", False),
        (230, TargetSpec("=", 225), "higher", True),  # 达到225家 read as at least
        (62, TargetSpec("=", 60), "lower", False),  # 平均结案时间 60 天 read as at most
        (10, TargetSpec("range", None, 10, 15), "higher", True),  # 10%–15%: met at the near end
        (9.9, TargetSpec("range", None, 10, 15), "higher", False),
        (None, TargetSpec(">=", 99), "higher", None),
    ],
)
def test_meets_target(value, target, direction, expected):
    assert scoring.meets_target(value, target, direction=direction) is expected


@pytest.mark.parametrize(
    ("points", "cumulative", "expected"),
    [
        ([], False, None),
        ([(3, 80.0)], False, 80.0),
        ([(1, 80.0), (2, 82.0), (3, 84.0)], False, 102.0),  # +2 a month → 80 + 2·11
        ([(1, 90.0), (2, 90.0)], False, 90.0),
        ([(3, 90.0), (6, 120.0)], True, 240.0),  # year to date 120 by June → 240 by December
        ([(12, 300.0)], True, 300.0),
    ],
)
def test_project_year_end(points, cumulative, expected):
    result = scoring.project_year_end(points, cumulative=cumulative)
    assert result == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("current", "forecast", "target", "direction", "tolerance", "expected"),
    [
        (99.5, 99.6, TargetSpec(">=", 99), "higher", 2, scoring.MET),
        (97, 99.5, TargetSpec(">=", 99), "higher", 2, scoring.ON_TRACK),
        (96, 97.5, TargetSpec(">=", 99), "higher", 2, scoring.AT_RISK),
        (99.2, 98.0, TargetSpec(">=", 99), "higher", 0.5, scoring.AT_RISK),  # meets now, trend falls below
        (90, 92, TargetSpec(">=", 99), "higher", 2, scoring.OFF_TRACK),
        (7, 6, TargetSpec("<=", 5), "lower", 1, scoring.AT_RISK),
        (9, 8, TargetSpec("<=", 5), "lower", 1, scoring.OFF_TRACK),
        (None, None, TargetSpec(">=", 99), "higher", 1, scoring.NO_DATA),
    ],
)
def test_track_status(current, forecast, target, direction, tolerance, expected):
    assert (
        scoring.track_status(current, forecast, target, direction=direction, tolerance=tolerance) == expected
    )


def test_compute_all_matches_the_scalar_rules_value_by_value():
    rng = np.random.default_rng(7)
    regions, indicators, periods = 4, 6, 3
    values = rng.uniform(0, 120, size=(regions, indicators, periods))
    values[1, 2, 0] = np.nan  # no data
    values[2, :, 1] = np.nan  # a region with nothing in one period
    best = np.tile(np.array([[100.0], [5.0], [90.0], [10.0], [100.0], [60.0]]), (1, periods))
    worst = np.tile(np.array([[0.0], [50.0], [20.0], [100.0], [40.0], [0.0]]), (1, periods))
    higher = np.array([True, False, True, False, True, True])
    structure = scoring.Structure(
        indicator_topic=np.array([0, 0, 1, 1, 2, 2]),
        topic_dimension=np.array([0, 0, 1]),
        indicator_weight=np.array([1.0, 3.0, 1.0, 1.0, 2.0, 2.0]),
        topic_weight=np.array([50.0, 50.0, 100.0]),
        dimension_weight=np.array([40.0, 60.0]),
    )
    ranked = np.array([False, True, True, True])
    result = scoring.compute_all(values, best, worst, higher, structure, ranked=ranked)

    for r in range(regions):
        for p in range(periods):
            scores = [
                scoring.indicator_score(
                    None if math.isnan(values[r, i, p]) else values[r, i, p],
                    best=best[i, p],
                    worst=worst[i, p],
                    direction="higher" if higher[i] else "lower",
                )
                for i in range(indicators)
            ]
            topics = [
                scoring.weighted_mean(
                    [
                        (scores[i], structure.indicator_weight[i])
                        for i in range(indicators)
                        if structure.indicator_topic[i] == t
                    ]
                )
                for t in range(3)
            ]
            dimensions = [
                scoring.weighted_mean(
                    [
                        (topics[t], structure.topic_weight[t])
                        for t in range(3)
                        if structure.topic_dimension[t] == d
                    ]
                )
                for d in range(2)
            ]
            index = scoring.weighted_mean([(dimensions[d], structure.dimension_weight[d]) for d in range(2)])
            for i in range(indicators):
                expected = np.nan if scores[i] is None else scores[i]
                np.testing.assert_allclose(result.indicator[r, i, p], expected)
            np.testing.assert_allclose(result.index[r, p], np.nan if index is None else index)
    for p in range(periods):
        expected_ranks = scoring.dense_rank(
            {
                str(r): (None if np.isnan(result.index[r, p]) else result.index[r, p])
                for r in range(1, regions)
            }
        )
        assert [result.rank[r, p] or None for r in range(1, regions)] == [
            expected_ranks[str(r)] for r in range(1, regions)
        ]
    assert result.rank[0].tolist() == [0, 0, 0]  # the city is not ranked among counties
    assert math.isnan(result.index[2, 1])
