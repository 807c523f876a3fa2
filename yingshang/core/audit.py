"""The audit trail (审计): every change to a business record, hash-chained so tampering is detectable.

Services call `record_change` inside their transaction. Each event stores the SHA-256 of the previous
event's hash plus its own canonical content; `verify_chain` recomputes the chain.

Writers are serialised by the row lock on `AuditChainHead`, held from the statement that takes it to COMMIT, so
it is taken as late as possible: after the event rows are built, and on PostgreSQL for a single event by the one
`UPDATE … RETURNING` that also advances the head (the database computes the hash; Python checks it), followed by
the event's INSERT — two statements under the lock instead of three, with no ORM compilation in between.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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


def _chain_head() -> str:
    """Lock the chain and return the newest hash; the lock serialises audit writers until commit."""
    from yingshang.core.models import AuditChainHead

    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS})
    return head.hash


def _set_head(new_hash: str) -> None:
    from yingshang.core.models import AuditChainHead

    AuditChainHead.objects.filter(pk=1).update(hash=new_hash)


_ADVANCE_SQL: dict[str, str] = {}


def _advance_sql(connection) -> str:
    """PostgreSQL: lock the head and advance it by one event in one statement, returning (previous, new) hash.

    The database computes sha256(previous + canonical) itself (`sha256`, PostgreSQL 11+), so the lock is taken by
    the statement that also moves the head; the self-join's FOR UPDATE waits for a concurrent writer and then reads
    the hash it committed."""
    sql = _ADVANCE_SQL.get(connection.alias)
    if sql is None:
        from yingshang.core.models import AuditChainHead

        quote = connection.ops.quote_name
        table, column, key = quote(AuditChainHead._meta.db_table), quote("hash"), quote("id")
        sql = _ADVANCE_SQL[connection.alias] = (
            f"UPDATE {table} AS head SET {column} = encode(sha256(convert_to(old.{column} || %s, 'UTF8')), 'hex')"  # noqa: S608
            f" FROM (SELECT {column} FROM {table} WHERE {key} = 1 FOR UPDATE) AS old"
            f" WHERE head.{key} = 1 RETURNING old.{column}, head.{column}"
        )
    return sql


_INSERT_ONE: dict[str, tuple[str, list[tuple[str, Any]]]] = {}


def _insert_one(row: dict[str, Any], connection) -> None:
    """INSERT one event row with one execute (a batch of one through `insert_rows` is an executemany, and it
    recomputes every column's default): the statement is built once; a row names every column."""
    prepared = _INSERT_ONE.get(connection.alias)
    if prepared is None:
        quote = connection.ops.quote_name
        fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
        sql = (f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608
               f" VALUES ({', '.join(['%s'] * len(fields))})")
        # Text and integer columns go to the driver as they are; JSON as the encoded text (RawJSON); timestamps
        # through the field, as the ORM prepares them.
        columns = [(f.attname, None if isinstance(f, (models.CharField, models.ForeignKey, models.JSONField))
                    else f) for f in fields]
        prepared = _INSERT_ONE[connection.alias] = (sql, columns)
    sql, columns = prepared
    values = [row[name] if field is None or row[name] is None else field.get_db_prep_save(row[name], connection)
              for name, field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


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
    if len(rows) == 1 and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_advance_sql(connection), [canonicals[0]])
            advanced = cursor.fetchone()
        if advanced is not None:  # None: no head row yet (a new database): the general path creates it
            prev, digest = advanced
            expected = hashlib.sha256((prev + canonicals[0]).encode()).hexdigest()
            if digest != expected:  # never expected; the chain must match what verify_chain recomputes
                _set_head(expected)
            rows[0].update(prev_hash=prev, hash=expected)
            _insert_one(rows[0], connection)
            return 1
    prev = _chain_head()
    for row, canonical in zip(rows, canonicals, strict=True):
        digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
        row.update(prev_hash=prev, hash=digest)
        prev = digest
    insert_rows(AuditEvent, rows, batch_size=batch_size)
    _set_head(prev)
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


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Recompute every hash in id order; report the first event that does not match."""
    from yingshang.core.models import AuditChainHead

    prev, checked, last_id = GENESIS, 0, 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev or _digest(prev, event) != event.hash:
                return ChainReport(checked, event.id, f"审计记录 #{event.id} 校验失败：记录被修改、删除或插入。")
            prev, checked, last_id = event.hash, checked + 1, event.id
    head = AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first() or GENESIS
    if head != prev:
        return ChainReport(checked, None, "审计链末端与记录不符：最新的记录可能被删除。")
    return ChainReport(checked, None, f"审计链完整，共校验 {checked} 条记录。")
