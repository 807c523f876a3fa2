"""The audit trail is append-only and hash-chained, one chain per lane: any edit, deletion or insertion in any
lane is detected."""

import hashlib
import threading

import pytest
from django.db import connection

from yingshang.core import audit
from yingshang.core.audit import GENESIS, Change, record_change, record_changes, verify_chain
from yingshang.core.models import AuditChainHead, AuditEvent


@pytest.fixture
def in_lane(monkeypatch):
    """Route the next writes to a chosen lane (on PostgreSQL writers pick a free lane themselves; this makes the
    lanes of a test's events exact on both databases)."""
    chosen = {"lane": 1}

    def lock_lane(_connection):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=chosen["lane"],
                                                                           defaults={"hash": GENESIS})
        return head.pk, head.hash

    monkeypatch.setattr(audit, "_lock_lane", lock_lane)
    monkeypatch.setattr(audit, "_append_one", lambda *args: False)

    def write(lane: int, number: int, **after) -> AuditEvent:
        chosen["lane"] = lane
        record_change(actor=None, action="test.lane", object_type="x", object_id=str(number), after=after or None)
        return AuditEvent.objects.get(action="test.lane", object_id=str(number))

    return write


@pytest.fixture
def three_lanes(in_lane, db):
    """Seven events interleaved over lanes 1, 2 and 3: by lane, [0, 2, 6], [1, 4], [3, 5]."""
    return [in_lane(lane, number, v=number) for number, lane in enumerate([1, 2, 1, 3, 2, 3, 1])]


def test_chain_verifies_after_single_and_bulk_writes(cast):
    record_change(actor=cast.city_admin, action="test.one", object_type="x", object_id="1", after={"a": 1})
    record_changes([Change("test.bulk", "x", str(i), after={"i": i}) for i in range(5)], actor=None)
    report = verify_chain()
    assert (report.broken_at, report.intact) == (None, True)
    assert report.checked == AuditEvent.objects.count()
    bulk = list(AuditEvent.objects.filter(action="test.bulk").order_by("id"))
    assert len({event.lane for event in bulk}) == 1  # one segment, one lane
    assert [event.prev_hash for event in bulk[1:]] == [event.hash for event in bulk[:-1]]
    for lane, head in AuditChainHead.objects.values_list("pk", "hash"):
        newest = AuditEvent.objects.filter(lane=lane).order_by("-id").values_list("hash", flat=True).first()
        assert head == (newest or GENESIS)


def test_lanes_chain_independently(three_lanes):
    events = three_lanes
    by_lane = {1: [events[0], events[2], events[6]], 2: [events[1], events[4]], 3: [events[3], events[5]]}
    for lane, chain in by_lane.items():
        assert [event.lane for event in chain] == [lane] * len(chain)
        assert [event.prev_hash for event in chain] == [GENESIS] + [event.hash for event in chain[:-1]]
        assert AuditChainHead.objects.get(pk=lane).hash == chain[-1].hash
    report = verify_chain()
    assert (report.checked, report.broken_at, report.intact) == (7, None, True)
    assert report.message == "审计链完整，共校验 7 条记录（3 条分链）。"


@pytest.mark.parametrize("position", [2, 1, 5], ids=["lane-1-middle", "lane-2-first", "lane-3-newest"])
def test_edit_of_an_event_in_any_lane_is_detected(three_lanes, position):
    target = three_lanes[position]
    AuditEvent.objects.filter(pk=target.pk).update(after={"v": 999})
    report = verify_chain()
    assert (report.broken_at, report.intact) == (target.pk, False)
    assert report.message == f"审计记录 #{target.pk} 校验失败：记录被修改、删除或插入。"


def test_deleting_an_event_inside_a_lane_is_detected_at_its_lane_successor(three_lanes):
    AuditEvent.objects.filter(pk=three_lanes[1].pk).delete()  # lane 2's first event
    report = verify_chain()
    assert (report.broken_at, report.intact) == (three_lanes[4].pk, False)


