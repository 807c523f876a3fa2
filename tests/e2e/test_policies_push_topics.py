"""Journey: the demo enterprise's user chooses SMS push for one topic and one support type on /policies/mine/push/,
on a phone and a desktop; the page states that in-app notices stay unfiltered and shows the choice after saving."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import check_accessibility, login, shot

pytestmark = pytest.mark.e2e


def test_enterprise_user_chooses_push_topics(page, viewport, demo):
    login(page, "qiye", demo.passwords["qiye"])

    # 1. The page: channels and interests; everything by default.
    page.goto("/policies/mine/push/")
    page.get_by_text("短信、邮件推送的主题：全部主题").wait_for()
    assert "站内消息不受主题和支持方式限制" in page.content()
    check_accessibility(page)
    shot(page, "policy-push-topics", "1-default", viewport)

    # 2. Choose SMS to a number, the 农业 topic and 贷款贴息 only.
    page.get_by_label("短信推送").check()
    page.get_by_label("接收短信的手机号").fill("13800138000")
    page.get_by_role("checkbox", name="农业", exact=True).check()
    page.get_by_role("checkbox", name="贷款贴息", exact=True).check()
    page.get_by_role("button", name="保存设置").click()

    # 3. Saved: the summary states the choice, the number masked.
    page.get_by_text("推送设置已保存").wait_for()
    text = page.content()
    assert "短信、邮件推送的主题：农业" in text
    assert "短信、邮件推送的支持方式：贷款贴息" in text
    assert "138****8000" in text and "13800138000" not in text
    assert page.get_by_role("checkbox", name="农业", exact=True).is_checked()
    check_accessibility(page)
    shot(page, "policy-push-topics", "2-saved", viewport)
