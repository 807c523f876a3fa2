"""Import N enterprises from XLSX: our batched import vs a row-by-row ORM save (the naive way).

Full: N = 100,000 (goal ≤ 30 s on SQLite). QUICK: N = 5,000. The baseline is measured on up to 10,000 rows
in the same run and scaled linearly to N (a row-by-row save is linear; running it on all 100,000 rows
would take minutes) — the printed scale says so.
"""

import datetime as dt
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.common import QUICK, report, setup_django, timed  # noqa: E402

N = 5_000 if QUICK else 100_000
BASELINE_ROWS = min(N, 2_000 if QUICK else 10_000)


def build_xlsx(count: int) -> bytes:
    from openpyxl import Workbook

    from yingshang.enterprises.demo import demo_enterprises

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["统一社会信用代码", "企业名称", "主体类型", "行业代码", "成立日期", "所属县区", "住所", "法定代表人", "从业人员",
                  "营业收入（万元）", "资产总额（万元）", "资质", "标签"])
    labels = {"enterprise": "企业", "individual": "个体工商户", "cooperative": "农民专业合作社"}
    for e in demo_enterprises(count, 99, today=dt.date(2025, 1, 1)):
        sheet.append([e.credit_code, e.name, labels[e.entity_type], e.industry_code, e.established_on, e.county_code,
                      e.address, e.legal_representative, e.employees, e.revenue_10k, e.assets_10k,
                      "；".join(e.qualifications), "；".join(e.tags)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def naive_import(data: bytes, limit: int) -> int:
    """Row by row: parse, look up, save each enterprise on its own (what a first version would do)."""
    from yingshang.enterprises import importing
    from yingshang.enterprises.models import Enterprise
    from yingshang.enterprises.services import build_references, classify
    from yingshang.enterprises.spreadsheets import read_table

    table = read_table(data, "x.xlsx", max_bytes=1 << 31)
    header_map = importing.map_headers(table.headers)
    refs = build_references(dt.date(2025, 6, 30))
    saved = 0
    for offset, raw in enumerate(table.rows[:limit]):
        parsed = importing.parse_row(offset + 2, raw, header_map, refs)
        if not parsed.ok:
            continue
        values = {k: v for k, v in parsed.values.items() if k != "qualifications"}
        enterprise = Enterprise.objects.filter(credit_code=values["credit_code"]).first() or Enterprise()
        for key, value in values.items():
            setattr(enterprise, key, value)
        size = classify(industry_code=enterprise.industry_id, employees=enterprise.employees,
                        revenue_10k=enterprise.revenue_10k, assets_10k=enterprise.total_assets_10k)
        enterprise.size, enterprise.size_reason = size.size, size.reason_zh
        enterprise.save()
        saved += 1
    return saved


if __name__ == "__main__":
    # As in production, the import only enqueues its background work (the policy re-match of the imported
    # enterprises, which a worker runs; measured in bench_policy_rematch): the dummy backend records it unrun.
    os.environ["YINGSHANG_TASK_BACKEND"] = "django.tasks.backends.dummy.DummyBackend"
    setup_django("enterprise_import")
    from django.conf import settings

    from yingshang.enterprises.models import Enterprise
    from yingshang.enterprises.services import import_enterprises

    settings.MAX_UPLOAD_BYTES = 1 << 31
    data = build_xlsx(N)
    print(f"generated XLSX with {N} rows ({len(data) / 1e6:.1f} MB)", flush=True)
    cpu_start = time.process_time()
    seconds, result = timed(import_enterprises, data=data, filename="bench.xlsx", by=None,
                            today=dt.date(2025, 6, 30))
    # CPU time of this process (SQLite runs in it) is shown beside wall time: on a busy machine it tells how much
    # of the wall time was waiting for a core or the disk.
    cpu_seconds = time.process_time() - cpu_start
    print(f"ours: wall {seconds:.1f} s, CPU {cpu_seconds:.1f} s, load average {os.getloadavg()[0]:.1f}", flush=True)
    from django.tasks import default_task_backend

    queued = [r.task.name for r in default_task_backend.results]
    print(f"enqueued for the worker: {len(queued)} tasks ({', '.join(sorted(set(queued))) or 'none'})", flush=True)
    assert result.created == N and not result.rejected, (result.created, result.rejected[:3])
    assert Enterprise.objects.count() == N
    Enterprise.objects.all().delete()
    baseline_seconds, saved = timed(naive_import, data, BASELINE_ROWS)
    assert saved == BASELINE_ROWS
    baseline_scaled = baseline_seconds * N / BASELINE_ROWS
    report("enterprise_import_xlsx", ours=seconds, baseline=baseline_scaled, unit="s",
           scale=f"{N} rows; baseline measured on {BASELINE_ROWS} rows ({baseline_seconds:.1f} s) and scaled to {N}",
           extra={"rows": N, "rows_per_second": N / seconds, "cpu_seconds": cpu_seconds,
                  "load_average": os.getloadavg()[0]})