def _forged(after: AuditEvent, **fields) -> AuditEvent:
    """An event that links to `after` in its lane, with the hash it would have there."""
    forged = AuditEvent(at=after.at, actor_label="系统", action="test.forged", object_type="x", object_id="99",
                        lane=after.lane, prev_hash=after.hash, hash="", **fields)
    forged.hash = hashlib.sha256((after.hash + audit._canonical(forged)).encode()).hexdigest()
    forged.save()
    return forged


def test_an_event_inserted_inside_a_lane_is_detected_at_its_lane_successor(in_lane, db):
    first = in_lane(3, 0)
    placeholder = AuditEvent.objects.create(at=first.at, lane=9, hash="placeholder")  # an id free between the two
    gap = placeholder.pk
    placeholder.delete()
    second = in_lane(3, 1)
    _forged(first, id=gap)
    report = verify_chain()
    assert (report.broken_at, report.intact) == (second.pk, False)


def test_an_event_appended_to_a_lane_behind_its_head_is_detected(three_lanes):
    _forged(three_lanes[5])  # after lane 3's newest; the head still names the real newest
    report = verify_chain()
    assert (report.broken_at, report.intact) == (None, False)
    assert report.message == "审计链第 3 分链末端与记录不符：该分链最新的记录可能被删除。"


def test_moving_an_event_to_another_lane_is_detected(three_lanes):
    AuditEvent.objects.filter(pk=three_lanes[4].pk).update(lane=3)  # lane 2's newest into lane 3
    report = verify_chain()
    assert (report.broken_at, report.intact) == (None, False)
    assert report.message == "审计链第 2 分链末端与记录不符：该分链最新的记录可能被删除。"


def test_deleting_a_lanes_newest_event_is_detected_by_its_head(three_lanes):
    AuditEvent.objects.filter(pk=three_lanes[4].pk).delete()  # lane 2's newest
    report = verify_chain()
    assert (report.broken_at, report.intact) == (None, False)
    assert report.message == "审计链第 2 分链末端与记录不符：该分链最新的记录可能被删除。"


def test_deleting_every_event_of_a_lane_is_detected_by_its_head(three_lanes):
    AuditEvent.objects.filter(lane=3).delete()
    report = verify_chain()
    assert (report.checked, report.intact) == (5, False)
    assert report.message == "审计链第 3 分链末端与记录不符：该分链的记录可能全部被删除。"


def test_an_event_in_a_lane_without_head_is_reported(three_lanes):
    AuditChainHead.objects.filter(pk=2).delete()
    report = verify_chain()
    assert report.intact is False
    assert report.message == f"审计链第 2 分链没有末端记录（该分链最新为 #{three_lanes[4].pk}）：末端可能被删除。"


def test_deleting_the_newest_event_is_detected(cast):
    for i in range(2):
        record_change(actor=None, action="test", object_type="x", object_id=str(i))
    AuditEvent.objects.order_by("-id").first().delete()
    report = verify_chain()
    assert report.intact is False
    assert "不符" in report.message


def test_a_new_database_gets_its_lane_heads_on_the_first_write(db, settings):
    settings.AUDIT_CHAIN_LANES = 3
    AuditEvent.objects.all().delete()
    AuditChainHead.objects.all().delete()
    record_change(actor=None, action="test.first", object_type="x", object_id="1")
    event = AuditEvent.objects.get()
    assert event.prev_hash == GENESIS
    assert AuditChainHead.objects.get(pk=event.lane).hash == event.hash
    # SQLite serialises writers itself and uses lane 1; PostgreSQL creates every lane's head for the writers.
    expected = [1, 2, 3] if connection.vendor == "postgresql" else [1]
    assert sorted(AuditChainHead.objects.values_list("pk", flat=True)) == expected
    assert verify_chain().intact


def test_event_records_actor_and_before_after(cast):
    record_change(actor=cast.gz_admin, action="enterprise.update", object_type="e", object_id="7",
                  before={"name": "旧"}, after={"name": "新"}, reason="更正名称")
    event = AuditEvent.objects.get(action="enterprise.update")
    assert (event.actor, event.before, event.after, event.reason) == (cast.gz_admin, {"name": "旧"},
                                                                      {"name": "新"}, "更正名称")
    assert event.actor_label == "gz_admin（gz_admin）"


postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="分链的行锁（SKIP LOCKED）只在 PostgreSQL 上使用")


def _in_own_connection(work, *, wait: bool = True) -> threading.Thread:
    """Run `work` in a thread with its own database connection (its own transactions, committed for others)."""
    from django.db import connection as thread_connection

    def run() -> None:
        try:
            work()
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    if wait:
        thread.join(timeout=60)
    return thread


@postgresql_only
def test_a_writer_takes_a_free_lane_without_waiting_and_waits_only_when_every_lane_is_held(db, settings):
    """Lanes 1-3 held by one transaction: a writer takes lane 4 at once (a wait would hit its lock timeout) and
    keeps it for the rest of its transaction; a third writer, with every lane held, waits (and times out)."""
    from django.db import OperationalError, transaction

    settings.AUDIT_CHAIN_LANES = 4
    existing: list[int] = []
    _in_own_connection(lambda: (existing.extend(AuditChainHead.objects.values_list("pk", flat=True)),
                                audit.ensure_lane_heads()))
    lanes_held, lane_4_taken, release = threading.Event(), threading.Event(), threading.Event()
    lanes: list[int] = []
    errors: list[BaseException] = []

    def hold_lanes_1_to_3() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT id FROM core_auditchainhead WHERE id IN (1, 2, 3) FOR UPDATE")
            lanes_held.set()
            release.wait(timeout=60)

    def write_while_lanes_1_to_3_are_held() -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            try:
                record_change(actor=None, action="test.free", object_type="x", object_id="1")
                record_changes([Change("test.free", "x", str(i)) for i in (2, 3)], actor=None)
                lanes.extend(AuditEvent.objects.filter(action="test.free").order_by("id")
                             .values_list("lane", flat=True))
            except BaseException as error:  # noqa: BLE001 (asserted below)
                errors.append(error)
            lane_4_taken.set()
            release.wait(timeout=60)
            transaction.set_rollback(True)

    def write_while_every_lane_is_held() -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            try:
                record_change(actor=None, action="test.blocked", object_type="x", object_id="1")
            except OperationalError as error:
                errors.append(error)

    threads = []
    try:
        threads.append(_in_own_connection(hold_lanes_1_to_3, wait=False))
        assert lanes_held.wait(timeout=30)
        threads.append(_in_own_connection(write_while_lanes_1_to_3_are_held, wait=False))
        assert lane_4_taken.wait(timeout=30)
        assert (lanes, errors) == ([4, 4, 4], [])
        _in_own_connection(write_while_every_lane_is_held)
        assert len(errors) == 1 and "lock timeout" in str(errors[0])
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=30)
        _in_own_connection(lambda: AuditChainHead.objects.exclude(pk__in=existing).delete())


@postgresql_only
def test_one_transaction_keeps_to_one_lane(db, settings):
    """Writers start at a random lane, but a transaction's later events join the lane it already holds (so two
    transactions never each hold a lane and wait for the other's)."""
    from django.db import transaction

    settings.AUDIT_CHAIN_LANES = 8
    existing: list[int] = []
    lanes: list[list[int]] = []

    def write() -> None:
        existing.extend(AuditChainHead.objects.values_list("pk", flat=True))
        audit.ensure_lane_heads()
        for _ in range(3):
            with transaction.atomic():
                for number in range(6):
                    record_change(actor=None, action="test.one_lane", object_type="x", object_id=str(number))
                lanes.append(list(AuditEvent.objects.filter(action="test.one_lane").values_list("lane", flat=True)))
                transaction.set_rollback(True)
        AuditChainHead.objects.exclude(pk__in=existing).delete()

    _in_own_connection(write)
    assert [len(set(transaction_lanes)) for transaction_lanes in lanes] == [1, 1, 1]
    assert [len(transaction_lanes) for transaction_lanes in lanes] == [6, 6, 6]


def test_each_lane_is_walked_by_its_own_index(db):
    """Migration core.0005 builds (lane, id) itself (CONCURRENTLY on PostgreSQL): the index verify_chain seeks on."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "core_auditevent")
    assert constraints["audit_lane_idx"]["columns"] == ["lane", "id"]
    assert constraints["audit_lane_idx"]["index"]
