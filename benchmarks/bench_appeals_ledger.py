"""Appeal ledger and monthly metrics on a large appeals table: ours vs the naive query.

1. Fill the appeals table with synthetic rows in SQL (INSERT … SELECT over a number series): all states,
   12 months, every department with a function, flags for the metrics.
2. Department ledger: p95 of our ledger query (page 1 + count, as a department leader sees it) vs a naive
   query (department via the tree join, ordered by received time); also the p95 of the whole ledger page.
3. Monthly metrics for all departments: the pre-aggregated table (AppealMonthlyStat) vs aggregating the
   appeals table live; also the cost of refreshing one month of the pre-aggregate.

Sizes: QUICK=1 → 20,000 rows; otherwise BENCH_APPEALS_ROWS (default 5,000,000 on PostgreSQL, 300,000 on SQLite).
PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingshang_bench_appeals (created if missing).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import QUICK, percentile, report  # noqa: E402

CHUNK = 500_000


def ensure_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def rows_wanted(vendor: str) -> int:
    if QUICK:
        return 20_000
    default = 5_000_000 if vendor == "postgresql" else 300_000
    return int(os.environ.get("BENCH_APPEALS_ROWS") or default)


def fill(rows: int) -> float:
    """Insert `rows` synthetic appeals; returns seconds taken."""
    from django.db import connection

    from yingshang.appeals.models import AppealCategory
    from yingshang.core.models import Department

    departments = list(Department.objects.exclude(function_key="").values_list("pk", "region_id"))
    categories = list(AppealCategory.objects.values_list("pk", "kind"))
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_dept")
        cursor.execute("DROP TABLE IF EXISTS bench_cat")
        cursor.execute(
            "CREATE TABLE bench_dept (idx integer primary key, dept_id integer, region_id integer)"
        )
        cursor.execute("CREATE TABLE bench_cat (idx integer primary key, cat_id integer, kind varchar(12))")
        cursor.executemany(
            "INSERT INTO bench_dept VALUES (%s, %s, %s)", [(i, d, r) for i, (d, r) in enumerate(departments)]
        )
        cursor.executemany(
            "INSERT INTO bench_cat VALUES (%s, %s, %s)", [(i, c, k) for i, (c, k) in enumerate(categories)]
        )
        postgres = connection.vendor == "postgresql"
        dropped = []
        if postgres:
            # Bulk-load the PostgreSQL way: secondary indexes rebuilt once at the end, FK triggers off while
            # loading rows whose keys come from the reference tables themselves.
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'appeals_appeal' "
                "AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
            )
            dropped = cursor.fetchall()
            for name, _ in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET session_replication_role = replica")
        for low in range(1, rows + 1, CHUNK):
            high = min(rows, low + CHUNK - 1)
            cursor.execute(_insert_sql(connection.vendor, low, high, len(departments), len(categories)))
            print(f"  … {high:,} rows ({time.perf_counter() - start:.0f}s)", flush=True)
        if postgres:
            cursor.execute("SET session_replication_role = DEFAULT")
            for _, definition in dropped:
                cursor.execute(definition)
        cursor.execute("DROP TABLE bench_dept")
        cursor.execute("DROP TABLE bench_cat")
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE appeals_appeal")
        else:
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


STATUS = (
    "CASE s.k WHEN 0 THEN 'received' WHEN 1 THEN 'refused' WHEN 2 THEN 'dispatched' WHEN 3 THEN 'signed' "
    "WHEN 4 THEN 'handling' WHEN 5 THEN 'handling' WHEN 6 THEN 'replied' WHEN 17 THEN 'archived' "
    "WHEN 18 THEN 'archived' WHEN 19 THEN 'archived' ELSE 'closed' END"
)
COLUMNS = (
    "tracking_number, token, channel, requester_type, category_id, kind, urgency, title, description, address, "
    "contact_name, contact_phone, anonymous, external_id, client_key, policy_clause_title, approval_item, "
    "status, suggestion_source, refusal_kind, refusal_reason, reply_text, archive_evidence, received_at, month, "
    "sla_text, escalation_level, paused_seconds, extension_days, extension_count, dispute_count, "
    "redispatch_count, reopen_count, resolution, revisited, created_at, updated_at, handling_department_id, "
    "region_id, dispatched_at, due_at, signed_in_time, contacted_in_time, replied_in_time, rating_level"
)


def _insert_sql(vendor: str, low: int, high: int, departments: int, categories: int) -> str:
    if vendor == "postgresql":
        series = f"generate_series({low}::bigint, {high}::bigint) AS s0(g)"
        number = "lpad(s.g::text, 12, '0')"
        received = "(timestamptz '2025-01-01 00:00:00+08' + ((s.g * 7919) % 525600) * interval '1 minute')"
        month = f"date_trunc('month', {received} AT TIME ZONE 'Asia/Shanghai')::date"
        due = f"{received} + interval '7 days'"
        true, false, now = "true", "false", "now()"
    else:
        recursive = f"WITH RECURSIVE r(g) AS (SELECT {low} UNION ALL SELECT g + 1 FROM r WHERE g < {high})"  # noqa: S608
        series = f"({recursive} SELECT g FROM r) AS s0"  # noqa: S608
        number = "printf('%012d', s.g)"
        received = "datetime('2024-12-31 16:00:00', '+' || ((s.g * 7919) % 525600) || ' minutes')"
        month = f"date(datetime({received}, '+8 hours'), 'start of month')"
        due = f"datetime({received}, '+7 days')"
        true, false, now = "1", "0", "datetime('now')"
    open_ = "s.k IN (0, 1)"
    closed = "s.k >= 7"
    return f"""
