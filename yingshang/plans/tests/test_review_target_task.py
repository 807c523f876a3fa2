"""方案核对: a target's 所属任务 is typed as a task number from one shared list, not chosen from a dropdown of every
task repeated under every target (about 3,000 options for Guangzhou's 66 targets × 44 tasks)."""

from __future__ import annotations

import re

from django.urls import reverse

from yingshang.core.models import AuditEvent


def _review(client, plan) -> str:
    response = client.get(reverse("plans:review", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_review_page_lists_the_task_numbers_once(draft_plan, cast, client_for):
    page = _review(client_for(cast.city_admin), draft_plan)
    assert '<select name="task">' not in page
    numbers = re.findall(r'<option value="([^"]+)">', page.split('<datalist id="plan-task-numbers">')[1]
                         .split("</datalist>")[0])
    assert numbers == list(draft_plan.tasks.order_by("order").values_list("number", flat=True))
    forms = page.count('name="task_number" list="plan-task-numbers"')
    assert forms == draft_plan.targets.count() + 1  # every target's form and the 补充遗漏的目标 form


def test_target_moves_to_a_task_by_number_and_back_to_the_overall_goal(draft_plan, cast, client_for):
    client = client_for(cast.city_admin)
    target = draft_plan.targets.filter(task__isnull=True).order_by("order").first()
    fields = {"indicator": target.indicator, "comparator": target.comparator, "unit": target.unit,
              "value": "" if target.value is None else str(target.value), "period": target.period}
    response = client.post(reverse("plans:target_edit", args=[draft_plan.pk, target.pk]),
                           {**fields, "task_number": " 3 "})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.task.number == "3"
    assert 'value="3" placeholder="留空为总体目标"' in _review(client, draft_plan)
    response = client.post(reverse("plans:target_edit", args=[draft_plan.pk, target.pk]), {**fields, "task_number": ""})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.task is None


def test_unknown_task_number_is_a_chinese_400_and_changes_nothing(draft_plan, cast, client_for):
    client = client_for(cast.city_admin)
    target = draft_plan.targets.filter(task__isnull=False).order_by("order").first()
    task_before, events_before = target.task_id, AuditEvent.objects.count()
    response = client.post(reverse("plans:target_edit", args=[draft_plan.pk, target.pk]),
                           {"indicator": "改过的名称", "comparator": target.comparator, "task_number": "99"})
    assert response.status_code == 400
    assert "所属任务编号“99”不在本方案中（留空表示总体目标）。" in response.content.decode()
    target.refresh_from_db()
    assert (target.task_id, target.indicator != "改过的名称") == (task_before, True)
    assert AuditEvent.objects.count() == events_before


def test_added_target_belongs_to_the_numbered_task(draft_plan, cast, client_for):
    client = client_for(cast.city_admin)
    response = client.post(reverse("plans:target_add", args=[draft_plan.pk]),
                           {"indicator": "新增指标", "comparator": ">=", "value": "10", "unit": "家",
                            "task_number": "2", "text": "补充"})
    assert response.status_code == 302
    assert draft_plan.targets.get(indicator="新增指标").task.number == "2"
