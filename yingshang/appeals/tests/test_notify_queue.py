"""Filing an appeal queues the requester's notification in the filing's own transaction (database backend)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from yingshang.appeals import services
from yingshang.appeals.models import Appeal


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_filing_writes_the_notification_job_with_the_appeal(cast, make_appeal, django_capture_on_commit_callbacks):
    # The test's transaction never commits: a job queued "after COMMIT" would not exist here.
    with django_capture_on_commit_callbacks(execute=False):
        appeal = make_appeal()
    jobs = DBTaskResult.objects.filter(task_path="yingshang.appeals.tasks.notify_appeal_event")
    assert [job.args_kwargs["kwargs"] for job in jobs] == [{"appeal_id": appeal.pk, "event": "received"}]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_filing_that_fails_after_queueing_leaves_no_job(cast, make_appeal, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("审计写入失败")

    monkeypatch.setattr(services, "_event", fail)  # the last step of a filing, after the job is queued
    with pytest.raises(RuntimeError):
        make_appeal()
    assert not Appeal.objects.exists()
    assert not DBTaskResult.objects.exists()
