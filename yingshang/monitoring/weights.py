"""Index weights (权重): defaults and validation (pure).

A weight set is `{"dimension": {code: w}, "topic": {code: w}, "indicator": {code: w}}`; within each parent
(the index, a dimension, a first-level indicator) the weights are percentages that must add up to 100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

TOLERANCE = 0.01


def equal_split(codes: Sequence[str]) -> dict[str, float]:
    """Equal percentages with two decimals, the last one taking the rounding remainder (sum is exactly 100)."""
    if not codes:
        return {}
    share = round(100 / len(codes), 2)
    weights = {code: share for code in codes}
    weights[codes[-1]] = round(100 - share * (len(codes) - 1), 2)
    return weights


def default_weights(
    *,
    dimensions: Mapping[str, float],
    topics_by_dimension: Mapping[str, Sequence[str]],
    indicators_by_topic: Mapping[str, Sequence[str]],
) -> dict[str, dict[str, float]]:
    """Catalogue dimension weights, equal topic weights per dimension, equal indicator weights per topic."""
    topic_weights: dict[str, float] = {}
    for codes in topics_by_dimension.values():
        topic_weights.update(equal_split(list(codes)))
    indicator_weights: dict[str, float] = {}
    for codes in indicators_by_topic.values():
        indicator_weights.update(equal_split(list(codes)))
    return {"dimension": dict(dimensions), "topic": topic_weights, "indicator": indicator_weights}


def validate_weights(
    weights: Mapping[str, Mapping[str, object]],
    *,
    names: Mapping[str, str],
    dimensions: Sequence[str],
    topics_by_dimension: Mapping[str, Sequence[str]],
    indicators_by_topic: Mapping[str, Sequence[str]],
) -> list[str]:
    """Chinese error messages (empty when valid): every weight a number ≥ 0, each group adding up to 100."""
    errors: list[str] = []
    groups = [("dimension", "便利度指数", list(dimensions))]
    groups += [("topic", names.get(code, code), list(codes)) for code, codes in topics_by_dimension.items()]
    groups += [
        ("indicator", names.get(code, code), list(codes)) for code, codes in indicators_by_topic.items()
    ]
    for level, parent, codes in groups:
        if not codes:
            continue
        level_weights = weights.get(level, {}) or {}
        total = 0.0
        valid = True
        for code in codes:
            raw = level_weights.get(code)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                errors.append(f"“{names.get(code, code)}”缺少权重。")
                valid = False
                continue
            try:
                number = float(raw)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                errors.append(f"“{names.get(code, code)}”的权重“{raw}”不是数字。")
                valid = False
                continue
            if math.isnan(number) or number < 0:
                errors.append(f"“{names.get(code, code)}”的权重不能为负数。")
                valid = False
                continue
            total += number
        if valid and abs(total - 100) > TOLERANCE:
            errors.append(f"“{parent}”下各项权重合计为 {total:g}，应为 100。")
    return errors
