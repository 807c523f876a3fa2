"""Fast multi-row INSERT for large imports: one executemany per batch, no per-row ORM machinery.

Django's bulk_create compiles SQL per batch and prepares every value through the query compiler, and building
100,000 model instances first costs as much again. `insert_rows` takes plain dicts (attname → value) and prepares
each value with the field's own `get_db_prep_save` (so types are converted exactly as the ORM would), skipping
types the driver takes as they are. A JSON column may be given already-encoded text as `RawJSON`, so a caller
that has encoded a document once (for a hash, say) does not pay for it twice. Neither function returns primary
keys; callers re-select by a natural key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

# Field types whose Python value is already what the database driver takes: no per-value preparation.
_PASS_THROUGH = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.SlugField)


class RawJSON(str):
    """JSON text to store as it is in a JSONField column (it must be valid JSON)."""

    __slots__ = ()


def insert_rows(model: type[models.Model], rows: Sequence[Mapping[str, Any]], *, batch_size: int = 2000) -> int:
    """INSERT one row per mapping of attname → Python value; returns the number of rows.

    Fields a row leaves out get their default; `auto_now`/`auto_now_add` fields left out get the current time.
    The auto primary key is left to the database.
    """
    if not rows:
        return 0
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    now = timezone.now()
    fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    # Columns the driver takes as they are come first, so a row's values start as one C-level comprehension.
    plain = [(f.attname, _default(f, now, connection)) for f in fields if _passes_through(f)]
    prepared = [(f.attname, _default(f, now, connection), _preparer(f, connection))
                for f in fields if not _passes_through(f)]
    order = [f for f in fields if _passes_through(f)] + [f for f in fields if not _passes_through(f)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in order)
    placeholders = ", ".join(["%s"] * len(order))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (names quoted)
    missing = object()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = []
            for row in rows[start:start + batch_size]:
                get = row.get
                values = [get(name, default) for name, default in plain]
                for name, default, prepare in prepared:
                    value = get(name, missing)
                    values.append(default if value is missing else None if value is None else prepare(value))
                batch.append(values)
            cursor.executemany(sql, batch)
    return len(rows)


def fast_insert(model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = 2000) -> int:
    """INSERT the model instances (auto primary key left to the database); returns the number of rows."""
    if not objects:
        return 0
    for field in model._meta.concrete_fields:
        # auto_now / auto_now_add and defaults are applied by pre_save, as in Model.save().
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                field.pre_save(obj, add=True)
    return insert_rows(model, [obj.__dict__ for obj in objects], batch_size=batch_size)


def _preparer(field: models.Field, connection) -> Callable[[Any], Any]:
    """The field's own preparation; a JSON column takes `RawJSON` as it is, a timestamp repeated across rows (an
    import's "now") is prepared once."""
    prep = field.get_db_prep_save
    if isinstance(field, models.JSONField):
        return lambda value: str(value) if type(value) is RawJSON else prep(value, connection)
    if isinstance(field, models.DateTimeField):
        last: list[Any] = [None, None]

        def prepare_timestamp(value):
            if value is not last[0]:
                last[0], last[1] = value, prep(value, connection)
            return last[1]

        return prepare_timestamp
    return lambda value: prep(value, connection)


def _default(field: models.Field, now, connection) -> Any:
    """The database value for a field a row leaves out (its default, computed once per insert)."""
    value = now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
    return field.get_db_prep_save(value, connection)


def _passes_through(field: models.Field) -> bool:
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]
        return isinstance(target, (*_PASS_THROUGH, models.AutoField))
    return isinstance(field, _PASS_THROUGH)
