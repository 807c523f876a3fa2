"""Policy re-match after a registry import (精准推送): N enterprises × M active clauses, matches stored.

ours      services.refresh_enterprises_matches(ids): per chunk of 2,000 ids, the facts of just those enterprises
          as columns (selectors.load_fact_table(ids)), every clause evaluated by the vectorised engine
          (matching.evaluate_many), PolicyMatch rows written in bulk (what the import's batched task runs).
baseline  the previous path, one enterprise at a time: facts read through the ORM (selectors.enterprise_facts),
          every clause evaluated and explained by the per-pair engine (selectors.live_matches), each met/unknown
          row saved with Model.save(). Timed on a sample of enterprises and scaled linearly to N (stated).
Both run with push=False (no enterprise has users here); the stored rows of the sample must be identical.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_policy_matching as data  # noqa: E402
from common import QUICK, report, setup_django  # noqa: E402

N_ENTERPRISES = 2_000 if QUICK else 20_000
N_CLAUSES = 200 if QUICK else 1_000
BASELINE_SAMPLE = 200 if QUICK else 300


def previous_path(enterprise, *, now, clauses, names) -> None:
    """The per-enterprise re-match as it was before the bulk path (session 2 code, push off)."""
    from django.db import transaction

    from yingshang.policies import matching, selectors
    from yingshang.policies.models import PolicyMatch

    facts = selectors.enterprise_facts(enterprise)
    live = selectors.live_matches(facts, today=now.date(), clauses=clauses, names=names)
    keep = {m.clause.pk: m for m in live if m.result.status != matching.NOT_MET}
    with transaction.atomic():
        PolicyMatch.objects.filter(enterprise=enterprise).exclude(clause_id__in=list(keep)).delete()
        existing = {m.clause_id: m for m in PolicyMatch.objects.filter(enterprise=enterprise)}
        for clause_id, match in keep.items():
            row = existing.get(clause_id) or PolicyMatch(enterprise=enterprise, clause_id=clause_id)
            row.status = match.result.status
            row.estimated_max_yuan = match.result.estimated_max_yuan
            row.decidable_from_registry = match.result.decidable_from_registry
            row.computed_at = now
            row.save()


def main() -> None:
    setup_django("policy_rematch")
    import datetime as dt

    from django.utils import timezone

    from yingshang.enterprises.models import Enterprise
    from yingshang.policies import selectors, services
    from yingshang.policies.models import PolicyMatch

    data.N_ENTERPRISES, data.N_CLAUSES = N_ENTERPRISES, N_CLAUSES
    data.populate(random.Random(2025))
    now = timezone.make_aware(dt.datetime.combine(data.TODAY, dt.time(10)))
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))

    # 1. Ours, as the import's task runs it (chunks of 2,000 ids).
    start, cpu_start = time.perf_counter(), time.process_time()
    totals = services.refresh_enterprises_matches(ids, now=now, push=False)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    stored = PolicyMatch.objects.count()

    # 2. Baseline on a sample, after clearing the sample's rows (so it inserts, as on a first import).
    sample_ids = ids[:BASELINE_SAMPLE]
    expected = sorted(
        PolicyMatch.objects.filter(enterprise_id__in=sample_ids).values_list(
            "enterprise_id", "clause_id", "status", "estimated_max_yuan", "decidable_from_registry"
        )
    )
    PolicyMatch.objects.filter(enterprise_id__in=sample_ids).delete()
    clauses, names = selectors.active_clauses(), selectors.rule_names()
    sample = list(Enterprise.objects.filter(pk__in=sample_ids).select_related("region", "zone", "industry"))
    start, cpu_start = time.perf_counter(), time.process_time()
    for enterprise in sample:
        previous_path(enterprise, now=now, clauses=clauses, names=names)
    loop, loop_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    got = sorted(
        PolicyMatch.objects.filter(enterprise_id__in=sample_ids).values_list(
            "enterprise_id", "clause_id", "status", "estimated_max_yuan", "decidable_from_registry"
        )
    )
    if got != expected:
        raise SystemExit(f"paths disagree on the sample: {len(set(got) ^ set(expected))} rows differ")
    factor = N_ENTERPRISES / len(sample)
    report(
        "policy_rematch_import",
        ours=ours,
        baseline=loop * factor,
        unit="s",
        scale=f"{N_ENTERPRISES} enterprises × {len(clauses)} clauses, {stored} rows stored "
        f"({totals['met']} met + {totals['unknown']} unknown); process CPU ours {ours_cpu:.2f} s, "
        f"baseline {loop_cpu * factor:.1f} s; baseline timed on {len(sample)} enterprises and scaled; "
        f"the sample's {len(expected)} stored rows identical in both paths",
        extra={"ours_cpu_s": ours_cpu, "baseline_cpu_s": loop_cpu * factor},
    )


if __name__ == "__main__":
    main()
