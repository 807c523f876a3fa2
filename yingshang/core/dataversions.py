"""Data versions: a token per table that changes whenever a row of that table is written, in any process.

Pages that are costly to render cache their HTML under a key that includes the tokens of the tables they read
(`token_for(...)`), so a cached fragment can never outlive the data it shows: the next write to any of those
tables gives a new token and the old entry is simply never asked for again.

Writes are seen where they happen: every connection gets an execute wrapper (installed from CoreConfig.ready) that
notes the table of each INSERT, UPDATE and DELETE statement — the ORM, `QuerySet.update()`, `core.bulk.insert_rows`
and raw SQL through Django's cursor alike, so no service has to remember to invalidate anything. A table's token is
renewed after COMMIT (at once for a statement outside a transaction). A reader takes the token before it reads the
rows, so a page rendered from rows older than a commit is filed under a token that the commit has already replaced.
Tokens live in the shared cache (`caches["default"]`: Redis or the
database cache table in production), so every worker process sees every other's writes.

Not seen: writes that bypass Django (psql, another program), and a fragment rendered inside a transaction that is
then rolled back. Cached fragments expire on their own (`FRAGMENT_SECONDS`), which bounds both; tests empty the
cache before each test, since every test's transaction is rolled back.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction

# Every write Django makes renews the tokens, so this only bounds what Django cannot see (a psql UPDATE, a render
# inside a transaction later rolled back). Fifteen minutes rather than five: a page that thousands of users each see
# their own version of (an enterprise's, a department's) is seldom visited twice within five minutes.
FRAGMENT_SECONDS = 900
logger = logging.getLogger(__name__)
_PREFIX = "dv:"
# The table an INSERT / UPDATE / DELETE writes; Django quotes names with " (SQLite, PostgreSQL) or ` (MySQL).
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?([A-Za-z0-9_]+)', re.IGNORECASE)
_WRITE_IN_CTE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+["`]?([A-Za-z0-9_]+)', re.IGNORECASE)
# Tables whose writes no cached page depends on, and that are written on (almost) every request.
_IGNORED = frozenset({"django_session", "yingshang_cache"})
# The tables a SELECT reads (subqueries and joins included). A name that is not a table (a CTE's, a column in
# EXTRACT(… FROM "t"."c")) only adds a token nobody renews: a needless dependency, never a missed one.
_READ = re.compile(r'\b(?:FROM|JOIN)\s+["`]?([A-Za-z0-9_]+)', re.IGNORECASE)


class Reading:
    """What one request read and wrote while `reading()` was on: the tables of its SELECT statements and of the
    tokens it asked for (`token_for`: kept fragments and values), and whether it wrote anything at all."""

    __slots__ = ("tables", "wrote")

    def __init__(self) -> None:
        self.tables: set[str] = set()
        self.wrote = False


_reading: ContextVar[Reading | None] = ContextVar("dataversions_reading", default=None)


def start_reading() -> tuple[Reading, Token]:
    """Note the tables read (and any write) in this context until `stop_reading(token)` (`core.page_cache`)."""
    noted = Reading()
    return noted, _reading.set(noted)


def stop_reading(token: Token) -> None:
    _reading.reset(token)


@contextmanager
def reading() -> Iterator[Reading]:
    """`start_reading()` for the length of a block."""
    noted, token = start_reading()
    try:
        yield noted
    finally:
        stop_reading(token)


def enabled() -> bool:
    """Whether pages are kept: only where every process sees every other's writes and tokens.

    That is a Redis shared cache (production, the load benchmarks) or the one process of a test run. A per-process
    memory cache (`make demo` runs the site and its task worker as two processes) would miss the worker's writes,
    and the database cache would write through the very connection being watched: there, pages are rendered every
    time. `KEEP_PAGES = False` (YINGSHANG_KEEP_PAGES=0) turns keeping off everywhere.
    """
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    if not getattr(settings, "KEEP_PAGES", True):
        return False
    cache = caches["default"]
    return isinstance(cache, RedisCache) or (settings.TESTING and isinstance(cache, LocMemCache))


def fragment_seconds() -> int:
    """How long a kept page body lives (0: not kept); the timeout of the pages' {% cache %} tags."""
    return FRAGMENT_SECONDS if enabled() else 0


def _new_token() -> str:
    return secrets.token_hex(6)


def bump(tables: Iterable[str]) -> None:
    """Give each table a new token (its cached pages become unreachable)."""
    tables = set(tables) - _IGNORED
    if not tables:
        return
    token = _new_token()
    try:
        caches["default"].set_many({_PREFIX + table: token for table in tables}, timeout=None)
    except Exception:  # noqa: BLE001 - a write that has committed must not fail because the cache is away
        # (Redis down, or the database cache table not created yet during `migrate`.) Pages cached before may
        # then show old rows until FRAGMENT_SECONDS have passed.
        global _warned
        if not _warned:
            _warned = True
            logger.warning("数据版本未能写入共享缓存（表 %s）；缓存的页面最多 %s 秒后更新。", ",".join(sorted(tables)),
                           FRAGMENT_SECONDS, exc_info=True)


_warned = False


def token_for(*tables: str) -> str:
    """One string that changes when any of the tables is written; part of a cached fragment's key."""
    noted = _reading.get()
    if noted is not None:
        noted.tables.update(tables)
    tokens = tokens_and_value(tables)[1]
    return ".".join(tokens[table] for table in tables)


