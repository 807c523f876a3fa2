"""The audit trail is append-only and hash-chained: any edit, deletion or insertion is detected."""

from yingshang.core.audit import Change, record_change, record_changes, verify_chain
from yingshang.core.models import AuditChainHead, AuditEvent


def test_chain_verifies_after_single_and_bulk_writes(cast):
    record_change(actor=cast.city_admin, action="test.one", object_type="x", object_id="1", after={"a": 1})
    record_changes([Change("test.bulk", "x", str(i), after={"i": i}) for i in range(5)], actor=None)
    report = verify_chain()
    assert report.broken_at is None
    assert report.checked == AuditEvent.objects.count()
    assert AuditChainHead.objects.get(pk=1).hash == AuditEvent.objects.order_by("-id").first().hash


def test_edit_of_an_old_event_is_detected(cast):
    for i in range(3):
        record_change(actor=cast.city_admin, action="test", object_type="x", object_id=str(i), after={"v": i})
    target = AuditEvent.objects.filter(action="test").order_by("id")[1]
    AuditEvent.objects.filter(pk=target.pk).update(after={"v": 999})
    report = verify_chain()
    assert report.broken_at == target.pk
    assert "校验失败" in report.message


def test_deleting_the_newest_event_is_detected(cast):
    for i in range(2):
        record_change(actor=None, action="test", object_type="x", object_id=str(i))
    AuditEvent.objects.order_by("-id").first().delete()
    report = verify_chain()
    assert "不符" in report.message


def test_event_records_actor_and_before_after(cast):
    record_change(actor=cast.gz_admin, action="enterprise.update", object_type="e", object_id="7",
                  before={"name": "旧"}, after={"name": "新"}, reason="更正名称")
    event = AuditEvent.objects.get(action="enterprise.update")
    assert (event.actor, event.before, event.after, event.reason) == (cast.gz_admin, {"name": "旧"},
                                                                      {"name": "新"}, "更正名称")
    assert event.actor_label == "gz_admin（gz_admin）"
