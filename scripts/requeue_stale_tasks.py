#!/usr/bin/env python
"""Put background jobs that a dead worker left "running" back in the queue (never lose a job).

django-tasks-db marks a job RUNNING when a worker claims it and has no heartbeat: if the worker is killed
(OOM, power loss, `kill -9`), the job stays RUNNING forever and no worker takes it again. Our tasks are idempotent
(they take ids, claim their record, and converge when re-run), so re-queuing is safe.

Run it right before starting the worker, while no worker is running (single-worker deployments such as
`make demo`):  .venv/bin/python scripts/requeue_stale_tasks.py && .venv/bin/python manage.py db_worker
With several workers, pass --older-than SECONDS larger than the longest job.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把已失联进程遗留的“运行中”后台任务重新排队")
    parser.add_argument("--older-than", type=float, default=0.0, help="只处理开始超过这么多秒的任务（默认 0：全部）")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(seconds=args.older_than)
    stale = DBTaskResult.objects.filter(status="RUNNING", started_at__lte=cutoff)
    count = stale.update(status="READY", started_at=None)
    print(f"重新排队的后台任务：{count} 个")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
