"""Data versions: every way of writing a table renews its token, so a cached page never outlives its rows."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from yingshang.core import dataversions
from yingshang.core.bulk import insert_rows
from yingshang.core.models import Region
from yingshang.enterprises.models import Enterprise, Industry
from yingshang.enterprises.selectors import registry_tables

ENTERPRISES = "enterprises_enterprise"


def _renews(write) -> bool:
    before = dataversions.token_for(ENTERPRISES)
    write()
    return dataversions.token_for(ENTERPRISES) != before


@pytest.mark.django_db
def test_every_kind_of_write_renews_the_token(cast):
    enterprise = cast.gz_enterprise
    assert _renews(lambda: Enterprise.objects.filter(pk=enterprise.pk).update(employees=81))
    assert _renews(lambda: Enterprise.objects.filter(pk=enterprise.pk).first().save())
    assert _renews(lambda: insert_rows(Enterprise, [{
        "credit_code": "91620702MA00000017", "name": "批量写入的企业", "region_id": enterprise.region_id}]))
    with connection.cursor() as cursor:
        assert _renews(lambda: cursor.execute('UPDATE "enterprises_enterprise" SET employees = 82 WHERE id = %s',
                                              [enterprise.pk]))
    assert _renews(lambda: Enterprise.objects.filter(credit_code="91620702MA00000017").delete())


@pytest.mark.django_db
def test_reads_and_other_tables_leave_the_token_alone(cast):
    assert not _renews(lambda: list(Enterprise.objects.all()))
    assert not _renews(lambda: Industry.objects.filter(code="0511").update(name="谷物种植"))  # another table


@pytest.mark.django_db
def test_token_covers_every_table_named(cast):
    token = dataversions.token_for(*registry_tables())
    Region.objects.filter(code="620702").update(name="甘州区")
    assert dataversions.token_for(*registry_tables()) != token


@pytest.mark.django_db
def test_outside_tests_the_token_changes_when_the_transaction_commits(cast, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.DATA_VERSIONS_EAGER = False
    before = dataversions.token_for(ENTERPRISES)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(employees=90)
        Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(employees=91)
        # Not yet committed: another process must not file a page under a token it cannot see change.
        assert dataversions.token_for(ENTERPRISES) == before
    assert dataversions.token_for(ENTERPRISES) != before


def _main(page: str) -> str:
    found = re.search(r"<main.*</main>", page, re.S)
    assert found is not None
    return found.group(0)


@pytest.mark.django_db
def test_enterprise_page_is_served_from_cache_until_the_enterprise_changes(cast, client_for):
    client = client_for(cast.city_admin)
    url = f"/enterprises/{cast.gz_enterprise.pk}/"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url).content.decode()
    assert _main(again) == _main(first)
    assert not any("enterprises_enterprisequalification" in q["sql"] for q in cached.captured_queries)

    Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(address="甘州区新墩镇流泉村")
    assert "甘州区新墩镇流泉村" in client.get(url).content.decode()


@pytest.mark.django_db
def test_cached_pages_are_never_shared_between_viewers(cast, client_for):
    # The city administrator sees the provenance and change history; the enterprise's own user does not.
    url = f"/enterprises/{cast.gz_enterprise.pk}/"
    assert "变更记录" in client_for(cast.city_admin).get(url).content.decode()
    assert "变更记录" not in client_for(cast.gz_owner).get(url).content.decode()


@pytest.mark.django_db
def test_enterprise_list_is_cached_per_query_and_follows_writes(cast, client_for):
    client = client_for(cast.city_admin)
    assert "丰源种业" in client.get("/enterprises/?q=丰源").content.decode()
    assert "绿洲肉牛" not in client.get("/enterprises/?q=丰源").content.decode()  # another query, another entry
    assert "绿洲肉牛" in client.get("/enterprises/?q=绿洲").content.decode()
    Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(name="张掖市甘州区丰源种业股份有限公司")
    assert "丰源种业股份" in client.get("/enterprises/?q=丰源").content.decode()


def test_a_per_process_memory_cache_outside_tests_keeps_nothing(settings):
    # `make demo`: the site and its task worker are two processes, each with its own memory cache, so a page kept
    # by the site would never learn of the worker's writes.
    settings.TESTING = False
    calls = []
    assert not dataversions.enabled() and dataversions.fragment_seconds() == 0
    for _ in range(2):
        dataversions.cached_fragment("page", dataversions.data_key("enterprises_enterprise"), lambda: calls.append(1))
    assert len(calls) == 2


def test_keep_pages_off_renders_every_time(settings):
    settings.KEEP_PAGES = False  # YINGSHANG_KEEP_PAGES=0
    calls = []
    assert not dataversions.enabled() and dataversions.fragment_seconds() == 0
    for _ in range(2):
        dataversions.cached_fragment("page", dataversions.data_key("enterprises_enterprise"), lambda: calls.append(1))
    assert len(calls) == 2
    settings.KEEP_PAGES = True
    assert dataversions.enabled()  # the test run's memory cache keeps pages


@pytest.mark.django_db
def test_a_write_inside_a_common_table_expression_renews_its_table(cast):
    before = dataversions.token_for(ENTERPRISES)
    with connection.cursor() as cursor:
        cursor.execute('WITH target AS (SELECT id FROM "enterprises_enterprise" WHERE id = %s) '
                       'UPDATE "enterprises_enterprise" SET employees = 83 WHERE id IN (SELECT id FROM target)',
                       [cast.gz_enterprise.pk])
    assert dataversions.token_for(ENTERPRISES) != before


@pytest.mark.django_db
def test_the_work_calendar_is_kept_in_the_process_until_an_override_is_written():
    import datetime as dt

    from yingshang.core.models import HolidayOverride
    from yingshang.core.selectors import load_work_calendar

    first = load_work_calendar()
    with CaptureQueriesContext(connection) as again:
        assert load_work_calendar() is first
    assert not again.captured_queries
    saturday = dt.date(2025, 6, 7)
    assert not first.is_workday(saturday)
    HolidayOverride.objects.create(date=saturday, is_workday=True, name="调休上班")
    renewed = load_work_calendar()
    assert renewed is not first and renewed.is_workday(saturday)


@pytest.mark.django_db
def test_nothing_is_kept_in_the_process_when_pages_are_not_kept(settings):
    settings.KEEP_PAGES = False
    loads = []
    for _ in range(2):
        dataversions.kept_in_process("test-value", (ENTERPRISES,), lambda: loads.append(1) or len(loads))
    assert loads == [1, 1]


@pytest.mark.django_db
def test_a_statement_writing_two_tables_renews_both(cast):
    """The audit append advances its chain head and inserts the event in one statement (a CTE on PostgreSQL): a page
    reading the trail must see the new event, not only the head move."""
    from yingshang.core.audit import record_change

    before = dataversions.token_for("core_auditevent")
    record_change(actor=cast.city_admin, action="test.dv", object_type="x", object_id="1", after={"a": 1})
    assert dataversions.token_for("core_auditevent") != before


@pytest.mark.django_db
def test_reading_notes_the_tables_of_each_select_and_any_write(cast):
    with dataversions.reading() as noted:
        list(Enterprise.objects.filter(region__code="620702").values_list("name", flat=True))
    assert {"enterprises_enterprise", "core_region"} <= noted.tables and not noted.wrote
    with dataversions.reading() as noted:
        Industry.objects.filter(code="0511").update(name="谷物种植")
    assert noted.wrote
