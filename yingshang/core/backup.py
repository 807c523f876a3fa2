"""Backup and restore of the whole database (备份与恢复), self-checking with per-table row counts and checksums.

Formats, chosen by the database in use:

- SQLite → ``sqlite``: the sqlite3 online backup API (a consistent copy while the site keeps running; the backup
  file is itself a SQLite database that can be opened directly).
- PostgreSQL with ``pg_dump`` on PATH → ``pg_dump``: custom format (compressed, restored by ``pg_restore`` table by
  table with constraints last; the tools PostgreSQL operators already trust).
- Anything else, or on request → ``json``: Django ``dumpdata``/``loaddata``. Slower, but portable between SQLite and
  PostgreSQL (moving from the embedded database to a server uses this).

Every backup writes ``<path>.manifest.json`` next to it: the format and, per table, the row count and a SHA-256 of
its rows. ``restore`` compares the restored database against the manifest and fails loudly on any difference.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router

from yingshang.core.errors import BusinessRuleError

FORMATS = ("sqlite", "pg_dump", "json")
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
GZIP_MAGIC = b"\x1f\x8b"
# Rows that differ by nature between a backup and a restore: Django's migration bookkeeping is not dumped by
# `dumpdata` and is identical by construction when the schema matches.
# The cache table (core migration 0003) holds no records and changes at any moment.
UNCHECKED_TABLES = frozenset({"django_migrations", "yingshang_cache"})


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    sha256: str


@dataclass(frozen=True)
class BackupResult:
    path: Path
    format: str
    tables: dict[str, TableFingerprint]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())


def default_format(using: str = DEFAULT_DB_ALIAS) -> str:
    """The native format for the database in use (see the module docstring for why)."""
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return "sqlite"
    if vendor == "postgresql" and shutil.which("pg_dump") and shutil.which("pg_restore"):
        return "pg_dump"
    return "json"


def table_fingerprints(using: str = DEFAULT_DB_ALIAS) -> dict[str, TableFingerprint]:
    """Row count and an order-independent SHA-256 of every table's rows."""
    connection = connections[using]
    result = {}
    with connection.cursor() as cursor:
        names = sorted(n for n in connection.introspection.table_names(cursor)
                       if not n.startswith("sqlite_") and n not in UNCHECKED_TABLES)
        for name in names:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")  # noqa: S608 - introspected name
            digests = sorted(hashlib.sha256(_canonical_row(row).encode()).hexdigest() for row in cursor.fetchall())
            result[name] = TableFingerprint(rows=len(digests),
                                            sha256=hashlib.sha256("".join(digests).encode()).hexdigest())
    return result


def _canonical_row(row) -> str:
    return json.dumps([_canonical_value(v) for v in row], ensure_ascii=False, default=str)


def _canonical_value(value):
    if isinstance(value, memoryview):
        return value.tobytes().hex()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return value


