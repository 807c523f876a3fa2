"""The audit trail (审计): every change to a business record, hash-chained so tampering is detectable.

Services call `record_change` inside their transaction. Each event stores the SHA-256 of the previous
event's hash plus its own canonical content; `verify_chain` recomputes the chain.

Writers are serialised by the row lock on `AuditChainHead`, held from the statement that takes it to COMMIT, so
it is taken as late as possible: after the event rows are built, and on PostgreSQL for a single event by the one
statement that also advances the head and inserts the event (the database computes the hash; Python checks it),
so only COMMIT follows under the lock — each client round trip under the lock costs every other writer its wait,
and on a busy machine a round trip is a wake-up of a descheduled process (a GIL hand-off in a threaded worker).
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


_APPEND_ONE: dict[str, tuple[str, list[tuple[str, Any]]]] = {}


def _append_one_statement(connection) -> tuple[str, list[tuple[str, Any]]]:
    """PostgreSQL: one statement that locks the chain head, advances it by one event and inserts the event.

    The database computes sha256(previous + canonical) itself (`sha256`, PostgreSQL 11+). The self-join's FOR
    UPDATE waits for a concurrent writer and then reads the hash it committed; the event's id is drawn under the
    lock, so id order stays chain order. Returns the SQL and, per event column, the field whose preparation it
    needs (None: the value goes to the driver as it is — text, integers, JSON already encoded)."""
    prepared = _APPEND_ONE.get(connection.alias)
    if prepared is None:
        from yingshang.core.models import AuditChainHead

        quote = connection.ops.quote_name
        head, column, key = quote(AuditChainHead._meta.db_table), quote("hash"), quote("id")
        fields = [f for f in AuditEvent._meta.concrete_fields
                  if not f.primary_key and f.attname not in ("prev_hash", "hash")]
        # Text needs no cast (a text value longer than its column is refused, as in a plain INSERT); every other
        # column is cast to its own type, since INSERT … SELECT does not type the parameters from the columns.
        values = ", ".join("%s" if isinstance(f, models.CharField) else f"CAST(%s AS {f.db_type(connection)})"
                           for f in fields)
        sql = (
            f"WITH advanced AS (UPDATE {head} AS head"  # noqa: S608 (names from the models, quoted)
            f" SET {column} = encode(sha256(convert_to(old.{column} || %s, 'UTF8')), 'hex')"
            f" FROM (SELECT {column} FROM {head} WHERE {key} = 1 FOR UPDATE) AS old"
            f" WHERE head.{key} = 1 RETURNING old.{column} AS prev, head.{column} AS next)"
            f" INSERT INTO {quote(AuditEvent._meta.db_table)}"
            f" ({', '.join(quote(f.column) for f in fields)}, {quote('prev_hash')}, {column})"
            f" SELECT {values}, advanced.prev, advanced.next FROM advanced"
            f" RETURNING {quote('prev_hash')}, {column}"
        )
        columns = [(f.attname, None if isinstance(f, (models.CharField, models.ForeignKey, models.JSONField))
                    else f) for f in fields]
        prepared = _APPEND_ONE[connection.alias] = (sql, columns)
    return prepared


def _append_one(row: dict[str, Any], canonical: str, connection) -> bool:
    """Append one event on PostgreSQL in one statement; False when there is no chain head yet (a new database)."""
    sql, columns = _append_one_statement(connection)
    values = [row[name] if field is None or row[name] is None else field.get_db_prep_save(row[name], connection)
              for name, field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [canonical, *values])
        appended = cursor.fetchone()
    if appended is None:
        return False
    prev, digest = appended
    expected = hashlib.sha256((prev + canonical).encode()).hexdigest()
    if digest != expected:  # never seen; the chain must match what verify_chain recomputes, so Python's hash wins
        AuditEvent.objects.filter(hash=digest).update(hash=expected)
        _set_head(expected)
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