def tokens_and_value(tables: Iterable[str], key: str | None = None) -> tuple[object, dict[str, str]]:
    """The shared cache's value under `key` (None if absent or not asked for) and the token of each table, in one
    round trip. Not noted as read: the caller decides what it depends on."""
    cache = caches["default"]
    tables = list(tables)
    found = cache.get_many([*([key] if key else []), *(_PREFIX + table for table in tables)])
    value = found.pop(key, None) if key else None
    tokens = {cache_key.removeprefix(_PREFIX): token for cache_key, token in found.items()}
    missing = {table: _new_token() for table in tables if table not in tokens}
    if missing:
        # A table nobody has written since the cache was emptied: start its token (another process may race us
        # to it; whichever value stays, a page cached under the other is merely rendered once more).
        cache.set_many({_PREFIX + table: token for table, token in missing.items()}, timeout=None)
        tokens.update(missing)
    return value, tokens


def app_tables(*app_labels: str) -> tuple[str, ...]:
    """The tables of every model of the given apps, many-to-many tables included."""
    tables: set[str] = set()
    for label in app_labels:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    return tuple(sorted(tables))


def model_tables(*models) -> tuple[str, ...]:
    return tuple(sorted({model._meta.db_table for model in models}))


class _WriteWatcher:
    """The execute wrapper: renew the token of each table a statement writes, once the write is committed."""

    def __init__(self, connection):
        self.connection = connection
        self.pending: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        first = sql[:1]
        if first in "IiUuDd \n":
            match = _WRITE.match(sql)
            written = {match.group(1)} if match is not None else set()
        elif first in "Ww":  # a statement with CTEs (the audit append on PostgreSQL): every table it writes
            written = set(_WRITE_IN_CTE.findall(sql))
        else:
            written = set()
        noted = _reading.get()
        if noted is not None:
            if written:
                noted.wrote = True
            else:
                noted.tables.update(_READ.findall(sql))
        written -= _IGNORED
        if written:
            if not self.connection.in_atomic_block or settings.DATA_VERSIONS_EAGER:
                # Outside a transaction the row is committed already. Tests renew at once instead: their
                # transactions never commit, and a test reads its own writes.
                bump(written)
            else:
                self.pending.update(written)
                # One callback per savepoint level (a rolled-back savepoint discards only its own).
                level = set(self.connection.savepoint_ids)
                if not any(entry[1] == self._after_commit and entry[0] == level
                           for entry in self.connection.run_on_commit):
                    transaction.on_commit(self._after_commit, using=self.connection.alias)
        return result

    def _after_commit(self) -> None:
        # Tables noted in a transaction that was rolled back stay in `pending` and are renewed with the next
        # commit: one needless re-render, never a stale page.
        tables, self.pending = self.pending, set()
        bump(tables)


def watch_connection(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: watch the new connection's writes (once per connection)."""
    if enabled() and not any(isinstance(wrapper, _WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_WriteWatcher(connection))


def data_key(*tables: str) -> str:
    """The vary-on value of a fragment that is the same for every viewer: today's date and the tables' tokens."""
    from django.utils import timezone

    if not enabled():
        return ""
    return f"{timezone.localdate().isoformat()}:{token_for(*tables)}"


def fragment_key(user, *tables: str) -> str:
    """The vary-on value of a cached fragment shown to `user` that reads `tables`.

    Per viewer (their role, department and region are in it, so a changed role never sees the old role's view),
    per day (pages say "overdue" and "today"), and per data version of the tables.
    """
    from django.utils import timezone

    if not enabled():
        return ""
    viewer = f"{user.pk}.{user.role}.{user.department_id}.{user.region_id}.{int(user.is_superuser)}"
    return f"{viewer}:{timezone.localdate().isoformat()}:{token_for(*tables)}"


def cached_fragment[T](name: str, key: str, render: Callable[[], T]) -> T:
    """`render()`'s result, kept in the shared cache under `name` and `key` (from `fragment_key`) for
    FRAGMENT_SECONDS. What `render` raises (a 404 for a record out of the viewer's scope, say) is not kept."""
    if not enabled():
        return render()
    cache = caches["default"]
    # Hashed: names may carry a visitor's query text, of any length and alphabet.
    cache_key = "fragment:" + hashlib.sha256(f"{name}\n{key}".encode()).hexdigest()
    value = cache.get(cache_key)
    if value is None:
        value = render()
        cache.set(cache_key, value, FRAGMENT_SECONDS)
    return value


_process_values: dict[str, tuple[str, object]] = {}


def kept_in_process[T](name: str, tables: Iterable[str], load: Callable[[], T]) -> T:
    """`load()`'s result, kept in this process while the tables' tokens stand: small reference data that many
    requests read (the work calendar, the rule names), for the price of one shared-cache read instead of queries.

    The value is shared by every request of the process, so callers treat it as read-only. Loaded every time when
    pages are not kept (`enabled()` is false).
    """
    # The token is taken before the rows are read (see the module docstring).
    return kept_under_key(name, token_for(*tables) if enabled() else "", load)


def kept_under_key[T](name: str, key: str, load: Callable[[], T]) -> T:
    """`load()`'s result, kept in this process under `key` (a `data_key` or token the caller already holds): one
    entry per `name`, replaced when the key changes; an empty key (pages not kept) loads every time."""
    if not key:
        return load()
    kept = _process_values.get(name)
    if kept is not None and kept[0] == key:
        return kept[1]  # type: ignore[return-value]
    value = load()
    _process_values[name] = (key, value)
    return value
