"""The audit trail (审计): every change to a business record, hash-chained so tampering is detectable.

Services call `record_change` inside their transaction. Each event stores the SHA-256 of the previous
event's hash plus its own canonical content; `verify_chain` recomputes the chains.

There are `AUDIT_CHAIN_LANES` independent chains (lanes, 分链; default 8). Each lane has one `AuditChainHead` row
(pk = lane number) holding its newest hash, and each event names its lane. A writer locks one lane's head from
the statement that takes it to COMMIT, so that lane never forks; within a lane the event ids are drawn under
that lock, so id order is chain order. `verify_chain` checks every event against its lane predecessor and every
head against its lane's newest event: editing, deleting or inserting an event in any lane, or deleting a lane's
newest events, is detected as with one chain.

Lanes exist so that concurrent audited writes do not all queue behind one row lock (on a busy machine the holder
is often descheduled before it sends COMMIT, and every writer waits for it). On PostgreSQL a writer takes a
lane no other transaction holds (`FOR UPDATE SKIP LOCKED`, from a random starting lane so writers spread) and
waits only when every lane is held; a transaction that already holds a lane keeps to it (one segment, one lane;
and no two transactions each holding a lane wait for the other's). A single event is appended by one statement
that takes the lane, advances its head and inserts the event (the database computes the hash; Python checks it),
so only COMMIT follows under the lock. SQLite serialises writers itself: lane 1. Missing heads are created on
demand (a new database, a restore, more lanes configured) when a writer finds no free lane.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import hashlib
import json
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from yingshang.core.bulk import RawJSON, insert_rows
from yingshang.core.models import AuditEvent

# Set per request by RequestIdMiddleware, so events written by services carry it without being passed around.
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")

GENESIS = "0" * 64


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def to_jsonable(value: Any) -> Any:
    if type(value) in _JSON_SCALARS:
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Plain-JSON copy of the named fields (foreign keys by id)."""
    result = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = to_jsonable(getattr(instance, attname))
    return result


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


# One encoder for the canonical form (json.dumps with options builds a new encoder on every call).
_CANONICAL_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
_encode = _CANONICAL_ENCODER.encode


def _canonical(event: AuditEvent) -> str:
    return _encode([event.at.isoformat(), event.actor_id, event.actor_label, event.action, event.object_type,
                    event.object_id, event.before, event.after, event.reason, event.request_id])


def _digest(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _canonical(event)).encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    """One change to record: used for bulk writes (imports) where many records change at once."""

    action: str
    object_type: str
    object_id: str
    object_label: str = ""
    before: dict | None = None
    after: dict | None = None
    region_code: str = ""
    department_path: str = ""


def lane_count() -> int:
    """How many lanes writers spread over (`AUDIT_CHAIN_LANES`, at least 1)."""
    return max(1, int(getattr(settings, "AUDIT_CHAIN_LANES", 8)))


def ensure_lane_heads(lanes: int | None = None) -> None:
    """Create the head of every lane that has none (a new database, a restore, more lanes configured)."""
    from yingshang.core.models import AuditChainHead

    AuditChainHead.objects.bulk_create([AuditChainHead(pk=lane, hash=GENESIS)
                                        for lane in range(1, (lanes or lane_count()) + 1)], ignore_conflicts=True)


def _held_lane(connection) -> int:
    """The lane this transaction already holds (0: none known). Django replaces `run_on_commit` with a new list
    at every COMMIT and ROLLBACK (and at a savepoint rollback, which releases the locks taken after it), so the
    list object marks the transaction; it is kept alive by the mark, so no later list can share its identity."""
    held = getattr(connection, "_audit_lane", None)
    return held[1] if held is not None and held[0] is connection.run_on_commit else 0


def _hold_lane(connection, lane: int) -> None:
    connection._audit_lane = (connection.run_on_commit, lane)


_TAKE_FREE_LANE = (
    "SELECT {key}, {column} FROM {head} WHERE {key} <= %s"
    # The lane this transaction holds first (one transaction, one lane: no deadlock between two writers that
    # each hold one lane and wait for the other's), then every lane from a random start, so writers spread.
    " ORDER BY {key} = %s DESC, mod({key} + %s, %s) LIMIT 1 FOR UPDATE SKIP LOCKED"
)


def _free_lane_parameters(connection) -> tuple[list[int], int]:
    """`_TAKE_FREE_LANE`'s parameters (lane count, the lane held, a random start, lane count) and the start."""
    lanes = lane_count()
    start = random.randrange(lanes)  # noqa: S311 (spreads writers; not a secret)
    return [lanes, _held_lane(connection), start, lanes], start