def backup_database(path: Path, *, fmt: str | None = None, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a consistent backup of the database to `path` and its manifest to `path`.manifest.json."""
    fmt = fmt or default_format(using)
    if fmt not in FORMATS:
        raise BusinessRuleError(f"不支持的备份格式：{fmt}（可选 {'、'.join(FORMATS)}）。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    # 1. Fingerprint first and dump second inside one snapshot where the engine allows it; for SQLite the backup API
    #    copies a consistent snapshot and we fingerprint the copy itself.
    if fmt == "sqlite":
        _sqlite_backup(tmp, using)
        tables = _fingerprint_sqlite_file(tmp)
    elif fmt == "pg_dump":
        tables = table_fingerprints(using)
        _pg_dump(tmp, using)
    else:
        tables = table_fingerprints(using)
        _json_dump(tmp, using)
    # 2. Publish atomically: a half-written backup never carries the final name.
    os.replace(tmp, path)
    result = BackupResult(path=path, format=fmt, tables=tables)
    manifest_path(path).write_text(json.dumps(
        {"format": fmt, "vendor": connections[using].vendor, "created_at": dt.datetime.now(dt.UTC).isoformat(),
         "tables": {name: {"rows": t.rows, "sha256": t.sha256} for name, t in tables.items()}},
        ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def manifest_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".manifest.json")


def detect_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "pg_dump"
    if head.startswith(GZIP_MAGIC) or head.lstrip().startswith(b"["):
        return "json"
    raise BusinessRuleError(f"无法识别的备份文件：{path}")


def restore_database(path: Path, *, using: str = DEFAULT_DB_ALIAS, verify: bool = True) -> BackupResult:
    """Replace the database's contents with the backup at `path`; then check it against the manifest."""
    path = Path(path)
    if not path.exists():
        raise BusinessRuleError(f"备份文件不存在：{path}")
    fmt = detect_format(path)
    vendor = connections[using].vendor
    if fmt == "sqlite" and vendor != "sqlite":
        raise BusinessRuleError("这是 SQLite 备份，当前数据库不是 SQLite；请用 --format json 备份后再迁移。")
    if fmt == "pg_dump" and vendor != "postgresql":
        raise BusinessRuleError("这是 PostgreSQL 备份，当前数据库不是 PostgreSQL；请用 --format json 备份后再迁移。")
    if fmt == "sqlite":
        _sqlite_restore(path, using)
    elif fmt == "pg_dump":
        _pg_restore(path, using)
    else:
        _json_restore(path, using)
    tables = table_fingerprints(using)
    if verify and manifest_path(path).exists():
        expected = json.loads(manifest_path(path).read_text(encoding="utf-8"))["tables"]
        # Checksums are only comparable within one engine (the same value is typed differently elsewhere).
        same_engine = json.loads(manifest_path(path).read_text(encoding="utf-8")).get("vendor") == vendor
        problems = []
        for name, want in sorted(expected.items()):
            got = tables.get(name)
            if got is None:
                problems.append(f"缺少表 {name}")
            elif got.rows != want["rows"]:
                problems.append(f"表 {name} 行数 {got.rows}，备份时为 {want['rows']}")
            elif same_engine and got.sha256 != want["sha256"]:
                problems.append(f"表 {name} 内容校验和不一致")
        if problems:
            raise BusinessRuleError("恢复后的数据与备份清单不符：" + "；".join(problems[:10]))
    return BackupResult(path=path, format=fmt, tables=tables)


# -- SQLite ---------------------------------------------------------------------------------------

def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    connection.ensure_connection()
    return connection.connection


def _sqlite_backup(target: Path, using: str) -> None:
    destination = sqlite3.connect(target)
    try:
        _raw_sqlite(using).backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal sidecar
    finally:
        destination.close()


def _fingerprint_sqlite_file(path: Path) -> dict[str, TableFingerprint]:
    # The same type detection as Django's own SQLite connections (its converters are registered module-wide), so
    # these fingerprints equal `table_fingerprints()` of the live database holding the same rows.
    source = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        names = sorted(r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
                       if not r[0].startswith("sqlite_") and r[0] not in UNCHECKED_TABLES)
        result = {}
        for name in names:
            rows = source.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608 - name from sqlite_master
            digests = sorted(hashlib.sha256(_canonical_row(row).encode()).hexdigest() for row in rows)
            result[name] = TableFingerprint(rows=len(digests),
                                            sha256=hashlib.sha256("".join(digests).encode()).hexdigest())
        return result
    finally:
        source.close()


def _sqlite_restore(path: Path, using: str) -> None:
    source = sqlite3.connect(path)
    try:
        raw = _raw_sqlite(using)
        if raw.in_transaction:
            raise BusinessRuleError("数据库正处于事务中，无法恢复；请停止网站和后台任务后重试。")
        source.backup(raw)
    finally:
        source.close()


# -- PostgreSQL -----------------------------------------------------------------------------------

def _pg_env_and_args(using: str) -> tuple[dict[str, str], list[str]]:
    settings = connections[using].settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    return env, args


def _pg_dump(target: Path, using: str) -> None:
    env, args = _pg_env_and_args(using)
    name = connections[using].settings_dict["NAME"]
    command = [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
               "--file", str(target), *args, "--dbname", name]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise BusinessRuleError(f"pg_dump 失败：{completed.stderr.strip()[:500]}")


def _pg_restore(path: Path, using: str) -> None:
    connection = connections[using]
    connection.close()  # our own idle session must not hold locks on the tables being replaced
    env, args = _pg_env_and_args(using)
    name = connection.settings_dict["NAME"]
    command = [shutil.which("pg_restore") or "pg_restore", "--clean", "--if-exists", "--no-owner",
               "--no-privileges", "--single-transaction", "--exit-on-error", *args, "--dbname", name, str(path)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise BusinessRuleError(f"pg_restore 失败：{completed.stderr.strip()[:500]}")


# -- portable JSON (dumpdata / loaddata) ----------------------------------------------------------

class _PreciseEncoder(DjangoJSONEncoder):
    """Like Django's encoder but keeps microseconds (dumpdata rounds to milliseconds, which would change timestamps
    and break the audit hash chain after a restore)."""

    def default(self, o):
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


def _json_dump(target: Path, using: str) -> None:
    app_list = {config: None for config in apps.get_app_configs() if config.models_module is not None}
    models = [m for m in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
              if not m._meta.proxy and m._meta.managed and router.allow_migrate_model(using, m)]
    objects = itertools.chain.from_iterable(
        m._base_manager.using(using).order_by(m._meta.pk.name).iterator(chunk_size=2000) for m in models)
    with gzip.open(target, "wt", encoding="utf-8") as handle:
        serializers.serialize("json", objects, stream=handle, cls=_PreciseEncoder)


def _json_restore(path: Path, using: str) -> None:
    # Flush without post_migrate so that content types and permissions keep exactly the ids in the backup.
    call_command("flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0)
    with open(path, "rb") as handle:
        compressed = handle.read(2) == GZIP_MAGIC
    plain = path
    if compressed:
        plain = path.with_name(path.name + ".json")
        with gzip.open(path, "rb") as source, open(plain, "wb") as destination:
            shutil.copyfileobj(source, destination)
    try:
        call_command("loaddata", str(plain), database=using, verbosity=0)
    finally:
        if compressed:
            plain.unlink(missing_ok=True)
