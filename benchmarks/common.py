"""Shared benchmark plumbing: a fresh database per benchmark, timing, and the result line.

Every benchmark prints `name: ours=… baseline=… speedup=…` (speedup = baseline ÷ ours) and appends a JSON line
to benchmarks/out/results.jsonl.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
QUICK = os.environ.get("QUICK", "") not in ("", "0")


def setup_django(name: str) -> None:
    """Configure Django on a fresh database for this benchmark (SQLite file, or DATABASE_URL if given)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("YINGSHANG_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")
    if "DATABASE_URL" not in os.environ:
        path = ROOT / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115


def backend() -> str:
    from django.db import connection

    return connection.vendor


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, *, ours: float, baseline: float, unit: str, scale: str, extra: dict | None = None) -> None:
    speedup = baseline / ours if ours else float("inf")
    print(f"{name}: ours={ours:.4g}{unit} baseline={baseline:.4g}{unit} speedup={speedup:.2f} "
          f"(scale: {scale}; db: {backend()})", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    line = {"name": name, "ours": ours, "baseline": baseline, "unit": unit, "speedup": speedup, "scale": scale,
            "db": backend(), "quick": QUICK, "at": time.strftime("%Y-%m-%dT%H:%M:%S")} | (extra or {})
    with open(OUT / "results.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False) + "\n")
