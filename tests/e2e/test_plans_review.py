"""Journey: the city office opens one measure (and one task) on the plan review page, its department pickers load on demand
(htmx), and it assigns the measure's lead department with the keyboard — on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from tests.e2e.conftest import check_accessibility, login, shot

pytestmark = pytest.mark.e2e
PLAN_TEXT = (
    Path(__file__).resolve().parents[2] / "yingshang" / "plans" / "data" / "zhangye-2025-action-plan.txt"
)


def test_city_admin_assigns_a_measure_department_from_the_review_page(page, viewport, demo):
    from yingshang.accounts.models import User
    from yingshang.core.models import Department
    from yingshang.plans.services import stage_plan_import

    plan = stage_plan_import(
        data=PLAN_TEXT.read_bytes(),
        filename=PLAN_TEXT.name,
        by=User.objects.get(username="shiji"),
        now=timezone.now(),
    )
    measure = plan.tasks.get(number="2").measures.order_by("order", "id").first()
    market = Department.objects.get(function_key="market", region__code="620700")
    label = market.short_name or market.name
    login(page, "shiji", demo.passwords["shiji"])
    page.goto(f"/plans/{plan.pk}/review/")
    check_accessibility(page)
    # 1. No measure picker is on the page until the measure is opened.
    lead = page.locator(f'form[action="/plans/measures/{measure.pk}/"] select[name="lead"]')
    assert lead.count() == 0
    summary = page.locator(f'details[hx-get="/plans/measures/{measure.pk}/form/"] > summary')
    summary.focus()
    page.keyboard.press("Enter")
    lead.wait_for()
    # 2. The next Tab stop after the opened summary is the loaded lead picker.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "lead"
    # Chromium keeps Tab's starting point at the last focused control after a blur: restart it at the heading.
    page.locator("h1").click()
    check_accessibility(page)
    shot(page, "plan-review", "measure-picker", viewport)
    lead.select_option(label=label)
    page.locator(f'form[action="/plans/measures/{measure.pk}/"] button[type=submit]').click()
    page.wait_for_url(f"**/plans/{plan.pk}/review/")
    assert list(measure.lead_departments.values_list("pk", flat=True)) == [market.pk]
    assert f"措施责任单位：{label}" in page.locator("main").inner_text()


def test_city_admin_assigns_a_task_lead_department_from_the_review_page(page, viewport, demo):
    from yingshang.accounts.models import User
    from yingshang.core.models import Department
    from yingshang.plans.services import stage_plan_import

    plan = stage_plan_import(
        data=PLAN_TEXT.read_bytes(),
        filename=PLAN_TEXT.name,
        by=User.objects.get(username="shiji"),
        now=timezone.now(),
    )
    task = plan.tasks.get(number="3")
    market = Department.objects.get(function_key="market", region__code="620700")
    label = market.short_name or market.name
    login(page, "shiji", demo.passwords["shiji"])
    page.goto(f"/plans/{plan.pk}/review/")
    # 1. No task picker is on the page until the task's 任务责任单位 is opened.
    form = page.locator(f'form[action="/plans/tasks/{task.pk}/edit/"]')
    lead = form.locator('select[name="lead"]')
    assert page.locator('select[name="lead"]').count() == 0
    # Task 3 has no lead department yet, so its card is open.
    summary = form.locator(f'details[hx-get="/plans/tasks/{task.pk}/form/"] > summary')
    summary.focus()
    page.keyboard.press("Enter")
    lead.wait_for()
    # 2. The next Tab stop after the opened summary is the loaded lead picker, inside the task's own form.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "lead"
    page.locator("h1").click()
    check_accessibility(page)
    shot(page, "plan-review", "task-picker", viewport)
    lead.select_option(label=label)
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/plans/{plan.pk}/review/")
    assert list(task.lead_departments.values_list("pk", flat=True)) == [market.pk]
    saved = page.locator(f'details[hx-get="/plans/tasks/{task.pk}/form/"] > summary').text_content()
    assert saved.startswith(f"任务责任单位：牵头 {label}；")