def _lock_lane(connection) -> tuple[int, str]:
    """Lock a lane's head until COMMIT and return (lane, newest hash).

    SQLite serialises writers itself: lane 1. PostgreSQL: a lane no other transaction holds (SKIP LOCKED); only
    when every lane is held does the writer wait, for one lane."""
    from yingshang.core.models import AuditChainHead

    if connection.vendor != "postgresql":
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS})
        return 1, head.hash
    quote = connection.ops.quote_name
    names = {"head": quote(AuditChainHead._meta.db_table), "key": quote("id"), "column": quote("hash")}
    parameters, start = _free_lane_parameters(connection)
    with connection.cursor() as cursor:
        # 1. A free lane; 2. if none, create missing heads (a new database, a restore, more lanes configured) and
        #    look again; 3. every lane is held by another transaction (and this one holds none): wait for one.
        for attempt in range(2):
            cursor.execute(_TAKE_FREE_LANE.format(**names), parameters)
            row = cursor.fetchone()
            if row is not None:
                break
            if attempt == 0:
                ensure_lane_heads(parameters[0])
        else:
            wait = "SELECT {key}, {column} FROM {head} WHERE {key} = %s FOR UPDATE"  # noqa: S608 (quoted names)
            cursor.execute(wait.format(**names), [start + 1])
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError(f"audit lane {start + 1} has no head")
    _hold_lane(connection, row[0])
    return row[0], row[1]


def _set_head(lane: int, new_hash: str) -> None:
    from yingshang.core.models import AuditChainHead

    AuditChainHead.objects.filter(pk=lane).update(hash=new_hash)


_APPEND_ONE: dict[str, tuple[str, list[tuple[str, Any]]]] = {}


def _append_one_statement(connection) -> tuple[str, list[tuple[str, Any]]]:
    """PostgreSQL: one statement that takes a free lane, advances its head by one event and inserts the event.

    The lane is the first one no other transaction holds (FOR UPDATE SKIP LOCKED, in `_TAKE_FREE_LANE`'s order);
    its row lock returns the hash the lane's previous writer committed. The database computes
    sha256(previous + canonical) itself (`sha256`, PostgreSQL 11+). The event's id is drawn under the lane's lock,
    so within a lane id order is chain order. No row when no lane is free or none exists yet. Returns the SQL and,
    per event column, the field whose preparation it needs (None: the value goes to the driver as it is — text,
    integers, JSON already encoded)."""
    prepared = _APPEND_ONE.get(connection.alias)
    if prepared is None:
        from yingshang.core.models import AuditChainHead

        quote = connection.ops.quote_name
        head, column, key = quote(AuditChainHead._meta.db_table), quote("hash"), quote("id")
        fields = [f for f in AuditEvent._meta.concrete_fields
                  if not f.primary_key and f.attname not in ("lane", "prev_hash", "hash")]
        # Text needs no cast (a text value longer than its column is refused, as in a plain INSERT); every other
        # column is cast to its own type, since INSERT … SELECT does not type the parameters from the columns.
        values = ", ".join("%s" if isinstance(f, models.CharField) else f"CAST(%s AS {f.db_type(connection)})"
                           for f in fields)
        take = _TAKE_FREE_LANE.format(head=head, key=key, column=column)
        sql = (
            f"WITH advanced AS (UPDATE {head} AS head"  # noqa: S608 (names from the models, quoted)
            f" SET {column} = encode(sha256(convert_to(free.{column} || %s, 'UTF8')), 'hex')"
            f" FROM ({take}) AS free"
            f" WHERE head.{key} = free.{key}"
            f" RETURNING free.{key} AS lane, free.{column} AS prev, head.{column} AS next)"
            f" INSERT INTO {quote(AuditEvent._meta.db_table)}"
            f" ({', '.join(quote(f.column) for f in fields)}, {quote('lane')}, {quote('prev_hash')}, {column})"
            f" SELECT {values}, advanced.lane, advanced.prev, advanced.next FROM advanced"
            f" RETURNING {quote('lane')}, {quote('prev_hash')}, {column}"
        )
        columns = [(f.attname, None if isinstance(f, (models.CharField, models.ForeignKey, models.JSONField))
                    else f) for f in fields]
        prepared = _APPEND_ONE[connection.alias] = (sql, columns)
    return prepared


def _append_one(row: dict[str, Any], canonical: str, connection) -> bool:
    """Append one event on PostgreSQL in one statement; False when no lane is free (or none exists yet)."""
    sql, columns = _append_one_statement(connection)
    values = [row[name] if field is None or row[name] is None else field.get_db_prep_save(row[name], connection)
              for name, field in columns]
    parameters, _start = _free_lane_parameters(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [canonical, *parameters, *values])
        appended = cursor.fetchone()
    if appended is None:
        return False
    lane, prev, digest = appended
    _hold_lane(connection, lane)
    expected = hashlib.sha256((prev + canonical).encode()).hexdigest()
    if digest != expected:  # never seen; the chain must match what verify_chain recomputes, so Python's hash wins
        AuditEvent.objects.filter(hash=digest).update(hash=expected)
        _set_head(lane, expected)
    return True


def record_changes(changes: Sequence[Change], *, actor=None, reason: str = "", at: dt.datetime | None = None,
                   batch_size: int = 2000) -> int:
    """Append many events in one chain segment (bulk insert). Returns how many were written."""
    if not changes:
        return 0
    # Inside a service's transaction no savepoint is needed: the audit rows commit or roll back with it.
    with transaction.atomic(savepoint=False):
        return _append(changes, actor=actor, reason=reason, at=at or timezone.now(), batch_size=batch_size)


