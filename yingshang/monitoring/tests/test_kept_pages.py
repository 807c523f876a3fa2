"""Kept (cached) monitoring pages: the 驾驶舱 body is shared by viewers of one monitoring scope, the indicator
catalogue's JSON by every viewer; access is still checked on every request and scoped rows stay scoped."""

import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from yingshang.core.models import Region
from yingshang.monitoring import api as monitoring_api
from yingshang.monitoring import selectors, services, views
from yingshang.monitoring.models import Alert, monitoring_scope
from yingshang.monitoring.schemas import IndicatorOut

from .conftest import at, publish

pytestmark = pytest.mark.django_db
URL = "/monitoring/?period=2025-03"


@pytest.fixture
def alerts(scored, cast):
    for key, user in (("gz", cast.gz_staff), ("lz", cast.lz_staff)):
        Alert.objects.create(
            kind="missing_data",
            region=user.department.region,
            period="2025-03",
            department=user.department,
            message=f"预警-{key}-{user.department.region.name}",
            dedupe_key=f"kept.{key}",
            created_at=at(2025, 4, 11),
        )


def _tables(queries) -> set[str]:
    return {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])
    }


def _reads_snapshots(queries) -> bool:
    return any("monitoring_indexsnapshot" in q["sql"] for q in queries.captured_queries)


def test_viewers_of_one_scope_share_the_kept_body(alerts, cast, client_for):
    leader = client_for(cast.leader).get(URL).content.decode()
    assert "预警-gz-" in leader and "预警-lz-" in leader
    with CaptureQueriesContext(connection) as queries:
        response = client_for(cast.city_admin).get(URL)
    assert response.status_code == 200
    assert not _reads_snapshots(queries)  # the leader's body, kept: both see every alert
    page = response.content.decode()
    assert "预警-gz-" in page and "预警-lz-" in page


def test_a_county_sees_only_its_own_alerts_after_the_city_has_kept_the_page(alerts, cast, client_for):
    client_for(cast.leader).get(URL)
    with CaptureQueriesContext(connection) as queries:
        gz = client_for(cast.gz_admin).get(URL).content.decode()
    assert _reads_snapshots(queries)  # another scope: rendered, not the city's body
    assert "预警-gz-" in gz and "预警-lz-" not in gz
    lz = client_for(cast.lz_admin).get(URL).content.decode()
    assert "预警-lz-" in lz and "预警-gz-" not in lz
    # Department staff: their own department's alerts only, whatever other scopes have kept.
    staff = client_for(cast.gz_staff).get(URL).content.decode()
    assert "预警-gz-" in staff and "预警-lz-" not in staff
    assert "预警-" not in client_for(cast.city_staff).get(URL).content.decode()


def test_a_viewer_whose_scope_changes_sees_the_new_scope_at_once(alerts, cast, client_for):
    client = client_for(cast.gz_admin)
    assert "预警-lz-" not in client.get(URL).content.decode()
    linze = Region.objects.get(code="620723")
    cast.gz_admin.region = linze
    cast.gz_admin.department = cast.lz_staff.department
    cast.gz_admin.save(update_fields=["region", "department"])
    page = client.get(URL).content.decode()
    assert "预警-lz-" in page and "预警-gz-" not in page


def test_roles_without_the_dashboard_are_refused_though_the_body_is_kept(alerts, cast, client_for):
    client_for(cast.leader).get(URL)
    for user in (cast.operator, cast.inspector, cast.gz_owner, cast.officer):
        assert client_for(user).get(URL).status_code == 403
    assert client_for(cast.leader).get("/monitoring/?period=2025-3").status_code == 400


def test_the_scope_names_what_the_alert_filter_lets_through(cast):
    assert monitoring_scope(cast.leader) == monitoring_scope(cast.city_admin) == ("all",)
    assert monitoring_scope(cast.gz_admin) == ("region", cast.gz_admin.region.pk)
    assert monitoring_scope(cast.gz_staff) == ("department", cast.gz_staff.department_id)
    assert monitoring_scope(cast.city_dept_lead) == ("tree", cast.city_dept_lead.department.path)
    assert monitoring_scope(cast.operator) is None and monitoring_scope(cast.gz_owner) is None
    assert views.dashboard_fragment_key(cast.gz_admin) != views.dashboard_fragment_key(cast.lz_admin)


def test_the_dashboard_is_kept_under_every_table_it_reads(alerts, cast, client_for):
    client = client_for(cast.leader)
    client.get(URL)
    with CaptureQueriesContext(connection) as kept:
        client.get(URL)
    caches["default"].clear()
    with CaptureQueriesContext(connection) as fresh:
        client.get(URL)
    body_reads = _tables(fresh) - _tables(kept) - {"django_session"}
    assert "monitoring_indexsnapshot" in body_reads
    assert body_reads <= set(views._dashboard_tables()), body_reads - set(views._dashboard_tables())


def test_the_dashboard_without_a_period_shows_the_latest_month_and_follows_a_new_one(scored, cast, client_for):
    client = client_for(cast.leader)
    assert '<option value="2025-03" selected>' in client.get("/monitoring/").content.decode()
    publish("online_filing_rate", "620700", "2025-04", 90)
    services.recompute_index(now=at(2025, 5, 10))
    assert '<option value="2025-04" selected>' in client.get("/monitoring/").content.decode()


def test_the_dashboard_before_any_index_says_so(cast, client_for):
    page = client_for(cast.leader).get("/monitoring/").content.decode()
    assert "尚无监测结果" in page


# -- the indicator catalogue API --------------------------------------------------------------------------------


def test_the_catalogue_json_is_what_the_schema_would_serialise(scored, cast, client_for):
    response = client_for(cast.city_admin).get("/api/v1/monitoring/indicators?year=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    expected = [IndicatorOut.model_validate(row).model_dump() for row in selectors.indicator_catalogue(2025)]
    assert response.content.decode() == json.dumps(expected, cls=NinjaJSONEncoder)
    assert any(row["targets"] for row in response.json())
    # Kept: the second viewer gets the same bytes.
    assert client_for(cast.gz_staff).get("/api/v1/monitoring/indicators?year=2025").content == response.content


def test_the_catalogue_is_refused_to_roles_without_monitoring_though_kept(scored, cast, client_for):
    assert client_for(cast.leader).get("/api/v1/monitoring/indicators").status_code == 200
    for user in (cast.operator, cast.gz_owner, cast.officer):
        assert client_for(user).get("/api/v1/monitoring/indicators").status_code == 403
    assert client_for(cast.leader).get("/api/v1/monitoring/indicators?year=20x").status_code == 400


def test_the_catalogue_is_kept_under_every_table_it_reads(scored, cast, client_for):
    client = client_for(cast.leader)
    client.get("/api/v1/monitoring/indicators")
    with CaptureQueriesContext(connection) as kept:
        client.get("/api/v1/monitoring/indicators")
    caches["default"].clear()
    with CaptureQueriesContext(connection) as fresh:
        client.get("/api/v1/monitoring/indicators")
    reads = _tables(fresh) - _tables(kept) - {"django_session"}
    assert "monitoring_indicator" in reads
    assert reads <= set(monitoring_api._catalogue_tables()), reads - set(monitoring_api._catalogue_tables())


def test_the_openapi_schema_still_describes_the_catalogue():
    from config.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    response = schema["paths"]["/api/v1/monitoring/indicators"]["get"]["responses"][200]
    assert "IndicatorOut" in json.dumps(response)