INSERT INTO appeals_appeal ({COLUMNS})
SELECT 'B' || {number}, 'T' || {number}, 'api', 'enterprise', c.cat_id, c.kind, 'normal', '基准诉求', '基准数据',
  '', '', '', {false}, '', '', '', '', {STATUS}, '', '', '', '', '', {received}, {month}, '', 0, 0, 0, 0,
  CASE WHEN s.g % 50 = 0 THEN 1 ELSE 0 END, CASE WHEN s.g % 40 = 0 THEN 1 ELSE 0 END,
  CASE WHEN s.g % 60 = 0 THEN 1 ELSE 0 END,
  CASE WHEN {closed} THEN (CASE s.g % 10 WHEN 0 THEN 'unresolved' WHEN 1 THEN 'partly' ELSE 'resolved' END) ELSE '' END,
  CASE WHEN {closed} AND s.g % 9 = 0 THEN {true} ELSE {false} END, {now}, {now},
  CASE WHEN {open_} THEN NULL ELSE d.dept_id END, d.region_id,
  CASE WHEN {open_} THEN NULL ELSE {received} END, CASE WHEN {open_} THEN NULL ELSE {due} END,
  CASE WHEN {open_} THEN NULL WHEN s.g % 10 = 0 THEN {false} ELSE {true} END,
  CASE WHEN {open_} OR s.k = 2 THEN NULL WHEN s.g % 12 = 0 THEN {false} ELSE {true} END,
  CASE WHEN s.k < 6 THEN NULL WHEN s.g % 8 = 0 THEN {false} ELSE {true} END,
  CASE WHEN {closed} THEN (CASE (s.g * 3) % 10 WHEN 0 THEN 2 WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 4 ELSE 5 END)
       ELSE NULL END
