"""Demo enterprises are deterministic for a seed and all valid."""

import datetime as dt

from yingshang.enterprises.credit_code import validate_credit_code
from yingshang.enterprises.demo import demo_enterprises


def test_same_seed_same_rows_and_valid_codes():
    first = list(demo_enterprises(300, 5, today=dt.date(2025, 1, 1)))
    second = list(demo_enterprises(300, 5, today=dt.date(2025, 1, 1)))
    assert first == second
    assert len({e.credit_code for e in first}) == 300
    for e in first:
        validate_credit_code(e.credit_code)
    share_ganzhou = sum(e.county_code == "620702" for e in first) / 300
    share_characteristic = sum(bool(e.tags) for e in first) / 300
    assert 0.35 < share_ganzhou < 0.6
    assert share_characteristic > 0.4


def test_seed_demo_command_is_idempotent(db):
    from django.core.management import call_command

    from yingshang.enterprises.models import Enterprise

    call_command("seed_demo", enterprises=50, seed=3)
    call_command("seed_demo", enterprises=50, seed=3)
    assert Enterprise.objects.count() == 50
