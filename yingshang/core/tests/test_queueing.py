"""A job queued by a service commits or rolls back with the change it follows from (core.queueing)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from yingshang.core.queueing import enqueue_with_commit
from yingshang.policies.tasks import rematch_enterprise

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class Abandon(Exception):
    pass


def _queued() -> list[dict]:
    return [row.args_kwargs["kwargs"] for row in DBTaskResult.objects.filter(task_path__endswith="rematch_enterprise")]


# Not transactional tests: those flush every table afterwards, the reference data loaded once per run included.
# Each test runs in a transaction of its own that is never committed, which is what these tests need.
@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_database_backend_writes_the_job_inside_the_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue_with_commit(rematch_enterprise, enterprise_id=7)
        # Already written, in this transaction: nothing is left for after COMMIT that a killed process could lose.
        assert _queued() == [{"enterprise_id": 7}]
    assert callbacks == []
    assert _queued() == [{"enterprise_id": 7}]


@pytest.mark.django_db
@override_settings(TASKS=DATABASE_TASKS)
def test_database_backend_job_rolls_back_with_the_change():
    with pytest.raises(Abandon), transaction.atomic():
        enqueue_with_commit(rematch_enterprise, enterprise_id=7)
        assert _queued() == [{"enterprise_id": 7}]
        raise Abandon
    assert _queued() == []


@pytest.mark.django_db
@override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}})
def test_other_backends_queue_after_commit(django_capture_on_commit_callbacks):
    backend = rematch_enterprise.get_backend()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_with_commit(rematch_enterprise, enterprise_id=5)
    assert backend.results == [] and len(callbacks) == 1  # such a backend cannot share the transaction
    callbacks[0]()
    assert [result.kwargs for result in backend.results] == [{"enterprise_id": 5}]
