"""Catalogue as reference data; plan targets linked from plans.PlanTarget (one source of truth)."""

from decimal import Decimal

import pytest

from yingshang.core.errors import BusinessRuleError
from yingshang.monitoring import catalogue as catalogue_module
from yingshang.monitoring import selectors, services
from yingshang.monitoring.models import (
    Dimension,
    Indicator,
    IndicatorTarget,
    ScoringParameter,
    Topic,
    WeightSet,
)
from yingshang.plans.parsing import parse_plan

from .conftest import seed_plan_text

pytestmark = pytest.mark.django_db


def test_catalogue_has_four_dimensions_and_the_18_national_first_level_indicators(catalogue):
    assert list(Dimension.objects.values_list("name", flat=True)) == ["市场化", "法治化", "国际化", "便利化"]
    assert Topic.objects.count() == 18
    assert set(Topic.objects.values_list("name", flat=True)) >= {
        "开办企业",
        "办理破产",
        "包容普惠创新",
        "政务服务",
    }
    assert Indicator.objects.count() == len(catalogue_module.load().indicators) == 56
    assert Indicator.objects.filter(source="computed").count() == 5
    assert Indicator.objects.get(code="entity_satisfaction").source == "survey"


def test_loading_twice_changes_nothing(catalogue):
    counts = (Indicator.objects.count(), ScoringParameter.objects.count(), WeightSet.objects.count())
    assert services.load_catalogue() == {"created": 0, "updated": 0, "indicators": 56}
    assert (Indicator.objects.count(), ScoringParameter.objects.count(), WeightSet.objects.count()) == counts


def test_every_target_of_the_seed_plan_is_linked_after_import(official_plan):
    parsed = parse_plan(seed_plan_text())
    assert len(parsed.targets) == 41
    assert IndicatorTarget.objects.count() == 41
    assert services.unmatched_plan_targets() == []
    targets = selectors.targets_by_indicator(2025)
    insolvency = Indicator.objects.get(code="insolvency_closure_rate")
    assert sorted(t.value for t in targets[insolvency.pk]) == [Decimal("80"), Decimal("85")]
    primary = selectors.primary_target(targets[insolvency.pk], direction="higher")
    assert (primary.value, primary.label) == (Decimal("85"), "≥85%")
    power = Indicator.objects.get(code="power_time_no_external")
    assert targets[power.pk][0].label == "≤5工作日"


def test_linking_again_adds_nothing_and_draft_plans_are_ignored(official_plan):
    assert services.link_plan_targets() == 0
    official_plan.status = "draft"
    official_plan.save()
    assert selectors.targets_by_indicator(2025) == {}


def test_targets_are_read_from_the_plan_not_copied(official_plan):
    from yingshang.plans.models import PlanTarget

    target = PlanTarget.objects.get(plan=official_plan, indicator="网上立案率")
    target.value = Decimal("80")
    target.save()
    indicator = Indicator.objects.get(code="online_filing_rate")
    assert selectors.targets_by_indicator(2025)[indicator.pk][0].value == Decimal("80")


def test_scoring_parameters_are_versioned_and_checked(catalogue, cast):
    indicator = Indicator.objects.get(code="online_filing_rate")
    services.set_scoring_parameter(
        indicator=indicator,
        plan_year=2025,
        best=Decimal("80"),
        worst=Decimal("40"),
        basis="省内标杆",
        by=cast.city_admin,
    )
    assert selectors.parameters_for(2025)[indicator.pk] == (80.0, 40.0)
    assert list(indicator.parameters.values_list("version", flat=True)) == [2, 1]
    with pytest.raises(BusinessRuleError, match="最优值应大于最差值"):
        services.set_scoring_parameter(
            indicator=indicator,
            plan_year=2025,
            best=Decimal("30"),
            worst=Decimal("40"),
            basis="",
            by=cast.city_admin,
        )
    assert indicator.parameters.count() == 2


def test_weights_that_do_not_add_up_are_refused_and_nothing_is_saved(catalogue, cast):
    weights = dict(WeightSet.objects.get().weights)
    weights["dimension"] = {"market": 40, "legal": 30, "international": 10, "facilitation": 10}
    with pytest.raises(BusinessRuleError) as caught:
        services.save_weights(weights=weights, effective_from="2025-07", note="", by=cast.city_admin)
    assert caught.value.message == "“便利度指数”下各项权重合计为 90，应为 100。"
    assert WeightSet.objects.count() == 1
    weights["dimension"]["facilitation"] = 20
    saved = services.save_weights(
        weights=weights, effective_from="2025-07", note="加大市场化", by=cast.city_admin
    )
    assert saved.version == 2
    assert selectors.weights_for("2025-06").version == 1
    assert selectors.weights_for("2025-07").version == 2
