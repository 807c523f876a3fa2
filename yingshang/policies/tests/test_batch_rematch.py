"""Batched re-match (精准推送 after a registry import): one task per import batch, same result, no double push."""

import datetime as dt

import pytest

from yingshang.core.models import Notification
from yingshang.enterprises.services import import_enterprises
from yingshang.policies import services, tasks
from yingshang.policies.models import PolicyMatch
from yingshang.policies.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _import(rows):
    data = "\n".join(",".join(row) for row in rows).encode("utf-8")
    return import_enterprises(data=data, filename="registry.csv", by=None, today=dt.date(2025, 6, 30))


def _matches():
    return sorted(PolicyMatch.objects.values_list("enterprise_id", "clause_id", "status", "conditions", "hints",
                                                  "estimated_max_yuan", "decidable_from_registry"))


class _Recorder:
    """Stands in for a task: records what would have been enqueued."""

    def __init__(self, calls: list) -> None:
        self.calls = calls

    def enqueue(self, **kwargs) -> None:
        self.calls.append(kwargs)


def test_import_changing_many_enterprises_enqueues_one_batch_task(cast, policy, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    single, batch = [], []
    monkeypatch.setattr(tasks, "rematch_enterprise", _Recorder(single))
    monkeypatch.setattr(tasks, "rematch_enterprises", _Recorder(batch))
    gz, lz = cast.gz_enterprise, cast.lz_enterprise

    with django_capture_on_commit_callbacks(execute=True):
        report = _import([["统一社会信用代码", "企业名称", "从业人员"], [gz.credit_code, gz.name, "81"],
                          [lz.credit_code, lz.name, "31"]])

    assert report.updated == 2
    assert single == []
    assert batch == [{"enterprise_ids": sorted([gz.pk, lz.pk])}]


def test_batch_rematch_gives_the_same_matches_as_one_task_per_enterprise(cast, policy, seed_company):
    gz, lz = cast.gz_enterprise, cast.lz_enterprise
    for enterprise in (gz, lz):
        services.refresh_enterprise_matches(enterprise, now=NOW, push=False)
    one_by_one = _matches()
    PolicyMatch.objects.all().delete()

    # duplicates and an id that no longer exists are fine; chunks of one exercise the chunking
    totals = services.refresh_enterprises_matches([lz.pk, gz.pk, gz.pk, 999_999], now=NOW, push=False,
                                                  chunk_size=1)

    assert _matches() == one_by_one
    assert totals["enterprises"] == 2
    assert totals["met"] == PolicyMatch.objects.filter(status="met").count()
    assert totals["unknown"] == PolicyMatch.objects.filter(status="unknown").count()
    assert PolicyMatch.objects.filter(enterprise=gz, status="met").exists()


def test_batch_task_after_import_pushes_each_match_once(cast, policy, seed_company,
                                                        django_capture_on_commit_callbacks):
    gz, lz = cast.gz_enterprise, cast.lz_enterprise
    rows = [["统一社会信用代码", "企业名称", "从业人员"], [gz.credit_code, gz.name, "90"], [lz.credit_code, lz.name, "40"]]

    with django_capture_on_commit_callbacks(execute=True):
        _import(rows)
    pushed = list(Notification.objects.filter(recipient=cast.gz_owner).values_list("link", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        _import([rows[0], [gz.credit_code, gz.name, "95"], [lz.credit_code, lz.name, "45"]])

    award = policy.clauses.get(position=1)
    assert f"/policies/clauses/{award.pk}/" in pushed
    assert sorted(Notification.objects.filter(recipient=cast.gz_owner).values_list("link", flat=True)) == sorted(
        pushed)
    assert PolicyMatch.objects.get(enterprise=gz, clause=award).status == "met"


def test_empty_batch_does_nothing(db):
    assert services.refresh_enterprises_matches([], now=NOW) == {"enterprises": 0, "met": 0, "unknown": 0,
                                                                 "pushed": 0}
