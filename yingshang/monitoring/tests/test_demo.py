"""Demo data: a synthetic year for every region, targets from the plan, alerts, a survey — and idempotent."""

import io

import pytest

from yingshang.monitoring.demo_setup import load_demo
from yingshang.monitoring.models import Alert, IndexSnapshot, IndicatorTarget, IndicatorValue, Survey

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent(cast):
    from yingshang.accounts.models import User

    User.objects.create_user(username="shiji", role="city_admin", department=cast.city_admin.department)
    load_demo(stdout=io.StringIO(), seed=2025)
    counts = (IndicatorValue.objects.count(), IndexSnapshot.objects.count(), Alert.objects.count(),
              Survey.objects.count(), IndicatorTarget.objects.count())
    assert IndexSnapshot.objects.filter(period="2025-09").count() == 7
    assert IndexSnapshot.objects.values("period").distinct().count() == 12
    assert IndicatorTarget.objects.count() == 40  # the plan's one conflict resolved in the plans app
    assert Alert.objects.filter(kind="missing_data").exists() and Alert.objects.filter(kind="revised").count() == 1
    assert IndicatorValue.objects.filter(origin="demo", note="演示数据（合成）").count() > 3000
    load_demo(stdout=io.StringIO(), seed=2025)
    assert (IndicatorValue.objects.count(), IndexSnapshot.objects.count(), Alert.objects.count(),
            Survey.objects.count(), IndicatorTarget.objects.count()) == counts