FROM (SELECT g, g % 20 AS k FROM {series}) AS s
JOIN bench_dept d ON d.idx = (s.g * 13) % {departments}
JOIN bench_cat c ON c.idx = s.g % {categories}
"""  # noqa: S608 -- built from integers and constants only


def main() -> None:
    ensure_postgres_database()
    from common import setup_django

    setup_django("appeals_ledger")
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from yingshang.accounts.models import User
    from yingshang.appeals import metrics, selectors, services
    from yingshang.appeals.models import Appeal
    from yingshang.core.models import Department

    services.load_appeal_catalogue()
    rows = rows_wanted(connection.vendor)
    existing = Appeal.objects.count()
    if existing != rows:  # DATABASE_URL may point at a database kept from an earlier run of the same size
        with connection.cursor() as cursor:  # not Model.delete(): that would load every row into Python
            if connection.vendor == "postgresql":
                cursor.execute("TRUNCATE appeals_appeal, appeals_appealmonthlystat CASCADE")
            else:
                cursor.execute("DELETE FROM appeals_appealmonthlystat")
                cursor.execute("DELETE FROM appeals_appeal")
        seconds = fill(rows)
        print(f"filled {rows:,} appeals in {seconds:.1f}s", flush=True)
    else:
        print(f"reusing {rows:,} appeals", flush=True)
    if connection.vendor == "postgresql":
        # The steady state autovacuum maintains: visibility map set, so counts can use index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE appeals_appeal")
    now = timezone.now()
    month = dt.date(2025, 6, 1)
    scale = f"{rows:,} appeals"

    # -- 1. department ledger ------------------------------------------------------------------------------
    busiest = (
        Appeal.objects.filter(month=month, handling_department__isnull=False)
        .values("handling_department")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.get(pk=busiest["handling_department"])
    leader = User.objects.filter(username="bench_leader").first() or User.objects.create_user(
        username="bench_leader",
        password="Bench-pass-2025",  # noqa: S106
        role="dept_leader",
        department=department,
    )
    filters = selectors.LedgerFilters()

    def ours_query():
        qs = selectors.ledger(leader, filters, now=now)
        return len(list(qs[:20])), qs.count()

    def naive_query():
        qs = (
            Appeal.objects.filter(handling_department__path__startswith=department.path)
            .select_related("category", "handling_department", "region", "enterprise")
            .order_by("-received_at")
        )
        return len(list(qs[:20])), qs.count()

    repeats = 15 if QUICK else 30
    ours = [_time(ours_query) for _ in range(repeats)]
    naive = [_time(naive_query) for _ in range(max(5, repeats // 3))]
    per_department = Appeal.objects.filter(handling_department=department).count()
    report(
        "appeals_ledger_query_p95",
        ours=percentile(ours, 95) * 1000,
        baseline=percentile(naive, 95) * 1000,
        unit="ms",
        scale=f"{scale}; department with {per_department:,}",
    )
    client = Client()
    client.force_login(leader)
    client.get("/appeals/ledger/")
    pages = [_time(lambda: client.get("/appeals/ledger/").status_code) for _ in range(repeats)]
    deep = [
        _time(lambda: client.get("/appeals/ledger/", {"page": 40}).status_code) for _ in range(repeats // 3)
    ]
    print(
        f"appeals ledger page (HTTP, leader of {department.name}): p95={percentile(pages, 95) * 1000:.1f}ms "
        f"median={statistics.median(pages) * 1000:.1f}ms; page 40 p95={percentile(deep, 95) * 1000:.1f}ms "
        f"(target p95 ≤ 300 ms)",
        flush=True,
    )

    # -- 2. monthly metrics for all departments --------------------------------------------------------------
    refresh = _time(lambda: services.refresh_monthly_stats(month, now=now))

    def ours_metrics():
        counts = selectors.monthly_counts(month, by="department", now=now)
        return {pk: metrics.rates(c) for pk, c in counts.items()}

    def naive_metrics():
        counts = selectors.monthly_counts(month, by="department", now=now, live=True)
        return {pk: metrics.rates(c) for pk, c in counts.items()}

    assert ours_metrics() == naive_metrics()
    ours_m = [_time(ours_metrics) for _ in range(repeats)]
    naive_m = [_time(naive_metrics) for _ in range(3 if not QUICK else 5)]
    report(
        "appeals_monthly_metrics_all_departments",
        ours=statistics.median(ours_m) * 1000,
        baseline=statistics.median(naive_m) * 1000,
        unit="ms",
        scale=f"{scale}; {len(ours_metrics())} department rows in {month:%Y-%m}",
        extra={"refresh_one_month_ms": refresh * 1000},
    )
    print(
        f"refreshing the pre-aggregate for {month:%Y-%m}: {refresh * 1000:.0f}ms (run by sweep_appeals / on demand)",
        flush=True,
    )


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
