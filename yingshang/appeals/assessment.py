"""综合考评: a monthly comprehensive assessment per department and county from the three rates, with versioned,
published weights (北京接诉即办 style: 响应率 · 解决率 · 满意率), ranked. Pure: counts in, scores and ranks out.

A unit's score = Σ weight × rate × 100 over the rates it has data for, divided by the sum of those weights (so a
unit without ratings yet is scored on what is known, and the missing rates are named). Units that received no
dispatched appeals in the month are listed but not ranked. Equal scores share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from yingshang.appeals import metrics


@dataclass(frozen=True)
class WeightSet:
    """One published version of the weights (权重), effective from a month on."""

    version: str
    effective_from: dt.date
    weights: Mapping[str, float]  # metric key (metrics.FORMULAS) → weight; sums to 1
    basis: str


WEIGHT_SETS: tuple[WeightSet, ...] = (
    WeightSet(
        "SQ-ASSESS-v1（2026-11 发布）",
        dt.date(2025, 1, 1),
        {"response_rate": 0.10, "resolution_rate": 0.45, "satisfaction_rate": 0.45},
        "参照北京市接诉即办“三率”考评：响应率 10%、解决率 45%、满意率 45%（响应率取时效口径）",
    ),
)


def weights_for(month: dt.date, sets: Iterable[WeightSet] = WEIGHT_SETS) -> WeightSet:
    """The version in force for `month` (the latest whose effective_from is not after it)."""
    usable = [s for s in sets if s.effective_from <= month]
    if not usable:
        raise LookupError(f"{month:%Y-%m} 没有生效的考评权重。")
    return max(usable, key=lambda s: s.effective_from)


def check_weights(weights: Mapping[str, float]) -> None:
    """A weight set names known rates, with positive weights summing to 1 (raises ValueError in Chinese)."""
    unknown = set(weights) - set(metrics.FORMULAS_BY_KEY)
    if unknown:
        raise ValueError(f"权重中有未发布的指标：{'、'.join(sorted(unknown))}。")
    if any(w <= 0 for w in weights.values()) or abs(sum(weights.values()) - 1) > 1e-9:
        raise ValueError("各项权重须为正数且合计为 100%。")


@dataclass(frozen=True)
class Score:
    unit: str
    counts: metrics.Counts
    rates: Mapping[str, float | None]
    score: float | None  # 0–100; None when the unit had nothing dispatched
    missing: tuple[str, ...]  # names of rates without data (scored on the others)
    rank: int | None = None


def score(unit: str, counts: metrics.Counts, weights: Mapping[str, float]) -> Score:
    rates = metrics.rates(counts)
    known = {key: w for key, w in weights.items() if rates[key] is not None}
    missing = tuple(metrics.FORMULAS_BY_KEY[key].name for key in weights if key not in known)
    if counts.dispatched == 0 or not known:
        return Score(unit, counts, rates, None, missing)
    total = sum(w * rates[key] for key, w in known.items()) / sum(known.values()) * 100
    return Score(unit, counts, rates, round(total, 2), missing)


def ranked(scores: Iterable[Score]) -> list[Score]:
    """Highest score first with competition ranks; unscored units last, unranked, by name."""
    scores = list(scores)
    scored = sorted((s for s in scores if s.score is not None), key=lambda s: (-s.score, s.unit))
    result: list[Score] = []
    for position, item in enumerate(scored, start=1):
        rank = result[-1].rank if result and result[-1].score == item.score else position
        result.append(Score(item.unit, item.counts, item.rates, item.score, item.missing, rank))
    return result + sorted((s for s in scores if s.score is None), key=lambda s: s.unit)
