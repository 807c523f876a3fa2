"""Journey: a department leader imports a real policy text, corrects one extracted field, publishes; the push runs
in the background; the matched demo enterprise's user sees the message and the policy with its reason and amount,
and the clause with a threshold the platform cannot decide (4500万美元 进出口总额) as "to be confirmed", not matched.

The text is two clauses copied verbatim from a real published document (`labelled_clauses.jsonl`, rows c079 and
c080, 某市外经贸发展扶持政策, source URL in that file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import check_accessibility, login, logout, shot

pytestmark = pytest.mark.e2e
DATA = (
    Path(__file__).resolve().parents[2]
    / "yingshang"
    / "policies"
    / "tests"
    / "data"
    / "labelled_clauses.jsonl"
)
TITLE = "某市外经贸发展扶持政策（节选）"


def _real_text() -> str:
    rows = {row["id"]: row for row in map(json.loads, DATA.read_text(encoding="utf-8").splitlines())}
    return "\n".join([TITLE, rows["c079"]["text"], rows["c080"]["text"]])


def test_department_publishes_a_real_policy_and_the_enterprise_is_told(page, viewport, demo, settings):
    # Tasks run in-process (the live server's thread) right after the publishing request commits.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    login(page, "bumen_lingdao", demo.passwords["bumen_lingdao"])

    # 1. Import: paste the real text.
    page.goto("/policies/manage/import/")
    check_accessibility(page)
    page.get_by_label("政策标题").fill(TITLE)
    page.get_by_label("或直接粘贴正文").fill(_real_text())
    shot(page, "policy-publish", "1-import", viewport)
    page.get_by_role("button", name="读取并生成草稿").click()
    page.wait_for_url("**/policies/manage/*/")
    page.get_by_text("个条款，请逐条核对后确认").wait_for()
    check_accessibility(page)
    shot(page, "policy-publish", "2-review", viewport)

    # 2. Review: correct the 跨境人民币 clause (its title, and the county the machine could not read: 甘州区) and
    #    confirm every clause.
    links = page.get_by_role("link", name="核对")
    count = links.count()
    assert count == 2
    for index in range(count):
        page.get_by_role("link", name="核对").nth(index).click()
        page.wait_for_url("**/policies/manage/clauses/*/")
        if index == 1:
            check_accessibility(page)
            page.get_by_label("条款名称").fill("跨境人民币结算奖励")
            page.get_by_role("checkbox", name="甘州区", exact=True).check()
            shot(page, "policy-publish", "3-correct", viewport)
        page.get_by_label("我已核对原文，确认以上解读").check()
        page.get_by_role("button", name="保存").click()
        page.wait_for_url("**/policies/manage/*/")

    # 3. Publish: the background push matches every enterprise and notifies the matched ones' users.
    page.get_by_role("button", name="发布并推送").click()
    page.get_by_text("已发布").first.wait_for()
    shot(page, "policy-publish", "4-published", viewport)
    logout(page)

    # 4. The demo enterprise's user: the message, then the matched policy with its reason and amount.
    login(page, "qiye", demo.passwords["qiye"])
    page.goto("/notifications/")
    page.get_by_text(f"政策推送：{TITLE}").first.wait_for()
    assert "贵企业符合「跨境人民币结算奖励」的条件" in page.content()
    # The 4500万美元 import-export threshold is nothing the platform knows: no push for that clause.
    assert "「鼓励企业境外注册商标」" not in page.content()
    check_accessibility(page)
    shot(page, "policy-publish", "5-notification", viewport)
    page.goto("/policies/mine/")
    card = page.locator(".card", has_text="跨境人民币结算奖励")
    card.first.wait_for()
    assert "预计最高 5000 元" in card.first.inner_text()
    card.first.get_by_text("为什么符合").click()
    reason = card.first.locator("ul.cond").inner_text()
    assert "要求 甘州区" in reason and "贵企业 甘州区" in reason
    # The trade clause waits for evidence of its threshold instead of matching every enterprise.
    assert "提供“上年度进出口总额≥4500万美元”的证明材料，由受理部门核实后可确认" in page.content()
    check_accessibility(page)
    shot(page, "policy-publish", "6-matched", viewport)
