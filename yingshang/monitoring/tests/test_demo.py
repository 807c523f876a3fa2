"""Demo data: this plan year (January to the last complete month) on the plan the plans demo imported, for every
region, with targets, alerts, a survey — and idempotent."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from yingshang.monitoring.demo_setup import demo_months, load_demo
from yingshang.monitoring.models import Alert, IndexSnapshot, IndicatorTarget, IndicatorValue, Survey
from yingshang.monitoring.periods import months_between

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 27), ("2026-01", "2026-10")),
        (dt.date(2026, 2, 1), ("2026-01", "2026-01")),
        (dt.date(2027, 1, 15), ("2026-01", "2026-12")),  # January: the last complete month is last December
    ],
)
def test_demo_months_run_from_january_to_the_last_complete_month(today, expected):
    assert demo_months(today) == expected


def test_demo_uses_the_plans_demo_plan_for_this_year_and_is_idempotent(cast):
    from yingshang.accounts.models import User
    from yingshang.plans.models import Plan

    User.objects.create_user(username="shiji", role="city_admin", department=cast.city_admin.department)
    today = timezone.localdate()
    first, last = demo_months(today)
    out = io.StringIO()
    load_demo(stdout=out, seed=2025)
    plan = Plan.objects.get()  # the plans demo's import, and no second copy
    assert (plan.year, plan.status, plan.title) == (
        today.year,
        "official",
        "全市优化营商环境全面提升年行动方案",
    )
    links = IndicatorTarget.objects.select_related("plan_target")
    assert links.count() == 40 and {link.plan_target.plan_id for link in links} == {plan.pk}
    counts = (
        IndicatorValue.objects.count(),
        IndexSnapshot.objects.count(),
        Alert.objects.count(),
        Survey.objects.count(),
        IndicatorTarget.objects.count(),
        Plan.objects.count(),
    )
    periods = list(
        IndexSnapshot.objects.filter(region__kind="city").order_by("period").values_list("period", flat=True)
    )
    assert periods == months_between(first, last)
    assert IndexSnapshot.objects.filter(period=last).count() == 7
    assert Alert.objects.filter(kind="missing_data", period=last).exists()
    assert Alert.objects.filter(kind="revised").count() == 1
    # The lagging 破产案件结案率 went to task supervision (督办) on the plan task owning its target.
    from yingshang.plans.models import SupervisionNotice

    supervised = Alert.objects.get(status="supervised")
    assert supervised.indicator.code == "insolvency_closure_rate"
    notice = SupervisionNotice.objects.get(pk=int(supervised.supervision_ref))
    assert "破产案件结案率" in notice.reason and "已转督办" in out.getvalue()
    # The corrected submission is approved again once its correction is published (not left 待审核).
    revised = IndicatorValue.objects.get(revision_reason__startswith="演示：", is_current=True)
    assert revised.is_published and revised.submission.status == "approved"
    assert Survey.objects.get().period == last
    assert not IndicatorValue.objects.filter(period__lt=first).exists()
    assert f"方案《{plan.title}》" in out.getvalue()
    again = io.StringIO()
    load_demo(stdout=again, seed=2025)
    assert "演示数据已存在" in again.getvalue()
    assert (
        IndicatorValue.objects.count(),
        IndexSnapshot.objects.count(),
        Alert.objects.count(),
        Survey.objects.count(),
        IndicatorTarget.objects.count(),
        Plan.objects.count(),
    ) == counts
