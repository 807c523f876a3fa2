"""API token authentication (接口令牌): one indexed query per request, no cache.

Every request reads the token row, its user and the user's scope (region; department and its region) in one
statement whose SQL is built once per process from the models' fields, and builds fresh model instances from the
row — without the ORM's per-query compilation, which cost ten times the query itself (2.7 ms of CPU per request
against 0.27 ms). Because the database is asked on every request, a token revoked or a user deactivated, or given
another role, department or region, by any process and by any means (service, admin, bulk UPDATE, SQL) is refused
or re-scoped on the next request everywhere. A per-process cache checked against a shared "token generation" key
was measured and rejected: a Redis GET costs as much CPU as this query (0.32 ms) and it would miss changes made
without bumping the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models

LAST_USED_EVERY = dt.timedelta(minutes=1)


def digest(key: str) -> str:
    """The stored form of a key (SHA-256 hex); the key itself is never stored."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class _Part:
    """One model's columns in the joined row: where they start and how each value is converted."""

    model: type[models.Model]
    start: int
    converters: tuple[tuple[int, Sequence[Callable[..., Any]], Any], ...]  # (index, converters, expression)

    def build(self, row: Sequence[Any], connection) -> models.Model | None:
        count = len(self.model._meta.concrete_fields)
        values = list(row[self.start:self.start + count])
        if values[0] is None:  # primary key NULL: the LEFT JOIN found nothing
            return None
        for index, converters, expression in self.converters:
            value = values[index]
            for convert in converters:
                value = convert(value, expression, connection)
            values[index] = value
        return self.model.from_db(connection.alias, None, values)


@dataclass(frozen=True)
class _Loader:
    sql: str
    last_used: tuple[Sequence[Callable[..., Any]], Any]  # the converters of the token's last_used_at
    user: _Part
    region: _Part
    department: _Part
    department_region: _Part


_LOADERS: dict[str, _Loader] = {}


def _loader(connection) -> _Loader:
    loader = _LOADERS.get(connection.vendor)
    if loader is None:
        loader = _LOADERS[connection.vendor] = _build_loader(connection)
    return loader


def _scope_joins(connection, columns: list[str]) -> tuple[list[_Part], str]:
    """Append the columns of the user (alias u), its region, department and the department's region to `columns`;
    returns their parts and the JOINs that bring them (the statement must name the user table as u)."""
    from yingshang.accounts.models import User
    from yingshang.core.models import Department, Region

    quote = connection.ops.quote_name
    parts = []
    for alias, model in (("u", User), ("r", Region), ("d", Department), ("dr", Region)):
        start = len(columns)
        converters = []
        for index, field in enumerate(model._meta.concrete_fields):
            columns.append(f"{alias}.{quote(field.column)}")
            expression = field.get_col(alias)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            if found:
                converters.append((index, tuple(found), expression))
        parts.append(_Part(model, start, tuple(converters)))
    user_fk = User._meta.get_field("region").column
    department_fk = User._meta.get_field("department").column
    department_region_fk = Department._meta.get_field("region").column
    pk = {model: quote(model._meta.pk.column) for model in (Region, Department)}
    joins = (
        f" LEFT JOIN {quote(Region._meta.db_table)} r ON r.{pk[Region]} = u.{quote(user_fk)}"
        f" LEFT JOIN {quote(Department._meta.db_table)} d ON d.{pk[Department]} = u.{quote(department_fk)}"
        f" LEFT JOIN {quote(Region._meta.db_table)} dr ON dr.{pk[Region]} = d.{quote(department_region_fk)}"
    )
    return parts, joins


def _build_loader(connection) -> _Loader:
    from yingshang.accounts.models import ApiToken, User

    quote = connection.ops.quote_name
    last_used_field = ApiToken._meta.get_field("last_used_at")
    last_used_col = last_used_field.get_col("t")
    last_used = (tuple(connection.ops.get_db_converters(last_used_col)
                       + last_used_field.get_db_converters(connection)), last_used_col)
    columns: list[str] = [f"t.{quote(ApiToken._meta.pk.column)}", f"t.{quote(last_used_field.column)}"]
    parts, joins = _scope_joins(connection, columns)
    token_user_fk = ApiToken._meta.get_field("user").column
    key_hash, revoked_at = (quote(ApiToken._meta.get_field(name).column) for name in ("key_hash", "revoked_at"))
    # Every name comes from the models and is quoted; the only value is a parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(ApiToken._meta.db_table)} t"  # noqa: S608
        f" INNER JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = t.{quote(token_user_fk)}"
        f"{joins} WHERE t.{key_hash} = %s AND t.{revoked_at} IS NULL"
    )
    return _Loader(sql, last_used, *parts)


def _with_scope(row, parts: Sequence[_Part], connection):
    """The user built from the row, its region and department (with its region) attached as select_related would."""
    user_part, region_part, department_part, department_region_part = parts
    user = user_part.build(row, connection)
    if user is None:
        return None
    department = department_part.build(row, connection)
    if department is not None:
        department._state.fields_cache["region"] = department_region_part.build(row, connection)
    user._state.fields_cache["region"] = region_part.build(row, connection)
    user._state.fields_cache["department"] = department
    return user


_USER_SQL: dict[str, tuple[str, list[_Part]]] = {}


def user_with_scope(user_id) -> object | None:
    """The user with this primary key, with region and department (and its region) loaded, and the count of its
    unread messages (`unread_notifications_at_load`, the badge every page shows), in one statement built once per
    process (the session's user on every page view: the ORM's compilation of the same join cost several times the
    query, and the badge's own query was a second round trip on every page)."""
    from yingshang.accounts.models import User
    from yingshang.core.selectors import unread_count_sql

    connection = connections[DEFAULT_DB_ALIAS]
    built = _USER_SQL.get(connection.vendor)
    if built is None:
        quote = connection.ops.quote_name
        columns: list[str] = []
        parts, joins = _scope_joins(connection, columns)
        columns.append(unread_count_sql(connection, f"u.{quote(User._meta.pk.column)}"))
        sql = (f"SELECT {', '.join(columns)} FROM {quote(User._meta.db_table)} u{joins}"  # noqa: S608 - quoted names
               f" WHERE u.{quote(User._meta.pk.column)} = %s")
        built = _USER_SQL[connection.vendor] = (sql, parts)
    sql, parts = built
    with connection.cursor() as cursor:
        cursor.execute(sql, [int(user_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    user = _with_scope(row, parts, connection)
    if user is not None:
        user.unread_notifications_at_load = int(row[-1])
    return user


def user_for_key(key: str, *, now: dt.datetime):
    """The active user a live token belongs to, with region and department (and its region) loaded; else None.

    Records when the token was last used, at most once a minute per token (a conditional UPDATE, so concurrent
    requests write once).
    """
    from yingshang.accounts.models import ApiToken

    connection = connections[DEFAULT_DB_ALIAS]
    loader = _loader(connection)
    with connection.cursor() as cursor:
        cursor.execute(loader.sql, [digest(key)])
        row = cursor.fetchone()
    if row is None:
        return None
    user = _with_scope(row, (loader.user, loader.region, loader.department, loader.department_region), connection)
    if user is None or not user.is_active:
        return None
    token_id, last_used_at = row[0], row[1]
    if last_used_at is not None:
        converters, expression = loader.last_used
        for convert in converters:
            last_used_at = convert(last_used_at, expression, connection)
    stale = now - LAST_USED_EVERY
    if last_used_at is None or last_used_at < stale:
        ApiToken.objects.filter(models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lt=stale),
                                pk=token_id).update(last_used_at=now)
    return user
