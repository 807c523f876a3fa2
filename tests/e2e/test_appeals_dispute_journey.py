"""Journey: a department disputes an appeal (退单) with a reason, the 12345 dispatcher re-routes it (改派) to the
county bureau, whose staff sign it, contact the requester and reply — on a phone and on a desktop, every page passing the accessibility
check."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_accessibility, login, logout, shot

pytestmark = pytest.mark.e2e
TEXT = "甘州区某商场销售过期食品，多次向门店反映无果，请市场监管部门依法查处。"


def _dispatched_appeal():
    """An appeal filed by the demo enterprise and dispatched by the 12345 operator to the city market bureau."""
    from django.utils import timezone

    from yingshang.accounts.models import User
    from yingshang.appeals import services
    from yingshang.appeals.models import AppealCategory

    services.load_appeal_catalogue()
    owner, operator = User.objects.get(username="qiye"), User.objects.get(username="rexian")
    enterprise = owner.enterprise_memberships.get().enterprise
    now = timezone.now()
    appeal = services.file_appeal(
        by=owner,
        channel="enterprise_web",
        category=AppealCategory.objects.get(code="003"),
        description=TEXT,
        now=now,
        enterprise=enterprise,
        contact_phone="13812345678",
    )
    city_bureau = User.objects.get(username="bumen").department
    return services.dispatch_appeal(appeal, department=city_bureau, by=operator, now=now)


def test_department_disputes_dispatcher_reroutes_county_signs_and_replies(page, viewport, demo):
    from yingshang.accounts.models import User
    from yingshang.appeals.models import Appeal, AppealEvent

    appeal = _dispatched_appeal()
    county_bureau = User.objects.get(username="bumen_xian").department
    url = f"/appeals/{appeal.pk}/"

    # 1. The city bureau disputes the dispatch (退单) with a reason.
    login(page, "bumen", demo.passwords["bumen"])
    page.goto(url)
    check_accessibility(page)
    page.get_by_label("理由").fill("属地管理事项，应由甘州区市场监督管理局办理。")
    shot(page, "appeal-dispute", "1-dispute", viewport)
    page.get_by_role("button", name="提交").click()
    page.get_by_text("退单审核中").first.wait_for()
    logout(page)

    # 2. The dispatcher re-routes it (改派) to the county bureau.
    login(page, "rexian", demo.passwords["rexian"])
    page.goto(url)
    check_accessibility(page)
    page.get_by_label("主办单位").select_option(str(county_bureau.pk))
    page.get_by_label("说明").first.fill("按属地改派甘州区。")
    shot(page, "appeal-dispute", "2-redispatch", viewport)
    page.get_by_role("button", name="改派").click()
    page.get_by_text(county_bureau.name).first.wait_for()
    logout(page)

    # 3. The county bureau signs, contacts the requester first (先行联系), and replies.
    login(page, "bumen_xian", demo.passwords["bumen_xian"])
    page.goto(url)
    check_accessibility(page)
    page.get_by_role("button", name="签收").click()
    contact = page.locator("form", has=page.get_by_role("heading", name="先行联系"))
    contact.get_by_label("联系情况").fill("已电话联系企业，约定明日上午到现场核查。")
    contact.get_by_role("button", name="提交").click()
    page.get_by_label("答复内容").wait_for()
    check_accessibility(page)
    page.get_by_label("答复内容").fill("已到现场检查，下架过期食品并立案调查，处理结果已电话告知企业。")
    shot(page, "appeal-dispute", "3-reply", viewport)
    page.get_by_role("button", name="答复", exact=True).click()
    page.get_by_text("已到现场检查").first.wait_for()
    check_accessibility(page)

    appeal = Appeal.objects.get(pk=appeal.pk)
    assert (appeal.status, appeal.handling_department_id) == ("replied", county_bureau.pk)
    actions = list(AppealEvent.objects.filter(appeal=appeal).order_by("id").values_list("action", flat=True))
    assert actions == ["receive", "dispatch", "dispute", "redispatch", "sign", "contact", "reply"]
    dispute = AppealEvent.objects.get(appeal=appeal, action="dispute")
    assert "属地管理事项" in dispute.note
