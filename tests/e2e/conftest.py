"""Browser journeys: Debian's Chromium driven by Playwright against pytest-django's live server.

Transactional tests flush every table, so each journey loads the reference data again and creates the demo
accounts it logs in with (through the same `ensure_demo_accounts` as `make demo`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
# Where each demo role lands after logging in.
DEMO_HOMES = {"qiye": "/workspace/", "tiyanguan": "/workspace/", "shiji": "/dashboard/", "lingdao": "/dashboard/",
              "bumen": "/workbench/", "bumen_xian": "/workbench/", "bumen_lingdao": "/workbench/",
              "xianqu": "/workbench/", "rexian": "/workbench/", "jiancha": "/workbench/"}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("缺少 /usr/bin/chromium：运行 bash scripts/ensure-chromium.sh")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must not refuse ORM calls because of it.
    # Set here (not at import) so that the ordinary suite, which also collects this package, keeps the guard.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    # launch() gives Chromium a fresh temporary profile of its own (removed on close): nothing leaks between runs.
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def page(browser, viewport, live_server):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="zh-CN", base_url=live_server.url,
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused" in msg.text) else None)
    page.js_errors = errors
    yield page
    context.close()
    # A CSP violation or a script error is a broken page even when the journey looked fine.
    assert errors == []


@dataclass
class Demo:
    passwords: dict[str, str]
    enterprise_id: int


@pytest.fixture
def demo(browser, transactional_db, live_server) -> Demo:
    """Reference data, a few enterprises, and the demo accounts (qiye verified for a 甘州区 enterprise)."""
    from django.conf import settings

    from conftest import make_enterprise
    from yingshang.accounts.models import User
    from yingshang.core.demo_accounts import ensure_demo_accounts
    from yingshang.core.reference import load_city_reference
    from yingshang.enterprises.choices import MembershipStatus
    from yingshang.enterprises.models import EnterpriseMembership
    from yingshang.enterprises.services import load_registry_reference

    load_city_reference(settings.YINGSHANG_CITY_DATA)
    load_registry_reference()
    enterprise = make_enterprise(name="张掖市甘州区丰源种业有限公司", county_code="620702", seed=1,
                                 industry_id="0511", industry_section="A", employees=80, tags=["玉米制种"])
    make_enterprise(name="临泽县绿洲肉牛养殖有限公司", county_code="620723", seed=2, industry_id="0311",
                    industry_section="A", employees=30, tags=["肉牛"])
    for i in range(3):
        make_enterprise(name=f"甘州区示范农业合作社{i + 1}", county_code="620702", seed=10 + i, industry_id="0511",
                        industry_section="A", employees=5 + i)
    passwords = {username: password for username, _, password in ensure_demo_accounts()}
    EnterpriseMembership.objects.create(user=User.objects.get(username="qiye"), enterprise=enterprise,
                                        status=MembershipStatus.VERIFIED, position="总经理")
    return Demo(passwords=passwords, enterprise_id=enterprise.pk)


def login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def logout(page) -> None:
    """Log out through the menu, as a user would (on a phone the navigation sits behind the 菜单 button)."""
    toggle = page.locator("button.menu-toggle")
    if toggle.count() and toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.get_by_role("button", name=re.compile("^退出")).click()
    page.wait_for_url(re.compile(r".*/$"))


def shot(page, journey: str, step: str, viewport: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{journey}-{viewport}-{re.sub(r'[^A-Za-z0-9_-]+', '_', step)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


A11Y_SCRIPT = """
() => {
  const problems = [];
  // Content of a closed <details> still has boxes in current Chromium (content-visibility: hidden) but cannot take
  // focus until the summary opens it: checkVisibility() knows; the box test is the fallback for older browsers.
  const visible = el => (el.checkVisibility ? el.checkVisibility({contentVisibilityAuto: true,
      visibilityProperty: true}) : true)
      && !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
      && getComputedStyle(el).visibility !== 'hidden';
  if (document.documentElement.getAttribute('lang') !== 'zh-Hans') problems.push('html lang 不是 zh-Hans');
  const h1 = document.querySelectorAll('h1');
  if (h1.length !== 1) problems.push(`h1 数量为 ${h1.length}`);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
        || el.getAttribute('aria-labelledby') || el.getAttribute('title');
    if (!named) problems.push(`控件无标签：${el.outerHTML.slice(0, 80)}`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`图片无 alt：${img.outerHTML.slice(0, 80)}`);
  }
  for (const b of document.querySelectorAll('button, a[href]')) {
    if (visible(b) && !((b.innerText || "").trim() || (b.textContent || "").trim() || b.getAttribute('aria-label') || b.getAttribute('title')))
      problems.push(`按钮/链接无可读名称：${b.outerHTML.slice(0, 80)}`);
  }
  // Mark the main controls for the keyboard check: the first 25 focusable, visible ones inside <main>.
  const focusable = [...document.querySelectorAll(
      'main a[href], main button:not([disabled]), main input:not([type=hidden]):not([disabled]), '
      + 'main select:not([disabled]), main textarea:not([disabled])')].filter(visible)
      // A radio group is one Tab stop (arrow keys move within it): keep only its first radio.
      .filter((el, i, all) => el.type !== 'radio' || all.findIndex(o => o.type === 'radio' && o.name === el.name
          && o.form === el.form) === i)
      .slice(0, 25);
  focusable.forEach((el, i) => el.setAttribute('data-a11y-i', String(i)));
  return {problems, controls: focusable.length};
}
"""


FOCUSED_INDEX = """
() => {
  const el = document.activeElement;
  if (!el) return null;
  if (el.hasAttribute('data-a11y-i')) return el.getAttribute('data-a11y-i');
  if (el.type === 'radio') {
    const scope = el.form || document;
    const first = [...scope.querySelectorAll('input[type=radio][data-a11y-i]')].find(o => o.name === el.name);
    return first ? first.getAttribute('data-a11y-i') : null;
  }
  return null;
}
"""


def check_accessibility(page) -> None:
    """Labels, alt text, one h1, lang; and every main control is reachable with the Tab key, in order."""
    result = page.evaluate(A11Y_SCRIPT)
    assert result["problems"] == [], f"{page.url}: {result['problems']}"
    wanted = set(range(result["controls"]))
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached: set[int] = set()
    for _ in range(result["controls"] + 150):  # the navigation (up to ~40 links) comes before <main>
        page.keyboard.press("Tab")
        index = page.evaluate(FOCUSED_INDEX)
        if index is not None:
            reached.add(int(index))
        if reached == wanted:
            break
    missing = [page.evaluate(f"() => document.querySelector('[data-a11y-i=\"{i}\"]').outerHTML.slice(0, 160)")
               for i in sorted(wanted - reached)]
    assert missing == [], f"{page.url}: Tab 键无法到达的控件"
