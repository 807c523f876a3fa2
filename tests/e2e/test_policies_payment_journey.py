"""Journey (issue #4): the demo enterprise user sees its matched policies with reasons and amounts, applies online
with its materials, and follows the application to payment — the city 营商局 reviews it (受理, 通过 with an amount)
and registers the payout (拨付指令, 到账 with a voucher); the enterprise then sees every money step done.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.e2e.conftest import check_accessibility, login, logout, shot

pytestmark = pytest.mark.e2e
JOURNEY = "policy-payment"
AMOUNT = "12345"
VOUCHER = "E2E-PZ-0042"


def test_enterprise_applies_and_follows_its_application_to_payment(page, viewport, demo):
    from yingshang.policies import demo_setup

    # The demo as a visitor finds it: sample applications on qiye's matched 申报制 clauses except the last one,
    # which stays open for the visitor to apply for.
    demo_setup.load_demo(stdout=io.StringIO(), seed=2025)

    # 1. 我的政策: a matched clause with why it matches and the estimated amount; one not applied for yet.
    login(page, "qiye", demo.passwords["qiye"])
    page.goto("/policies/mine/")
    check_accessibility(page)
    main = page.locator("main")
    assert "符合条件的政策" in main.inner_text()
    cards = (
        main.locator(".card")
        .filter(has_text="申报制")
        .filter(has_text="预计最高")
        .filter(has_not=page.get_by_role("link", name="查看办理进度 →"))
    )
    assert cards.count() >= 1, main.inner_text()
    card = cards.first
    title = card.locator("h3").inner_text().strip()
    assert re.search(r"预计最高 \d+ 元", card.inner_text())
    card.locator("summary", has_text="为什么符合").click()
    reasons = card.locator("ul.cond li")
    assert reasons.count() >= 1
    assert reasons.first.is_visible()
    assert "贵企业" in reasons.first.inner_text() or "无限制条件" in reasons.first.inner_text()
    shot(page, JOURNEY, "1-matched", viewport)

    # 2. The clause, then 在线申报 with the two required materials (generated PDFs) and a note.
    card.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile(r".*/policies/clauses/\d+/$"))
    check_accessibility(page)
    assert title in page.locator("h1").inner_text()
    shot(page, JOURNEY, "2-clause", viewport)
    page.get_by_role("link", name="在线申报 →").click()
    page.wait_for_url(re.compile(r".*/policies/clauses/\d+/apply/$"))
    check_accessibility(page)
    page.get_by_label("申请金额（元，可不填）").fill(AMOUNT)
    page.get_by_label("情况说明").fill("本公司符合条件，申请兑现。")
    for name in ("营业执照", "申报表"):
        page.get_by_label(name, exact=True).set_input_files(
            {
                "name": f"{name}.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n% e2e material\n%%EOF\n",
            }
        )
    shot(page, JOURNEY, "3-apply", viewport)
    page.get_by_role("button", name="提交申报").click()
    page.wait_for_url(re.compile(r".*/policies/applications/\d+/$"))
    check_accessibility(page)
    text = page.locator("main").inner_text()
    assert "申报已提交，受理编号" in page.content()
    assert title in text and "已提交" in text
    for step in ("审核通过", "下达拨付指令", "资金到账"):
        assert step in text
    assert "营业执照：营业执照.pdf" in text and "申报表：申报表.pdf" in text
    tracking = page.locator("h1").inner_text().removeprefix("申报 ").strip()
    application_path = re.sub(r"^https?://[^/]+", "", page.url)
    shot(page, JOURNEY, "4-submitted", viewport)
    logout(page)

    # 3. The city 营商局 (shiji: reviews applications and registers payouts) finds it in the review queue.
    login(page, "shiji", demo.passwords["shiji"])
    page.goto("/policies/manage/applications/")
    check_accessibility(page)
    row = page.locator("tbody tr").filter(has_text=tracking)
    assert "已提交" in row.inner_text()
    shot(page, JOURNEY, "5-queue", viewport)
    row.get_by_role("link", name=tracking).click()
    page.wait_for_url(f"**{application_path}")
    check_accessibility(page)
    page.locator("select[name=action]").select_option(label="受理")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(f"**{application_path}")
    assert "审核中" in page.locator("main").inner_text()
    check_accessibility(page)
    shot(page, JOURNEY, "6-accepted", viewport)
    page.locator("select[name=action]").select_option(label="通过")
    page.get_by_label("核定金额（元）").fill(AMOUNT)
    page.get_by_label("意见/原因").fill("材料齐全，符合条件。")
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(f"**{application_path}")
    text = page.locator("main").inner_text()
    assert "审核通过" in text and f"核定金额 {AMOUNT} 元" in text and "材料齐全，符合条件。" in text
    check_accessibility(page)
    shot(page, JOURNEY, "7-approved", viewport)

    # 4. The payout: the ledger lists it awaiting payment; 下达拨付指令, then 登记已到账 with the voucher.
    page.goto("/policies/manage/ledger/")
    check_accessibility(page)
    row = page.locator("tbody tr").filter(has_text=tracking)
    assert "已批准待拨付" in row.inner_text() and AMOUNT in row.inner_text()
    shot(page, JOURNEY, "8-ledger", viewport)
    row.get_by_role("link", name=tracking).click()
    page.wait_for_url(f"**{application_path}")
    page.get_by_role("button", name="下达拨付指令").click()
    page.get_by_text("兑现进度已更新。").wait_for()
    check_accessibility(page)
    shot(page, JOURNEY, "9-instructed", viewport)
    page.get_by_label("凭证号").fill(VOUCHER)
    page.get_by_role("button", name="登记已到账").click()
    page.get_by_role("heading", name="登记拨付").wait_for(state="detached")
    assert f"凭证 {VOUCHER}" in page.locator("main").inner_text()
    check_accessibility(page)
    page.goto("/policies/manage/ledger/")
    check_accessibility(page)
    assert "已到账" in page.locator("tbody tr").filter(has_text=tracking).inner_text()
    shot(page, JOURNEY, "10-paid-ledger", viewport)
    logout(page)

    # 5. The enterprise sees its money arrived: every step done, with the amount and the voucher.
    login(page, "qiye", demo.passwords["qiye"])
    page.goto("/policies/applications/")
    check_accessibility(page)
    page.get_by_role("link", name=tracking).first.click()
    page.wait_for_url(f"**{application_path}")
    check_accessibility(page)
    text = page.locator("main").inner_text()
    assert "审核通过" in text and f"核定金额 {AMOUNT} 元" in text and f"凭证 {VOUCHER}" in text
    steps = page.locator("ol.steps li")
    assert steps.count() == 3
    for index, label in enumerate(("审核通过", "下达拨付指令", "资金到账")):
        step = steps.nth(index)
        assert label in step.inner_text()
        assert "done" in (step.get_attribute("class") or "")
        assert re.search(r"\d{4}-\d{2}-\d{2}", step.inner_text()) and "预计" not in step.inner_text()
    shot(page, JOURNEY, "11-paid", viewport)