def _append(changes: Sequence[Change], *, actor, reason: str, at: dt.datetime, batch_size: int) -> int:
    """Write the events as plain rows, without model instances or the ORM's per-value preparation.

    The canonical text is the JSON array `_canonical` would produce, joined from its encoded parts (the parts
    shared by every event of this write are encoded once). The chain head is locked as late as possible: after
    the rows are built, by the statement that advances it (one event on PostgreSQL), and held until COMMIT.
    """
    label = _actor_label(actor)
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    request_id = current_request_id.get()
    # The parts of the canonical array that are the same for every event of this write.
    head = "[" + _encode(at.isoformat()) + "," + _encode(actor_id) + "," + _encode(label) + ","
    tail = "," + _encode(reason[:500]) + "," + _encode(request_id) + "]"
    rows, canonicals = [], []
    for change in changes:
        object_id = str(change.object_id)
        before, after = to_jsonable(change.before), to_jsonable(change.after)
        canonicals.append(head + _encode(change.action) + "," + _encode(change.object_type) + "," + _encode(object_id)
                          + "," + _encode(before) + "," + _encode(after) + tail)
        rows.append({
            "at": at, "actor_id": actor_id, "actor_label": label, "action": change.action,
            "object_type": change.object_type, "object_id": object_id, "object_label": change.object_label[:200],
            # Stored as the ORM would store them (JSON null as SQL NULL), so backups compare byte for byte.
            "before": None if before is None else RawJSON(json.dumps(before)),
            "after": None if after is None else RawJSON(json.dumps(after)),
            "reason": reason[:500], "request_id": request_id, "region_code": change.region_code,
            "department_path": change.department_path,
        })
    connection = transaction.get_connection()
    if len(rows) == 1 and connection.vendor == "postgresql" and _append_one(rows[0], canonicals[0], connection):
        return 1
    lane, prev = _lock_lane(connection)
    for row, canonical in zip(rows, canonicals, strict=True):
        digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
        row.update(lane=lane, prev_hash=prev, hash=digest)
        prev = digest
    insert_rows(AuditEvent, rows, batch_size=batch_size)
    _set_head(lane, prev)
    return len(rows)


def record_change(*, actor, action: str, obj: models.Model | None = None, object_type: str = "",
                  object_id: str = "", before: dict | None = None, after: dict | None = None, reason: str = "",
                  region_code: str = "", department_path: str = "") -> None:
    """Append one event for a change to `obj` (or to the record named by object_type/object_id)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    record_changes(
        [Change(action=action, object_type=object_type, object_id=object_id,
                object_label=str(obj) if obj is not None else "", before=before, after=after,
                region_code=region_code, department_path=department_path)],
        actor=actor, reason=reason,
    )


def _actor_label(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "系统"
    return f"{getattr(actor, 'full_name', '') or actor.get_username()}（{actor.get_username()}）"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first event whose hash does not match
    message: str
    intact: bool = True  # False for a broken event and for a lane whose head does not match its newest event


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every lane's hashes in id order; report the first event that does not match its lane
    predecessor, a lane whose head is not its newest event's hash, or events in a lane that has no head."""
    from yingshang.core.models import AuditChainHead

    heads = dict(AuditChainHead.objects.values_list("pk", "hash"))
    checked, lanes, lane = 0, 0, 0
    while True:
        # 1. The next lane that has events (an index seek on (lane, id)).
        following = AuditEvent.objects.filter(lane__gt=lane).order_by("lane").values_list("lane", flat=True).first()
        if following is None:
            break
        lane = following
        lanes += 1
        # 2. Each event of the lane against its predecessor in the lane.
        prev, last_id, last_event = GENESIS, 0, None
        while True:
            batch = list(AuditEvent.objects.filter(lane=lane, id__gt=last_id).order_by("id")[:batch_size])
            if not batch:
                break
            for event in batch:
                if event.prev_hash != prev or _digest(prev, event) != event.hash:
                    return ChainReport(checked, event.id, f"审计记录 #{event.id} 校验失败：记录被修改、删除或插入。",
                                       intact=False)
                prev, checked, last_id = event.hash, checked + 1, event.id
            last_event = batch[-1].id
        # 3. The lane's head against its newest event.
        if lane not in heads:
            return ChainReport(checked, None, f"审计链第 {lane} 分链没有末端记录（该分链最新为 #{last_event}）："
                               "末端可能被删除。", intact=False)
        if heads.pop(lane) != prev:
            return ChainReport(checked, None, f"审计链第 {lane} 分链末端与记录不符：该分链最新的记录可能被删除。",
                               intact=False)
    # 4. A lane whose head has moved on but has no events left: all of them were deleted.
    for lane, head in sorted(heads.items()):
        if head != GENESIS:
            return ChainReport(checked, None, f"审计链第 {lane} 分链末端与记录不符：该分链的记录可能全部被删除。",
                               intact=False)
    return ChainReport(checked, None, f"审计链完整，共校验 {checked} 条记录（{lanes} 条分链）。")
