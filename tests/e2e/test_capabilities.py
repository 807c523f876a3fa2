"""Capability journeys: policy matching, the appeal closed loop (file → dispatch → sign → contact → reply → rate),
a plan import and the monitoring dashboard — each on a phone and a desktop, with accessibility checks."""

from __future__ import annotations

import io
import re
from importlib import import_module
from pathlib import Path

import pytest

from tests.e2e.conftest import check_accessibility, login, logout, shot

pytestmark = pytest.mark.e2e
PLAN_TEXT = Path(__file__).resolve().parents[2] / "yingshang" / "plans" / "data" / "zhangye-2025-action-plan.txt"


def _load(app: str, *, demo: bool = False):
    """The app's module (services or demo_setup), or skip the journey when the capability is not there yet."""
    try:
        return import_module(f"yingshang.{app}.{'demo_setup' if demo else 'services'}")
    except ModuleNotFoundError:
        pytest.skip(f"{app} 尚未实现")


def test_enterprise_opens_its_matched_policies(page, viewport, demo):
    _load("policies", demo=True).load_demo(stdout=io.StringIO(), seed=2025)
    login(page, "qiye", demo.passwords["qiye"])
    page.goto("/policies/")
    check_accessibility(page)
    shot(page, "policies", "supermarket", viewport)
    page.goto("/policies/mine/")
    check_accessibility(page)
    assert "符合条件" in page.locator("main").inner_text()
    shot(page, "policies", "matched", viewport)
    page.locator("main a[href^='/policies/clauses/']").first.click()
    page.wait_for_url(re.compile(r".*/policies/clauses/\d+/$"))
    check_accessibility(page)
    shot(page, "policies", "clause", viewport)


def test_appeal_is_filed_handled_by_a_department_and_rated(page, viewport, demo):
    from yingshang.appeals.models import Appeal
    from yingshang.core.models import Department

    _load("appeals").load_appeal_catalogue()
    # 1. The enterprise files an appeal on the form.
    login(page, "qiye", demo.passwords["qiye"])
    page.goto("/appeals/new/")
    check_accessibility(page)
    page.get_by_label("诉求类别").select_option(index=1)
    page.get_by_label("诉求内容").fill("我公司申请的玉米制种基地建设奖励已提交两个月，至今没有审核结果，请帮助催办。")
    page.get_by_label("联系人").fill("王经理")
    page.get_by_label("联系电话").fill("13909361234")
    shot(page, "appeal", "1-filed-form", viewport)
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r".*/appeals/\d+/$"))
    appeal = Appeal.objects.order_by("-id").first()
    assert appeal.description.startswith("我公司申请的玉米制种基地")
    check_accessibility(page)
    shot(page, "appeal", "2-filed", viewport)
    logout(page)

    # 2. 12345 dispatches it to 甘州区市场监督管理局.
    market = Department.objects.get(function_key="market", region__code="620702")
    login(page, "rexian", demo.passwords["rexian"])
    page.goto(f"/appeals/{appeal.pk}/")
    check_accessibility(page)
    form = page.locator("form[action$='/act/dispatch/']")
    form.locator("select[name=department]").select_option(str(market.pk))
    form.get_by_role("button", name="派单").click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    appeal.refresh_from_db()
    assert appeal.status == "dispatched", appeal.status
    logout(page)

    # 3. The department signs, contacts the enterprise, and replies.
    login(page, "bumen_xian", demo.passwords["bumen_xian"])
    page.goto("/appeals/inbox/")
    check_accessibility(page)
    page.locator(f"main a[href='/appeals/{appeal.pk}/']").first.click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    check_accessibility(page)
    page.locator("form[action$='/act/sign/'] button").click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    contact = page.locator("form[action$='/act/contact/']")
    contact.locator("input[name=note]").fill("已电话联系王经理，了解奖励申报情况。")
    contact.get_by_role("button").click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    reply = page.locator("form[action$='/act/reply/']")
    reply.locator("textarea[name=text]").fill("经核实，奖励已完成审核，将于本月内拨付到企业账户。")
    reply.get_by_role("button", name="答复", exact=True).click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    appeal.refresh_from_db()
    assert appeal.status == "replied", appeal.status
    shot(page, "appeal", "3-replied", viewport)
    logout(page)

    # 4. The enterprise rates the reply; the appeal is closed.
    login(page, "qiye", demo.passwords["qiye"])
    page.goto(f"/appeals/{appeal.pk}/")
    check_accessibility(page)
    page.locator("form[action$='/act/rate/']").get_by_role("button", name="提交评价").click()
    page.wait_for_url(f"**/appeals/{appeal.pk}/")
    appeal.refresh_from_db()
    assert appeal.status == "closed", appeal.status
    check_accessibility(page)
    shot(page, "appeal", "4-rated", viewport)


def test_city_admin_imports_the_action_plan_and_opens_the_dashboard(page, viewport, demo):
    _load("plans")
    if not PLAN_TEXT.exists():
        pytest.skip("缺少示例行动方案文本")
    login(page, "shiji", demo.passwords["shiji"])
    page.goto("/plans/import/")
    check_accessibility(page)
    page.set_input_files("input[type=file]", str(PLAN_TEXT))
    page.get_by_role("button", name="上传并解析").click()
    page.wait_for_url(re.compile(r".*/plans/\d+/.*"))
    assert page.locator("h1").count() == 1
    check_accessibility(page)
    shot(page, "plan-import", "draft", viewport)
    _load("monitoring").load_catalogue()  # the indicator catalogue; values arrive through data collection
    page.goto("/monitoring/")
    check_accessibility(page)
    assert page.locator("h1").inner_text().endswith("营商环境动态监测")
    shot(page, "dashboard", "monitoring", viewport)
    page.goto("/dashboard/")
    check_accessibility(page)
    shot(page, "dashboard", "admin", viewport)
