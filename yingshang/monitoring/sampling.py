"""Stratified random sampling of enterprises for satisfaction surveys (pure, reproducible from the seed).

1. Group the pool into strata (county × industry section × size); the pool is sorted by id first so the
   same pool and seed always give the same sample.
2. Allocate the sample proportionally to stratum size (largest remainders), at least one per non-empty
   stratum while the sample size allows.
3. Draw without replacement inside each stratum with `random.Random(seed)`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """One enterprise in the sampling frame (抽样框)."""

    id: int
    stratum: str


def allocate(sizes: dict[str, int], sample_size: int) -> dict[str, int]:
    """Proportional allocation with largest remainders; every stratum gets ≥ 1 when the sample allows."""
    total = sum(sizes.values())
    if total == 0 or sample_size <= 0:
        return {key: 0 for key in sizes}
    sample_size = min(sample_size, total)
    keys = sorted(sizes)
    allocation = {key: 0 for key in keys}
    if sample_size >= len([k for k in keys if sizes[k]]):
        for key in keys:
            if sizes[key]:
                allocation[key] = 1
    remaining = sample_size - sum(allocation.values())
    quotas = {key: remaining * sizes[key] / total for key in keys}
    for key in keys:
        extra = min(int(quotas[key]), sizes[key] - allocation[key])
        allocation[key] += extra
    left = sample_size - sum(allocation.values())
    by_remainder = sorted(keys, key=lambda k: (-(quotas[k] - int(quotas[k])), k))
    while left > 0:
        progressed = False
        for key in by_remainder:
            if left and allocation[key] < sizes[key]:
                allocation[key] += 1
                left -= 1
                progressed = True
        if not progressed:
            break
    return allocation


def stratified_sample(
    pool: Sequence[Unit], *, sample_size: int, seed: int
) -> tuple[list[Unit], dict[str, int]]:
    """The drawn units (sorted by stratum, then id) and the allocation per stratum."""
    strata: dict[str, list[Unit]] = {}
    for unit in sorted(pool, key=lambda u: u.id):
        strata.setdefault(unit.stratum, []).append(unit)
    allocation = allocate({key: len(units) for key, units in strata.items()}, sample_size)
    rng = random.Random(seed)
    drawn: list[Unit] = []
    for key in sorted(strata):
        drawn.extend(sorted(rng.sample(strata[key], allocation[key]), key=lambda u: u.id))
    return drawn, {key: count for key, count in allocation.items() if count}


def wilson_interval(successes: int, total: int, *, z: float = 1.959964) -> tuple[float, float] | None:
    """The Wilson score interval (95% by default) of a proportion, in percent; None for no answers."""
    if total <= 0:
        return None
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * ((p * (1 - p) / total + z * z / (4 * total * total)) ** 0.5) / denominator
    return (100 * max(0.0, centre - half), 100 * min(1.0, centre + half))
