"""类别与时限规则: the city administrator edits categories and publishes dated SLA rule versions, audited."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from yingshang.appeals import selectors, services
from yingshang.appeals.models import AppealCategory, SlaRule
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import AuditEvent

from .conftest import NOW


def _help_rule():
    return SlaRule.objects.get(category=None, kind="help", urgency="", requester_type="")


def test_editing_a_category_is_audited_and_reaches_the_dispatch_suggestion(cast, catalogue, client_for):
    category = AppealCategory.objects.get(code="009")
    response = client_for(cast.city_admin).post(
        "/appeals/configuration/",
        {
            "form": "category",
            "category_id": category.pk,
            "name": "水电气热报装与接入",
            "description": "",
            "keywords": "接电、通气，报装",
            "function_key": category.function_key,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.keywords) == ("水电气热报装与接入", ["接电", "通气", "报装"])
    event = AuditEvent.objects.get(action="appeal.category.update")
    assert (
        event.after["keywords"] == ["接电", "通气", "报装"] and event.before["name"] != "水电气热报装与接入"
    )
    assert ("009", ["接电", "通气", "报装"], category.pk) in selectors.category_rules()


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"name": "水"}, "类别名称不能为空，至少 2 个字。"),
        ({"function_key": "no_such_function"}, "承办职能“no_such_function”没有对应的在用部门。"),
        (
            {"keywords": "、".join(["关键词过长的一个关键词超过二十个字的例子啊啊"] * 2)},
            "关键词最多 50 个，每个不超过 20 字。",
        ),
    ],
)
def test_bad_category_edits_are_refused_in_chinese_and_nothing_changes(
    cast, catalogue, client_for, fields, reason
):
    category = AppealCategory.objects.get(code="009")
    data = {
        "form": "category",
        "category_id": category.pk,
        "name": category.name,
        "keywords": "",
        "function_key": category.function_key,
        "is_active": "on",
        **fields,
    }
    response = client_for(cast.city_admin).post("/appeals/configuration/", data)
    assert response.status_code == 400 and reason in response.content.decode()
    assert AppealCategory.objects.get(pk=category.pk).name == category.name
    assert not AuditEvent.objects.filter(action="appeal.category.update").exists()


def test_only_the_city_administrator_may_configure(cast, catalogue):
    with pytest.raises(PermissionDenied):
        services.update_category(
            AppealCategory.objects.get(code="009"),
            by=cast.gz_admin,
            name="改名",
            description="",
            keywords=[],
            function_key="market",
            is_active=True,
        )


def test_a_new_rule_version_applies_from_its_date_and_the_old_one_before(cast, catalogue, make_appeal):
    old = _help_rule()
    tomorrow = NOW.date() + dt.timedelta(days=1)
    new = services.publish_sla_rule(
        by=cast.city_admin,
        replaces=old,
        effective_from=tomorrow,
        now=NOW,
        values={
            "sign_hours": Decimal("1"),
            "contact_hours": Decimal("2"),
            "reply_days": Decimal("3"),
            "note": "市政府新规",
        },
    )
    old.refresh_from_db()
    assert (old.effective_until, new.previous, new.kind) == (NOW.date(), old, "help")
    appeal = make_appeal(code="009")
    assert services.rule_for(appeal, now=NOW).rule_id == old.pk
    assert services.rule_for(appeal, now=NOW + dt.timedelta(days=1)).rule_id == new.pk
    event = AuditEvent.objects.get(action="appeal.sla_rule.publish")
    assert event.before["rule"] == old.pk and event.after["reply_days"] == "3"


@pytest.mark.parametrize(
    ("values", "when", "reason"),
    [
        ({}, -1, "生效日期不能早于今天"),
        ({"reply_days": Decimal("0")}, 1, "答复时限应在 0.5 到 60 之间。"),
        ({"sign_hours": Decimal("100")}, 1, "签收时限应在 0.5 到 72 之间。"),
        ({"urgency": "urgent"}, 1, "紧急诉求的规则须填写答复时限（工作小时）。"),
        ({"sign_hours": Decimal("8"), "contact_hours": Decimal("4")}, 1, "签收时限不能长于先行联系时限。"),
    ],
)
def test_bad_rules_are_refused_with_a_chinese_reason(cast, catalogue, values, when, reason):
    before = SlaRule.objects.count()
    with pytest.raises(BusinessRuleError, match=reason):
        services.publish_sla_rule(
            by=cast.city_admin,
            effective_from=NOW.date() + dt.timedelta(days=when),
            now=NOW,
            values={
                "sign_hours": Decimal("2"),
                "contact_hours": Decimal("4"),
                "reply_days": Decimal("5"),
                **values,
            },
        )
    assert SlaRule.objects.count() == before


def test_rule_form_errors_come_back_on_the_page(cast, catalogue, client_for):
    response = client_for(cast.city_admin).post(
        "/appeals/configuration/",
        {
            "form": "rule",
            "sign_hours": "两小时",
            "contact_hours": "4",
            "reply_days": "5",
            "effective_from": "明天",
        },
    )
    body = response.content.decode()
    assert (
        response.status_code == 400
        and "签收时限应为数字。" in body
        and "生效日期格式应为 YYYY-MM-DD。" in body
    )
    assert client_for(cast.city_admin).get("/appeals/configuration/").status_code == 200
