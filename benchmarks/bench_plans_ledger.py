"""Task ledger (任务台账): derived status and lights for every task, ours (constant queries) vs naive per-task reads.

Ours: `selectors.task_rows` — one query for tasks with report/notice counts, two prefetches, one calendar load.
Baseline: the obvious loop — per task, its departments, report count and open notices, and the calendar
reloaded per task (as a view calling `task_state` row by row would).
"""

from __future__ import annotations

import datetime as dt
import time

from common import QUICK, report, setup_django

setup_django("plans_ledger")

from django.utils import timezone  # noqa: E402

from yingshang.core.selectors import load_work_calendar  # noqa: E402
from yingshang.plans.demo_setup import SEED  # noqa: E402
from yingshang.plans.models import PlanTask  # noqa: E402
from yingshang.plans.selectors import task_rows  # noqa: E402
from yingshang.plans.services import stage_plan_import  # noqa: E402
from yingshang.plans.supervision import task_state  # noqa: E402

PLANS = 3 if QUICK else 15
TODAY = dt.date(2025, 7, 1)


def naive(tasks):
    rows = []
    for task in tasks:
        calendar = load_work_calendar()
        leads = [d.short_name for d in task.lead_departments.all()]
        co = [d.short_name for d in task.co_departments.all()]
        reported = task.reports.exists()
        open_notices = task.notices.exclude(status="closed").count()
        state = task_state(
            progress=task.progress,
            start=dt.date(task.plan.year, 1, 1),
            deadline=task.deadline,
            today=TODAY,
            calendar=calendar,
            reported=reported,
        )
        rows.append((task.number, state.status, leads, co, open_notices))
    return rows


def main() -> None:
    data = SEED.read_bytes()
    for _ in range(PLANS):
        stage_plan_import(data=data, filename=SEED.name, by=None, now=timezone.now(), year=2025)
    tasks = PlanTask.objects.all()
    count = tasks.count()
    start = time.perf_counter()
    ours_rows = task_rows(tasks, today=TODAY)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    naive_rows = naive(tasks.select_related("plan"))
    baseline = time.perf_counter() - start
    assert [(r.task.number, r.state.status) for r in ours_rows] == [(r[0], r[1]) for r in naive_rows]
    report("plans_ledger", ours=ours, baseline=baseline, unit="s", scale=f"{count} tasks")


if __name__ == "__main__":
    main()
