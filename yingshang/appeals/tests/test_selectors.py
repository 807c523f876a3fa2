"""Reads: dispatch routing, duplicate suggestions, monthly statistics (pre-aggregated = live), policy link."""

import datetime as dt

from yingshang.appeals import metrics, selectors, services
from yingshang.appeals.models import AppealCategory, AppealMonthlyStat, DispatchRoute
from yingshang.core.models import Department, Region

from .conftest import NOW


def test_route_uses_the_county_department_then_the_city_then_a_route_override(cast, catalogue):
    ganzhou = Region.objects.get(code="620702")
    market = AppealCategory.objects.get(code="003")
    assert (
        selectors.route_department(category=market, region=ganzhou, on=NOW.date()).name
        == "甘州区市场监督管理局"
    )
    power = AppealCategory.objects.get(code="009")
    assert (
        selectors.route_department(category=power, region=ganzhou, on=NOW.date()).name == "国网张掖供电公司"
    )
    DispatchRoute.objects.create(category=market, region=ganzhou, function_key="business_env")
    selectors.clear_catalogue()
    assert (
        selectors.route_department(category=market, region=ganzhou, on=NOW.date()).function_key
        == "business_env"
    )


def test_duplicate_candidates_rank_same_enterprise_similar_text(cast, make_appeal):
    first = make_appeal(text="新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。")
    make_appeal(text="公司要变更法定代表人，线上办理时人脸识别一直失败。", code="003")
    second = make_appeal(text="新厂房申请用电报装一个多月了，供电公司还没有接电。")
    found = selectors.duplicate_candidates(second)
    assert [c.appeal for c in found] == [first]
    assert found[0].reason.startswith("同一企业，内容相似度")


def test_preaggregated_counts_equal_the_live_ones(cast, dispatched, make_appeal):
    appeal = services.sign_appeal(dispatched, by=cast.gz_staff, now=NOW)
    appeal = services.contact_requester(appeal, note="已电话联系", by=cast.gz_staff, now=NOW)
    appeal = services.reply_appeal(appeal, text="已办理完毕，请企业查收答复。", by=cast.gz_staff, now=NOW)
    services.rate_appeal(appeal, level=4, resolution="resolved", by=cast.gz_owner, now=NOW)
    services.refuse_appeal(make_appeal(), kind="petition", reason="已进入信访渠道", by=cast.operator, now=NOW)
    month = dt.date(2025, 11, 1)
    rows = services.refresh_monthly_stats(month, now=NOW)
    assert rows == 2 and AppealMonthlyStat.objects.count() == 2
    assert services.refresh_monthly_stats(month, now=NOW) == 2 and AppealMonthlyStat.objects.count() == 2
    stored = selectors.monthly_counts(month, by="department", now=NOW)
    live = selectors.monthly_counts(month, by="department", now=NOW, live=True)
    assert stored == live
    counts = stored[cast.gz_staff.department_id]
    assert (counts.dispatched, counts.signed_in_time, counts.replied, counts.rated, counts.satisfied) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert metrics.rates(counts)["handling_rate"] == 1.0
    by_region = selectors.monthly_counts(month, by="region", now=NOW)
    assert by_region[Region.objects.get(code="620702").pk].refused == 1


def test_policy_pain_points_group_tagged_appeals(cast, make_appeal):
    make_appeal(code="002", text="技改项目补助已经公示，资金一直没有拨付到企业账户。", policy_clause_id=41)
    make_appeal(code="002", text="首次升规奖励申报材料交了，至今没有兑现。", policy_clause_id=41)
    make_appeal(code="001", text="请问这条政策的申报条件是什么，小微企业能否适用。", policy_clause_id=41)
    assert selectors.policy_pain_points(41) == [
        {"category__name": "惠企政策兑现", "n": 2},
        {"category__name": "政策咨询", "n": 1},
    ]


def test_department_leader_sees_the_subtree(cast, catalogue, make_appeal):
    from yingshang.appeals.models import Appeal

    enforcement = Department.objects.get(function_key="market_enforcement")
    appeal = services.dispatch_appeal(make_appeal(), department=enforcement, by=cast.operator, now=NOW)
    assert Appeal.objects.visible_to(cast.city_dept_lead).filter(pk=appeal.pk).exists()
    assert not Appeal.objects.visible_to(cast.city_staff).filter(pk=appeal.pk).exists()


def _closed(cast, make_appeal, *, by, enterprise, requester_type, contacted, level=5):
    appeal = make_appeal(by=by, enterprise=enterprise, requester_type=requester_type)
    appeal = services.dispatch_appeal(appeal, department=cast.gz_staff.department, by=cast.operator, now=NOW)
    appeal = services.sign_appeal(appeal, by=cast.gz_staff, now=NOW)
    appeal = services.contact_requester(appeal, note="已电话联系", by=cast.gz_staff, now=NOW)
    appeal = services.reply_appeal(appeal, text="已办理完毕，请企业查收答复。", by=cast.gz_staff, now=NOW)
    return services.rate_appeal(
        appeal, level=level, resolution="resolved", by=by, now=NOW, contacted=contacted
    )


def test_monthly_stats_split_by_requester_type_and_revisit_response_rate(cast, make_appeal):
    _closed(cast, make_appeal, by=cast.gz_owner, enterprise="gz", requester_type="enterprise", contacted=True)
    _closed(
        cast,
        make_appeal,
        by=cast.gz_owner,
        enterprise="gz",
        requester_type="enterprise",
        contacted=False,
        level=3,
    )
    _closed(cast, make_appeal, by=cast.gz_owner, enterprise="gz", requester_type="enterprise", contacted=None)
    _closed(cast, make_appeal, by=cast.gz_owner, enterprise=None, requester_type="individual", contacted=True)
    month = dt.date(2025, 11, 1)
    assert services.refresh_monthly_stats(month, now=NOW) == 2  # one row per requester type
    department = cast.gz_staff.department_id
    everyone = selectors.monthly_counts(month, by="department", now=NOW)[department]
    firms = selectors.monthly_counts(month, by="department", now=NOW, requester_type="enterprise")[department]
    people = selectors.monthly_counts(month, by="department", now=NOW, requester_type="individual")[
        department
    ]
    assert (everyone.dispatched, firms.dispatched, people.dispatched) == (4, 3, 1)
    assert firms + people == everyone
    assert selectors.monthly_counts(
        month, by="department", now=NOW, live=True, requester_type="enterprise"
    ) == {department: firms}
    # 响应率（回访口径）: 2 of the 3 enterprise ratings answered the question, 1 said yes.
    assert (firms.contact_asked, firms.contact_confirmed) == (2, 1)
    assert metrics.rates(firms)["response_rate_revisit"] == 0.5
    assert metrics.rates(everyone)["response_rate_revisit"] == 2 / 3
    assert metrics.rates(firms)["response_rate"] == 1.0  # the timeliness variant beside it
