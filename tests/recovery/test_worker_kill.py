"""Never lose a job: kill the task worker (SIGKILL) in the middle of an enterprise import, restart it, and the job
completes — every row exactly once, nothing half-written, the audit chain intact.

Runs against a real file SQLite database with the django-tasks-db backend and a real `manage.py db_worker`
process, as `make demo` does.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 6000  # three atomic batches of 2000: enough for the kill to land between batches
BATCH = 2000
# The import job itself; each committed batch also enqueues a policy re-match task for its enterprises.
IMPORT_TASKS = ("SELECT status FROM django_tasks_database_dbtaskresult "
                "WHERE task_path = 'yingshang.enterprises.tasks.run_enterprise_import'")

SETUP = f"""
import datetime as dt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from yingshang.accounts.models import User
from yingshang.accounts.roles import Role
from yingshang.core.models import Department
from yingshang.core.reference import load_city_reference
from django.conf import settings
from yingshang.enterprises.services import load_registry_reference, start_enterprise_import
from yingshang.enterprises.management.commands.seed_demo import demo_csv

load_city_reference(settings.YINGSHANG_CITY_DATA)
load_registry_reference()
admin = User.objects.create_user(username="shiji", password="x", role=Role.CITY_ADMIN,
                                 department=Department.objects.get(function_key="business_env", region__kind="city"))
data = demo_csv({ROWS}, 11, dt.date(2025, 1, 1))
with transaction.atomic():
    batch = start_enterprise_import(upload=SimpleUploadedFile("kill.csv", data), by=admin)
print(batch.pk)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "YINGSHANG_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_SETTINGS_MODULE": "config.settings",
                "YINGSHANG_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
                "YINGSHANG_MEDIA_ROOT": str(tmp_path / "media"), "LOG_LEVEL": "ERROR"})
    return env


def _manage(args: list[str], env: dict[str, str], timeout: int = 300) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _query(db: Path, sql: str, *params):
    connection = sqlite3.connect(db, timeout=30)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay",
                             "--no-reload"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"等待超时：{what}")


def test_killed_worker_job_is_resumed_exactly_once_and_audit_stays_verifiable(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "db.sqlite3"
    _manage(["migrate", "--noinput"], env)
    import_id = int(_manage(["shell", "-c", SETUP], env).strip().splitlines()[-1])
    assert _query(db, IMPORT_TASKS) == [("READY",)]

    # 1. A worker starts the job; kill it hard as soon as the first batch is committed.
    worker = _worker(env)
    try:
        _wait(lambda: _query(db, "SELECT processed_rows FROM enterprises_enterpriseimport WHERE id=?",
                             import_id)[0][0] > 0, 240, "第一批写入")
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    status, processed = _query(db, "SELECT status, processed_rows FROM enterprises_enterpriseimport WHERE id=?",
                               import_id)[0]
    written = _query(db, "SELECT COUNT(*) FROM enterprises_enterprise")[0][0]
    assert status == "running", "the kill should land mid-job; the import finished first"
    assert written % BATCH == 0 and 0 < written < ROWS, written  # whole batches only, nothing half-written
    assert _query(db, IMPORT_TASKS) == [("RUNNING",)]

    # 2. Restart: the stale job is re-queued, the new worker runs it to the end.
    requeue = subprocess.run([sys.executable, "scripts/requeue_stale_tasks.py"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert requeue.returncode == 0 and "重新排队的后台任务：1 个" in requeue.stdout, requeue.stderr[-2000:]
    worker = _worker(env)
    try:
        _wait(lambda: _query(db, IMPORT_TASKS)[0][0] == "SUCCESSFUL", 300, "重启后任务完成")
        # The re-match tasks the batches enqueued run too: none is left waiting or failed.
        _wait(lambda: not _query(db, "SELECT id FROM django_tasks_database_dbtaskresult "
                                     "WHERE status NOT IN ('SUCCESSFUL')"), 300, "重新匹配任务完成")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)

    # 3. Every row exactly once; the batch report adds up; one audit "create" per enterprise; chain intact.
    batch = _query(db, "SELECT status, created_count, unchanged_count, rejected_count FROM "
                       "enterprises_enterpriseimport WHERE id=?", import_id)[0]
    assert batch == ("done", ROWS - written, written, 0)
    assert _query(db, "SELECT COUNT(*), COUNT(DISTINCT credit_code) FROM enterprises_enterprise")[0] == (ROWS, ROWS)
    assert _query(db, "SELECT COUNT(*), COUNT(DISTINCT object_id) FROM core_auditevent "
                      "WHERE action='enterprise.import_create'")[0] == (ROWS, ROWS)
    assert "审计链完整" in _manage(["verify_audit"], env)

    # 4. Running the finished job again changes nothing.
    _manage(["shell", "-c", f"from yingshang.enterprises.tasks import run_enterprise_import as t; "
                            f"t.call(import_id={import_id})"], env)
    assert _query(db, "SELECT COUNT(*) FROM enterprises_enterprise")[0][0] == ROWS
    assert _query(db, "SELECT COUNT(*) FROM core_auditevent WHERE action='enterprise.import_create'")[0][0] == ROWS


    # 5. And the chain is tamper-evident in this real database: edit one old event, verify_audit exits non-zero.
    connection = sqlite3.connect(db)
    connection.execute("UPDATE core_auditevent SET reason='事后篡改' WHERE id=(SELECT MIN(id) FROM core_auditevent)")
    connection.commit()
    connection.close()
    result = subprocess.run([sys.executable, "manage.py", "verify_audit"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "校验失败" in result.stderr
