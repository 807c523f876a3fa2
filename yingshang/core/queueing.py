"""Queueing background jobs so that a committed change never loses the job that follows from it.

With the database task backend on the same database, the job's row is written inside the caller's transaction: the
change and its job commit together or not at all, and the worker cannot see the job before the change is visible.
Queued after COMMIT instead (`transaction.on_commit`), a process killed between the two would leave the change
without its job (a re-match, a notification) and nothing would ever notice.

Any other backend (the immediate backend in tests, a broker elsewhere) cannot share the transaction, so the job is
queued after COMMIT, as before.
"""

from __future__ import annotations

from django.db import router, transaction
from django.tasks import Task


def _shares_transaction(task: Task, using: str) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    return isinstance(task.get_backend(), DatabaseBackend) and router.db_for_write(DBTaskResult) == using


def enqueue_with_commit(task: Task, /, *, using: str | None = None, **kwargs) -> None:
    """Queue `task(**kwargs)` so that it exists if and only if the surrounding transaction commits."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and _shares_transaction(task, connection.alias):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs), using=connection.alias)
