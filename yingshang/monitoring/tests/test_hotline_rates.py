"""12345 涉企问题处办率 / 办件满意率: enterprise appeals only, by county, with the counts in the provenance."""

import datetime as dt
from decimal import Decimal

import pytest

from yingshang.appeals.selectors import enterprise_hotline_rates
from yingshang.core.models import Region
from yingshang.monitoring import computed, services
from yingshang.monitoring.models import IndicatorValue

from .conftest import at

pytestmark = pytest.mark.django_db


def _appeal(
    number: int,
    *,
    requester: str,
    region_code: str,
    status: str,
    dispatched: bool = True,
    rating: int | None = None,
    month: tuple[int, int] = (2026, 9),
):
    from yingshang.appeals.models import Appeal, AppealCategory

    category, _ = AppealCategory.objects.get_or_create(
        code="T01", defaults={"name": "测试类别", "function_key": "market"}
    )
    received = at(month[0], month[1], 3)
    return Appeal.objects.create(
        tracking_number=f"T{number:06d}",
        token=f"token-{number}",
        channel="hotline_12345",
        requester_type=requester,
        category=category,
        kind="help",
        title=f"诉求 {number}",
        description="测试",
        received_at=received,
        month=dt.date(month[0], month[1], 1),
        region=Region.objects.get(code=region_code),
        status=status,
        dispatched_at=received if dispatched else None,
        rating_level=rating,
    )


@pytest.fixture
def mixed_appeals(db):
    # 甘州区, enterprises: 4 dispatched, 3 answered (2 closed, 1 replied), ratings 5, 3, 1.
    _appeal(1, requester="enterprise", region_code="620702", status="closed", rating=5)
    _appeal(2, requester="enterprise", region_code="620702", status="closed", rating=3)
    _appeal(3, requester="enterprise", region_code="620702", status="replied", rating=1)
    _appeal(4, requester="enterprise", region_code="620702", status="handling")
    _appeal(5, requester="enterprise", region_code="620702", status="received", dispatched=False)
    # 甘州区, individuals: all answered and very satisfied — must not lift the enterprise rates.
    for number in range(6, 12):
        _appeal(number, requester="individual", region_code="620702", status="closed", rating=5)
    # 临泽县, enterprises: 1 dispatched, not answered; another month's appeal does not count.
    _appeal(12, requester="enterprise", region_code="620723", status="handling")
    _appeal(13, requester="enterprise", region_code="620723", status="closed", rating=5, month=(2026, 8))


def test_rates_count_enterprise_appeals_only(mixed_appeals):
    gz = enterprise_hotline_rates(Region.objects.get(code="620702"), dt.date(2026, 9, 1))
    assert (gz.dispatched, gz.replied, gz.rated, gz.satisfied) == (4, 3, 3, 2)
    assert (gz.individual_dispatched, gz.individual_rated) == (6, 6)
    assert (gz.handling_rate, gz.satisfaction_rate) == (Decimal("75.00"), Decimal("66.67"))
    lz = enterprise_hotline_rates(Region.objects.get(code="620723"), dt.date(2026, 9, 15))
    assert (lz.dispatched, lz.replied, lz.rated, lz.handling_rate, lz.satisfaction_rate) == (
        1,
        0,
        0,
        Decimal("0.00"),
        None,
    )
    city = enterprise_hotline_rates(Region.objects.get(code="620700"), dt.date(2026, 9, 1))
    assert (city.dispatched, city.replied, city.individual_dispatched) == (5, 3, 6)


def test_region_without_enterprise_appeals_is_no_data_not_zero(mixed_appeals):
    rates = enterprise_hotline_rates(Region.objects.get(code="620722"), dt.date(2026, 9, 1))
    assert (rates.dispatched, rates.handling_rate, rates.satisfaction_rate) == (0, None, None)
    assert computed.compute("hotline_handling_rate", Region.objects.get(code="620722"), "2026-09") is None


def test_monitoring_values_use_enterprise_rates_with_counts_in_the_provenance(catalogue, mixed_appeals):
    services.refresh_computed_values(period="2026-09", now=at(2026, 10, 2))
    handled = IndicatorValue.objects.get(indicator__code="hotline_handling_rate", region__code="620702")
    assert handled.value == Decimal("75.0000") and handled.is_published
    assert handled.computation == (
        "诉求闭环 2026-09（甘州区）涉企诉求：已答复 3 / 派单 4；个人诉求 6 件不计入"
        "（SQ-METRICS-v1（2025-11 发布））"
    )
    satisfied = IndicatorValue.objects.get(indicator__code="hotline_satisfaction_rate", region__code="620702")
    assert satisfied.value == Decimal("66.6700")
    assert "满意及基本满意 2 / 已评价 3；个人诉求 6 件不计入" in satisfied.computation
    assert not IndicatorValue.objects.filter(
        indicator__code="hotline_satisfaction_rate", region__code="620723"
    ).exists()
