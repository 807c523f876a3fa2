"""Enterprise list with filters at N enterprises: server time p95 of the list page, constant query count.

Ours: the list view (select_related, indexed filters, one page). Baseline: the naive list — same filters
without select_related, so each row's region and industry cost a query (N+1). Full N = 100,000; QUICK 10,000.
"""

import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.common import QUICK, percentile, report, setup_django, timed  # noqa: E402

N = 10_000 if QUICK else 100_000
FILTERS = [{}, {"region": "620702"}, {"section": "A"}, {"size": "micro"}, {"region": "620723", "section": "C"},
           {"q": "种业"}, {"status": "active", "size": "small"}, {"qualification": "hnte"}, {"page": "5"}]
REPEATS = 3 if QUICK else 5


def populate(count: int) -> None:
    from yingshang.core.bulk import fast_insert
    from yingshang.core.models import Region
    from yingshang.enterprises.demo import demo_enterprises
    from yingshang.enterprises.models import Enterprise, EnterpriseQualification
    from yingshang.enterprises.services import classify, section_of

    regions = dict(Region.objects.values_list("code", "id"))
    objects = []
    for e in demo_enterprises(count, 1, today=dt.date(2025, 1, 1)):
        size = classify(industry_code=e.industry_code, employees=e.employees, revenue_10k=None,
                        assets_10k=None)
        objects.append(Enterprise(credit_code=e.credit_code, name=e.name, entity_type=e.entity_type,
                                  industry_id=e.industry_code, industry_section=section_of(e.industry_code),
                                  established_on=e.established_on, region_id=regions[e.county_code],
                                  employees=e.employees, size=size.size, size_reason=size.reason_zh, tags=list(e.tags)))
    fast_insert(Enterprise, objects)
    ids = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[::17])
    EnterpriseQualification.objects.bulk_create(
        [EnterpriseQualification(enterprise_id=i, qualification_id="hnte") for i in ids], batch_size=1000)


def measure(client, naive: bool) -> tuple[list[float], set[int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yingshang.enterprises import selectors

    original = selectors.enterprise_list
    if naive:
        def naive_list(user, filters):
            return original(user, filters).select_related(None)

        selectors.enterprise_list = naive_list
    times, query_counts = [], set()
    try:
        for _ in range(REPEATS):
            for params in FILTERS:
                with CaptureQueriesContext(connection) as queries:
                    seconds, response = timed(client.get, "/enterprises/", params)
                assert response.status_code == 200
                times.append(seconds * 1000)
                query_counts.add(len(queries))
    finally:
        selectors.enterprise_list = original
    return times, query_counts


if __name__ == "__main__":
    setup_django("enterprise_list")
    from django.test import Client

    from yingshang.accounts.models import User
    from yingshang.core.models import Department

    populate(N)
    admin = User.objects.create_user(username="bench", password=None, role="city_admin",
                                     department=Department.objects.get(function_key="business_env",
                                                                       region__code="620700"))
    client = Client()
    client.force_login(admin)
    client.get("/enterprises/")  # warm caches
    ours, ours_queries = measure(client, naive=False)
    baseline, baseline_queries = measure(client, naive=True)
    print(f"queries per page: ours {sorted(ours_queries)}  naive {sorted(baseline_queries)}")
    assert len(ours_queries) == 1, f"query count not constant: {ours_queries}"
    report("enterprise_list_p95", ours=percentile(ours, 95), baseline=percentile(baseline, 95), unit="ms",
           scale=f"{N} enterprises, {len(FILTERS)} filter combinations × {REPEATS}",
           extra={"ours_p50": percentile(ours, 50), "queries": sorted(ours_queries)})
