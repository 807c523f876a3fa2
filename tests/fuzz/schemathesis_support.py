"""What every schemathesis module of this folder shares: the hypothesis settings for in-process API fuzzing."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def fuzz_settings(max_examples: int) -> settings:
    """Deterministic examples (the same cases in every CI run), no deadline (a shared 2-core machine), and fixtures
    per test function (the database world is built once per test, not per example)."""
    return settings(max_examples=max_examples, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.filter_too_much])
