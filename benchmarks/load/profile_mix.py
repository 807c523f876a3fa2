"""CPU per request kind of the load benchmark's mix, in process (Django test client, production settings).

Not a benchmark (no baseline): it tells where the load benchmark's CPU goes. Run:

    .venv/bin/python benchmarks/load/profile_mix.py          # SQLite file under var/bench/
    DATABASE_URL=postgres://…/ys_profile .venv/bin/python benchmarks/load/profile_mix.py
    LOAD_MIX=narrow …                                         # the 84-URL mix of sessions 4 and 5

Prints the weighted mean process CPU per request over the mix and, per request kind, its mean CPU, share of the
mix's CPU, query count, status and response size; the wide mix also the mean wall time inside database calls per
kind (on one machine mostly the database server's CPU — parsing and planning included — which the process CPU
does not show).
"""

from __future__ import annotations

import collections
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.update({"YINGSHANG_PRODUCTION": "1", "DJANGO_ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "ERROR",
                   "DJANGO_SECURE_SSL_REDIRECT": "0"})
os.environ.setdefault("DJANGO_SECRET_KEY", "profile-mix-" + "x" * 50)

REPEATS = int(os.environ.get("PROFILE_REPEATS", "5"))


def main() -> None:
    from benchmarks.bench_load import collectstatic, prepare, server_env
    from benchmarks.common import setup_django

    env = server_env()
    collectstatic(env)
    os.environ.setdefault("CACHE_URL", env["CACHE_URL"])  # the same shared cache as the load benchmark's server
    setup_django("profile_mix")
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # One client (one handler, as in a server worker: a new test client would load the middleware again, which
    # re-scans the static files); the request's session cookie is set on it for each request.
    client = Client()

    def hit(path: str, header: str):
        client.cookies.clear()
        if header.startswith("sessionid="):
            client.cookies["sessionid"] = header.split("=", 1)[1]
        extra = {"headers": {"Authorization": header}} if header.startswith("Bearer") else {}
        if path.startswith("POST "):
            url, body = path[5:].split("\t", 1)
            return client.post(url, body.replace("{n}", f"p{time.time_ns()}"), content_type="application/json",
                               **extra)
        return client.get(path, **extra)

    if os.environ.get("LOAD_MIX", "wide") == "wide":
        return profile_wide(hit, connection, CaptureQueriesContext)
    work = prepare()
    for path, header, _ in work:  # warm-up: templates compiled, caches filled
        hit(path, header)
    cpu: dict[str, list[float]] = collections.defaultdict(list)
    weight: dict[str, int] = collections.defaultdict(int)
    shape: dict[str, tuple[int, int, int]] = {}
    for _ in range(REPEATS):
        for path, header, _weight in work:
            kind = re.sub(r"/\d+", "/N", path.split("?")[0].split("\t")[0])
            start = time.process_time()
            with CaptureQueriesContext(connection) as queries:
                response = hit(path, header)
            cpu[kind].append(time.process_time() - start)
            shape[kind] = (len(queries), response.status_code, len(response.content))
    for path, _header, w in work:
        weight[re.sub(r"/\d+", "/N", path.split("?")[0].split("\t")[0])] += w
    total = sum(weight[k] * sum(v) / len(v) for k, v in cpu.items())
    print(f"weighted mean CPU per request: {total / sum(weight.values()) * 1000:.2f} ms "
          f"({len(work)} request kinds, {REPEATS} repeats, {connection.vendor})")
    for kind, values in sorted(cpu.items(), key=lambda kv: -weight[kv[0]] * sum(kv[1]) / len(kv[1])):
        mean = sum(values) / len(values)
        queries, status, size = shape[kind]
        print(f"{mean * 1000:7.2f} ms  {weight[kind] * mean / total:6.1%}  {queries:3d} queries  {status}  "
              f"{size:7d} B  {kind}")


def kind_of(path: str) -> str:
    return re.sub(r"/\d+", "/N", path.split("?")[0].split("\t")[0])


def _timed(spent: list[float]):
    """An execute wrapper adding each statement's wall time to spent[0]."""
    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - start
    return wrapper


def profile_wide(hit, connection, capture) -> None:
    """The wide mix as the load benchmark sends it: PROFILE_LINES lines in their drawn order, the first third as
    warm-up; each kind's mean CPU over the rest, with what is kept found as often as in the mix itself."""
    from benchmarks.bench_load import load_demo_data
    from benchmarks.load import wide_mix

    load_demo_data()
    entries, mix = wide_mix.lines(int(os.environ.get("PROFILE_LINES", "3000")))
    warm = len(entries) // 3
    for path, header in entries[:warm]:
        hit(path, header)
    cpu: dict[str, list[float]] = collections.defaultdict(list)
    database: dict[str, list[float]] = collections.defaultdict(list)
    shape: dict[str, tuple[int, int, int]] = {}
    kept: collections.Counter[str] = collections.Counter()
    for path, header in entries[warm:]:
        start = time.process_time()
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full log would count none
        spent = [0.0]
        with capture(connection) as queries, connection.execute_wrapper(_timed(spent)):
            response = hit(path, header)
        cpu[kind_of(path)].append(time.process_time() - start)
        # Wall time inside the database calls (the server's work and the loopback round trips): on one machine,
        # mostly the CPU the database server spends on this kind, which the process CPU above does not include.
        database[kind_of(path)].append(spent[0])
        shape[kind_of(path)] = (len(queries), response.status_code, len(response.content))
        kept[kind_of(path)] += bool(getattr(response.wsgi_request, "page_cache_hit", False))
    total = sum(sum(v) for v in cpu.values())
    count = sum(len(v) for v in cpu.values())
    in_database = sum(sum(v) for v in database.values())
    print(f"wide mix: mean CPU per request {total / count * 1000:.2f} ms, mean time in database calls "
          f"{in_database / count * 1000:.2f} ms, over {count} requests ({mix['viewers']} users, "
          f"{mix['distinct_pairs']} distinct user×URL pairs in {mix['lines']} lines, {connection.vendor}); "
          f"answered whole from the cache (core.page_cache): {sum(kept.values()) / count:.0%}")
    print("    CPU  share    in db   requests  kept  queries (last)  status  size  kind")
    for kind, values in sorted(cpu.items(), key=lambda kv: -sum(kv[1])):
        queries, status, size = shape[kind]
        print(f"{sum(values) / len(values) * 1000:7.2f} ms  {sum(values) / total:6.1%}  "
              f"{sum(database[kind]) / len(values) * 1000:5.2f} ms  n={len(values):5d}  "
              f"{kept[kind] / len(values):4.0%}  {queries:3d} queries  {status}  {size:7d} B  {kind}")


if __name__ == "__main__":
    main()
