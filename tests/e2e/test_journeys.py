"""Journeys as users make them, on a phone and on a desktop, with screenshots and accessibility checks."""

from __future__ import annotations

import random

import pytest

from tests.e2e.conftest import DEMO_HOMES, check_accessibility, login, logout, shot

pytestmark = pytest.mark.e2e


def test_every_demo_role_logs_in_and_reaches_its_home(page, viewport, demo):
    page.goto("/")
    check_accessibility(page)
    shot(page, "portal", "home", viewport)
    for username, home in DEMO_HOMES.items():
        login(page, username, demo.passwords[username])
        assert page.url.endswith(home), (username, page.url)
        assert page.locator("h1").count() == 1
        check_accessibility(page)
        shot(page, "login", username, viewport)
        logout(page)


def test_login_page_is_accessible_and_rejects_a_wrong_password(page, viewport, demo):
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_label("用户名").fill("shiji")
    page.get_by_label("密码").fill("not-the-password-1")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url
    shot(page, "login", "wrong-password", viewport)


def test_staff_search_the_registry_and_open_an_enterprise(page, viewport, demo):
    login(page, "xianqu", demo.passwords["xianqu"])
    page.goto("/enterprises/")
    check_accessibility(page)
    search = page.get_by_label("名称或信用代码")
    search.fill("丰源")
    search.press("Enter")
    # htmx swaps only the results (and pushes the filter into the address bar).
    page.wait_for_function("() => document.querySelector('#results').innerText.includes('共 1 个主体')")
    shot(page, "registry-search", "results", viewport)
    page.get_by_role("link", name="张掖市甘州区丰源种业有限公司").click()
    page.wait_for_url(f"**/enterprises/{demo.enterprise_id}/")
    assert page.locator("h1").inner_text().startswith("张掖市甘州区丰源种业有限公司")
    check_accessibility(page)
    shot(page, "registry-search", "detail", viewport)


def test_enterprise_user_sees_only_its_own_enterprise(page, viewport, demo):
    login(page, "qiye", demo.passwords["qiye"])
    page.get_by_role("link", name="张掖市甘州区丰源种业有限公司").click()
    page.wait_for_url(f"**/enterprises/{demo.enterprise_id}/")
    check_accessibility(page)
    shot(page, "workspace", "own-enterprise", viewport)
    response = page.goto(f"/enterprises/{demo.enterprise_id + 1}/")
    assert response.status == 404


def test_county_admin_imports_a_spreadsheet_and_follows_progress(page, viewport, demo, tmp_path):
    from yingshang.enterprises.credit_code import generate_credit_code
    from yingshang.enterprises.models import Enterprise

    codes = [generate_credit_code(random.Random(500 + i), region_code="620702") for i in range(2)]
    upload = tmp_path / "甘州区新增主体.csv"
    upload.write_text("统一社会信用代码,企业名称,所属县区\n"
                      f"{codes[0]},甘州区上传测试公司甲,甘州区\n{codes[1]},甘州区上传测试公司乙,甘州区\n"
                      "BAD,格式错误的行,甘州区\n", encoding="utf-8")
    login(page, "xianqu", demo.passwords["xianqu"])
    page.goto("/enterprises/import/")
    check_accessibility(page)
    page.set_input_files("input[type=file]", str(upload))
    shot(page, "import", "chosen", viewport)
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/enterprises/import/*/")
    page.wait_for_function("() => document.querySelector('#progress').innerText.includes('已完成')"
                           " || document.querySelector('#progress').innerText.includes('新增')")
    progress = page.locator("#progress").inner_text()
    assert "新增 2" in progress and "拒绝 1 行" in progress, progress
    check_accessibility(page)
    shot(page, "import", "done", viewport)
    assert Enterprise.objects.filter(credit_code__in=codes).count() == 2
