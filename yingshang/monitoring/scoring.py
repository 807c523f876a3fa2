"""Scoring rules of the 便利度指数 (pure: no ORM, no clock).

Methods (see docs in the catalogue and /monitoring/ 方法说明):
- Indicator score, distance to frontier (World Bank DTF): higher-is-better `(y − worst)/(best − worst)`,
  lower-is-better `(worst − y)/(worst − best)`, times 100, clamped to 0–100. `best`/`worst` are frozen per plan
  year (versioned parameters). A value of "no data" has no score (never 0).
- First-level indicator (topic), dimension and index: weighted means `Σ wᵢsᵢ / Σ wᵢ` over the members that
  have a score, so missing data neither counts as zero nor shifts weight silently to zero; a group with no
  scored member has no score.
- Rank: dense rank of the index among counties, best first; ties share a rank; no score → no rank.
- Tier: the first band (ordered by descending minimum) whose minimum the score reaches.
- Projection to year end: level indicators — least-squares linear trend on (month, value) of the months so far,
  evaluated at month 12 (one month of data: that value); cumulative (year-to-date) indicators — run rate,
  `ytd × 12 / months elapsed`.
- Track status against a target: 已达标 (current and forecast meet it), 预计可完成 (forecast meets it),
  有风险 (forecast misses by at most the tolerance, or the current value meets it but the forecast does not),
  预计难以完成 (otherwise).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

HIGHER = "higher"
LOWER = "lower"

MET = "met"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"


@dataclass(frozen=True)
class TargetSpec:
    """A plan target in plain numbers: comparator ">=", "<=", "=", "range"; value or low/high."""

    comparator: str
    value: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Band:
    """A tier band (档次): scores at or above `min_score` belong to it, unless a higher band takes them."""

    code: str
    name: str
    min_score: float


def indicator_score(value: float | None, *, best: float, worst: float, direction: str) -> float | None:
    """Distance-to-frontier score 0–100 of one value; None for no data or a degenerate best == worst."""
    if value is None or best == worst:
        return None
    raw = (worst - value) / (worst - best) if direction == LOWER else (value - worst) / (best - worst)
    return 100.0 * min(1.0, max(0.0, raw))


def weighted_mean(items: Iterable[tuple[float | None, float]]) -> float | None:
    """Σ w·s / Σ w over the items whose score is not None; None if there are none (or all weights are 0)."""
    numerator = denominator = 0.0
    for score, weight in items:
        if score is None:
            continue
        numerator += weight * score
        denominator += weight
    return numerator / denominator if denominator else None


def dense_rank(scores: Mapping[str, float | None], *, ndigits: int = 6) -> dict[str, int | None]:
    """Dense rank (1 = best) of scores rounded to `ndigits`; equal scores share a rank; None has no rank."""
    distinct = sorted({round(s, ndigits) for s in scores.values() if s is not None}, reverse=True)
    position = {score: index + 1 for index, score in enumerate(distinct)}
    return {key: (None if s is None else position[round(s, ndigits)]) for key, s in scores.items()}


def tier_for(score: float | None, bands: Sequence[Band]) -> Band | None:
    """The band a score falls in (bands checked from the highest minimum down)."""
    if score is None:
        return None
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if score >= band.min_score:
            return band
    return None


def meets_target(value: float | None, target: TargetSpec, *, direction: str) -> bool | None:
    """Whether a value meets a target; None for no data.

    ">=" and "<=" as written; "=" (a plan value stated without a direction, e.g. 达到225家) is read in the
    indicator's good direction; a range (力争 10%–15%) is met once its near end is reached.
    """
    if value is None:
        return None
    comparator = target.comparator
    if comparator == "range":
        threshold = target.low if direction == HIGHER else target.high
        return value >= threshold if direction == HIGHER else value <= threshold
    if comparator == "=":
        comparator = ">=" if direction == HIGHER else "<="
    if comparator == ">=":
        return value >= target.value
    return value <= target.value


def target_threshold(target: TargetSpec, *, direction: str) -> float:
    """The single number a value must reach for `meets_target`."""
    if target.comparator == "range":
        return target.low if direction == HIGHER else target.high
    return target.value


def project_year_end(points: Sequence[tuple[int, float]], *, cumulative: bool) -> float | None:
    """Year-end forecast from (month 1–12, value) points of the current year (method in the module docstring)."""
    if not points:
        return None
    points = sorted(points)
    last_month, last_value = points[-1]
    if cumulative:
        return last_value * 12 / last_month
    if len(points) == 1:
        return last_value
    months = np.array([m for m, _ in points], dtype=float)
    values = np.array([v for _, v in points], dtype=float)
    if np.ptp(months) == 0:
        return float(values.mean())
    slope, intercept = np.polyfit(months, values, 1)
    return float(slope * 12 + intercept)


def track_status(
    current: float | None, forecast: float | None, target: TargetSpec, *, direction: str, tolerance: float
) -> str:
    """已达标 / 预计可完成 / 有风险 / 预计难以完成 / 无数据 for one target (rules in the module docstring)."""
    if current is None or forecast is None:
        return NO_DATA
    current_meets = meets_target(current, target, direction=direction)
    forecast_meets = meets_target(forecast, target, direction=direction)
    if current_meets and forecast_meets:
        return MET
    if forecast_meets:
        return ON_TRACK
    threshold = target_threshold(target, direction=direction)
    gap = threshold - forecast if direction == HIGHER else forecast - threshold
    if current_meets or gap <= tolerance:
        return AT_RISK
    return OFF_TRACK


# -- the whole index at once --------------------------------------------------------------------------


@dataclass(frozen=True)
class Structure:
    """The catalogue tree as index arrays: indicator → topic → dimension, with weights (any scale)."""

    indicator_topic: np.ndarray  # (I,) topic index of each indicator
    topic_dimension: np.ndarray  # (T,) dimension index of each topic
    indicator_weight: np.ndarray  # (I,)
    topic_weight: np.ndarray  # (T,)
    dimension_weight: np.ndarray  # (D,)

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.indicator_topic), len(self.topic_dimension), len(self.dimension_weight)


@dataclass(frozen=True)
class IndexResult:
    """Scores for every region × period (NaN = no score); ranks 0 = no rank."""

    indicator: np.ndarray  # (R, I, P)
    topic: np.ndarray  # (R, T, P)
    dimension: np.ndarray  # (R, D, P)
    index: np.ndarray  # (R, P)
    rank: np.ndarray  # (R, P) dense rank among the ranked regions, 0 if none


def score_matrix(values: np.ndarray, best: np.ndarray, worst: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """Vectorised `indicator_score`: values (R, I, P) with NaN for no data; best/worst (I, P); higher (I,)."""
    span = np.where(higher[:, None], best - worst, worst - best)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = np.where(higher[None, :, None], values - worst[None], worst[None] - values) / span[None]
    raw = np.where(span[None] == 0, np.nan, raw)
    return 100.0 * np.clip(raw, 0.0, 1.0)


def _group_mean(scores: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Weighted mean over axis 1 into groups: scores (R, N, P), membership (N, G) weights → (R, G, P)."""
    present = ~np.isnan(scores)
    filled = np.where(present, scores, 0.0)
    numerator = np.einsum("rnp,ng->rgp", filled, membership)
    denominator = np.einsum("rnp,ng->rgp", present.astype(float), membership)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def compute_all(
    values: np.ndarray,
    best: np.ndarray,
    worst: np.ndarray,
    higher: np.ndarray,
    structure: Structure,
    *,
    ranked: np.ndarray,
    ndigits: int = 6,
) -> IndexResult:
    """Every indicator, topic, dimension and index score, and county ranks, for all regions and periods.

    1. Indicator scores by `score_matrix`.
    2. Topic, dimension and index scores as weighted means over the scored members (`_group_mean`).
    3. Dense ranks per period among the regions flagged in `ranked` (R,) — the counties.
    """
    indicator_count, topic_count, dimension_count = structure.shape
    indicator_scores = score_matrix(values, best, worst, higher)
    to_topic = np.zeros((indicator_count, topic_count))
    to_topic[np.arange(indicator_count), structure.indicator_topic] = structure.indicator_weight
    topic_scores = _group_mean(indicator_scores, to_topic)
    to_dimension = np.zeros((topic_count, dimension_count))
    to_dimension[np.arange(topic_count), structure.topic_dimension] = structure.topic_weight
    dimension_scores = _group_mean(topic_scores, to_dimension)
    index = _group_mean(dimension_scores, structure.dimension_weight[:, None])[:, 0, :]
    rank = np.zeros(index.shape, dtype=int)
    rounded = np.round(index, ndigits)
    for period in range(index.shape[1]):
        column = rounded[ranked, period]
        distinct = np.unique(column[~np.isnan(column)])[::-1]
        positions = np.searchsorted(-distinct, -column) + 1
        rank[ranked, period] = np.where(np.isnan(column), 0, positions)
    return IndexResult(indicator_scores, topic_scores, dimension_scores, index, rank)
