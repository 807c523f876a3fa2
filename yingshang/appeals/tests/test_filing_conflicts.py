"""Unique values taken at the moment of filing: a tracking number drawn twice, the same form sent twice at once, a
work order imported by two processes at once. Each is answered without a 500 and without aborting the filing's
transaction (the appeal INSERT skips conflicts; the service then finds out which value was taken)."""

from __future__ import annotations

import secrets

import pytest

from yingshang.appeals import inserts, services
from yingshang.appeals.models import Appeal, AppealEvent
from yingshang.core.errors import ConflictError
from yingshang.core.models import AuditEvent


def _numbers(*values):
    drawn = iter(values)
    return lambda now: next(drawn)


def test_a_tracking_number_already_taken_is_drawn_again(cast, make_appeal, monkeypatch):
    first = make_appeal()
    monkeypatch.setattr(services, "new_tracking_number", _numbers(first.tracking_number, "SQ2025112600000042"))
    second = make_appeal(text="第二件：园区道路破损严重，大货车无法通行，影响原料运输。")
    assert (second.tracking_number, Appeal.objects.count()) == ("SQ2025112600000042", 2)
    assert AppealEvent.objects.filter(appeal=second).count() == 1


def test_a_tracking_number_taken_every_time_is_a_409_and_saves_nothing(cast, make_appeal, monkeypatch):
    first = make_appeal()
    events, audit = AppealEvent.objects.count(), AuditEvent.objects.count()
    monkeypatch.setattr(services, "new_tracking_number", lambda now: first.tracking_number)
    with pytest.raises(ConflictError) as info:
        make_appeal(text="第二件：园区道路破损严重，大货车无法通行，影响原料运输。")
    assert (info.value.status, info.value.message) == (409, "诉求编号生成重复，请稍后重新提交。")
    assert (Appeal.objects.count(), AppealEvent.objects.count(), AuditEvent.objects.count()) == (1, events, audit)


def _twin_filed_first(monkeypatch, **same):
    """The appeal's INSERT finds a twin with the same unique values, inserted (by a concurrent request that the
    duplicate check before it could not see yet) just before it."""
    real = inserts.insert

    def insert(instance, **kwargs):
        if isinstance(instance, Appeal) and not getattr(insert, "done", False):
            insert.done = True
            twin = Appeal(**{f.attname: getattr(instance, f.attname) for f in Appeal._meta.concrete_fields
                             if not f.primary_key})
            twin.tracking_number, twin.token = "SQ2025112699999999", secrets.token_hex(16)
            for name, value in same.items():
                setattr(twin, name, value)
            real(twin)
        return real(instance, **kwargs)

    monkeypatch.setattr(inserts, "insert", insert)


def test_the_same_form_sent_twice_at_once_returns_the_first_appeal(cast, make_appeal, monkeypatch):
    _twin_filed_first(monkeypatch)
    appeal = make_appeal(client_key="form-7f3a")
    assert appeal.tracking_number == "SQ2025112699999999" and appeal.repeated_submission
    assert Appeal.objects.filter(client_key="form-7f3a").count() == 1


def test_a_work_order_imported_twice_at_once_is_a_409(cast, make_appeal, monkeypatch):
    _twin_filed_first(monkeypatch)
    with pytest.raises(ConflictError) as info:
        make_appeal(channel="hotline_12345", external_id="GD20251126001")
    assert (info.value.code, info.value.field) == ("duplicate_external_id", "external_id")
    # Here the twin went into this filing's own transaction, so it is rolled back with it; nothing is left.
    assert not Appeal.objects.exists()
