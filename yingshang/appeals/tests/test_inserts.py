"""`inserts.insert` stores exactly what `Model.save()` stores: every column, read back from the database."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingshang.appeals import inserts
from yingshang.appeals.models import Appeal, AppealCategory, AppealEvent

from .conftest import NOW


def _appeal(cast, **fields) -> Appeal:
    category = AppealCategory.objects.get(code="009")
    values = {
        "tracking_number": "SQ2025112600000001", "token": "t" * 32, "channel": "api", "requester_type": "enterprise",
        "enterprise": cast.gz_enterprise, "category": category, "kind": category.kind, "urgency": "urgent",
        "title": "用电报装", "description": "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
        "region": cast.gz_enterprise.region, "latitude": Decimal("38.9321"), "longitude": Decimal("100.4498"),
        "contact_name": "王经理", "contact_phone": "13812345678", "anonymous": True, "recorded_by": cast.operator,
        "policy_clause_id": 12, "status": "received", "received_at": NOW, "month": NOW.date().replace(day=1),
        "suggestion_source": "keyword:用电", "escalation_level": 2, "signed_in_time": False,
    } | fields
    return Appeal(**values)


def _stored(model, pk: int) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at", "tracking_number", "token")}


def test_an_appeal_inserted_reads_back_as_one_saved_by_the_orm(cast, catalogue):
    saved = _appeal(cast)
    saved.save()
    inserted = inserts.insert(_appeal(cast, tracking_number="SQ2025112600000002", token="u" * 32))
    assert inserted.pk is not None and inserted.pk != saved.pk
    assert inserted._state.adding is False and inserted._state.db == "default"
    assert _stored(Appeal, inserted.pk) == _stored(Appeal, saved.pk)
    stored = Appeal.objects.get(pk=inserted.pk)
    assert (stored.latitude, stored.anonymous, stored.escalation_level) == (Decimal("38.9321"), True, 2)
    assert stored.created_at is not None and stored.updated_at is not None  # auto_now_add / auto_now applied


def test_null_columns_are_left_out_and_stored_as_null(cast, catalogue):
    with CaptureQueriesContext(connection) as queries:
        appeal = inserts.insert(_appeal(cast, enterprise=None, region=None, latitude=None, longitude=None,
                                        recorded_by=None, policy_clause_id=None))
    sql = queries.captured_queries[-1]["sql"]
    assert "latitude" not in sql and "enterprise_id" not in sql and "description" in sql
    stored = Appeal.objects.get(pk=appeal.pk)
    assert (stored.enterprise_id, stored.region_id, stored.latitude, stored.policy_clause_id) == (None,) * 4


def test_an_event_with_json_data_reads_back_as_one_created_by_the_orm(cast, catalogue):
    appeal = inserts.insert(_appeal(cast))
    fields = {"appeal": appeal, "at": NOW, "actor": cast.operator, "actor_label": "话务员", "action": "receive",
              "to_status": "received", "note": "渠道：API", "data": {"channel": "api", "列表": [1, "二", None]}}
    created = AppealEvent.objects.create(**fields)
    inserted = inserts.insert(AppealEvent(**fields))
    assert _stored(AppealEvent, inserted.pk) == _stored(AppealEvent, created.pk)
    assert AppealEvent.objects.get(pk=inserted.pk).data == {"channel": "api", "列表": [1, "二", None]}


def test_a_saved_instance_or_an_unsaved_related_object_is_refused(cast, catalogue):
    appeal = inserts.insert(_appeal(cast))
    with pytest.raises(ValueError, match="已保存过"):
        inserts.insert(appeal)
    with pytest.raises(ValueError):  # as Model.save(): the related enterprise has no primary key yet
        inserts.insert(_appeal(cast, enterprise=type(cast.gz_enterprise)(name="未保存")))
