"""The page cache (core.page_cache): a repeated request is answered whole, and never with what the viewer may not
see, never with data older than the last write it read, never with another visitor's CSRF token or nonce.

Each test turns the cache on (it is off in the suite); `_until_kept` asks for a page until it comes from the cache
(the first request of a route in a process only learns which tables the route reads; the next one keeps it).
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token  # type: ignore[attr-defined]
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yingshang.core import page_cache
from yingshang.core.models import Notification, Region
from yingshang.core.tests import page_cache_urls
from yingshang.enterprises.models import Enterprise

TOKEN = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]{64})"')
NONCE = re.compile(r'nonce="([^"]+)"')


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.KEEP_WHOLE_PAGES = True
    page_cache_urls.RENDERS.clear()


def _hit(response) -> bool:
    return bool(getattr(response.wsgi_request, "page_cache_hit", False))


def _until_kept(client: Client, url: str, *, tries: int = 4):
    for _ in range(tries):
        response = client.get(url)
        if _hit(response):
            return response
    raise AssertionError(f"{url} 未被缓存（{response.status_code}）")


def _without_per_request_values(body: bytes) -> str:
    return NONCE.sub('nonce=""', re.sub(r"\b[A-Za-z0-9]{64}\b", "", body.decode()))


@pytest.mark.django_db
def test_a_repeated_page_is_answered_from_the_cache_as_rendered(cast, client_for):
    client = client_for(cast.gz_admin)
    rendered = client.get("/workbench/")
    assert rendered.status_code == 200 and not _hit(rendered)
    _until_kept(client, "/workbench/")
    with CaptureQueriesContext(connection) as queries:
        kept = client.get("/workbench/")
    assert _hit(kept)
    assert len(queries) <= 2  # the session and its user (no cache in front of the session in tests), no view reads
    assert _without_per_request_values(kept.content) == _without_per_request_values(rendered.content)
    assert kept["Content-Type"] == rendered["Content-Type"]
    assert kept["X-Frame-Options"] == rendered["X-Frame-Options"] and "Content-Security-Policy" in kept


@pytest.mark.django_db
@pytest.mark.urls("yingshang.core.tests.page_cache_urls")
def test_a_write_to_a_table_the_page_read_renders_it_again(db):
    visitor = Client()
    _until_kept(visitor, "/kept/city/")
    renders = len(page_cache_urls.RENDERS)
    assert visitor.get("/kept/city/").content.decode() == "张掖市"
    assert len(page_cache_urls.RENDERS) == renders  # kept: the view did not run
    Region.objects.filter(kind="city").update(name="张掖市（改）")
    again = visitor.get("/kept/city/")
    assert not _hit(again) and again.content.decode() == "张掖市（改）"


@pytest.mark.django_db
@pytest.mark.urls("yingshang.core.tests.page_cache_urls")
def test_another_process_uses_what_this_one_kept(db, monkeypatch):
    """A worker that has not yet seen the route learns its tables from the kept entry and answers from it — and
    still renders again once one of those tables is written."""
    visitor = Client()
    _until_kept(visitor, "/kept/city/")
    monkeypatch.setattr(page_cache, "_route_tables", {})  # as in a freshly started worker
    assert _hit(visitor.get("/kept/city/"))
    Region.objects.filter(kind="city").update(name="张掖市（新）")
    monkeypatch.setattr(page_cache, "_route_tables", {})
    again = visitor.get("/kept/city/")
    assert not _hit(again) and again.content.decode() == "张掖市（新）"


@pytest.mark.django_db
@pytest.mark.urls("yingshang.core.tests.page_cache_urls")
def test_a_write_committed_while_the_page_renders_is_never_hidden(db):
    """The tokens are taken before the view reads: a response rendered while a write landed is kept under the
    older token, so the next request renders again instead of serving the older rows for fifteen minutes."""
    visitor = Client()
    for _ in range(4):
        visitor.get("/kept/racing/")
    assert not any(_hit(visitor.get("/kept/racing/")) for _ in range(3))
    assert page_cache_urls.RENDERS.count("racing") == 7


@pytest.mark.django_db
@pytest.mark.urls("yingshang.core.tests.page_cache_urls")
@pytest.mark.parametrize("url", ["/kept/writes/", "/kept/missing/", "/kept/unmarked/", "/kept/hidden-token/"])
def test_writes_errors_unmarked_views_and_unrecognised_tokens_run_every_time(db, url):
    visitor = Client()
    responses = [visitor.get(url) for _ in range(4)]
    assert not any(_hit(r) for r in responses)
    assert len(page_cache_urls.RENDERS) == 4


@pytest.mark.django_db
@pytest.mark.urls("yingshang.core.tests.page_cache_urls")
def test_a_view_that_changes_the_session_runs_every_time(cast, client_for):
    client = client_for(cast.gz_staff)
    assert [client.get("/kept/session/").content for _ in range(4)] == [b"1", b"2", b"3", b"4"]


@pytest.mark.django_db
def test_each_enterprise_sees_its_own_policies(cast, client_for):
    gz, lz = client_for(cast.gz_owner), client_for(cast.lz_owner)
    gz_page = _until_kept(gz, "/policies/mine/").content.decode()
    lz_page = _until_kept(lz, "/policies/mine/").content.decode()
    assert cast.gz_enterprise.name in gz_page and cast.lz_enterprise.name not in gz_page
    assert cast.lz_enterprise.name in lz_page and cast.gz_enterprise.name not in lz_page
    assert cast.gz_enterprise.name in _until_kept(gz, "/policies/mine/").content.decode()


@pytest.mark.django_db
def test_a_county_never_gets_another_countys_kept_enterprise(cast, client_for):
    url = f"/enterprises/{cast.gz_enterprise.pk}/"
    assert _until_kept(client_for(cast.gz_admin), url).status_code == 200
    foreign = client_for(cast.lz_admin)
    assert [foreign.get(url).status_code for _ in range(3)] == [404, 404, 404]


@pytest.mark.django_db
def test_a_changed_role_is_seen_at_once(cast, client_for):
    client = client_for(cast.gz_staff)
    _until_kept(client, "/workbench/")
    cast.gz_staff.role = "enterprise"
    cast.gz_staff.save()
    assert client.get("/workbench/").status_code == 403


@pytest.mark.django_db
def test_a_new_message_shows_on_the_next_page(cast, client_for):
    client = client_for(cast.gz_staff)
    _until_kept(client, "/workbench/")
    Notification.objects.create(recipient=cast.gz_staff, title="新的待办")
    page = client.get("/workbench/")
    assert not _hit(page) and "1 条未读" in page.content.decode()


@pytest.mark.django_db
def test_an_enterprise_renamed_shows_in_the_kept_registry_page(cast, client_for):
    client = client_for(cast.gz_admin)
    url = f"/enterprises/{cast.gz_enterprise.pk}/"
    _until_kept(client, url)
    Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(name="张掖市甘州区丰源种业股份有限公司")
    assert "丰源种业股份有限公司" in client.get(url).content.decode()


@pytest.mark.django_db
def test_visitors_share_a_kept_portal_but_each_gets_their_own_csrf_token_and_nonce():
    first, second = Client(), Client()
    _until_kept(first, "/")
    pages = [_until_kept(first, "/"), _until_kept(second, "/"), _until_kept(second, "/")]
    for page, client in zip(pages, (first, second, second), strict=True):
        token = TOKEN.search(page.content.decode()).group(1)
        assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value  # this visitor's own secret
        nonce = NONCE.search(page.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in page["Content-Security-Policy"]
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert len({NONCE.search(p.content.decode()).group(1) for p in pages}) == 3


@pytest.mark.django_db
def test_a_first_visit_without_cookies_is_kept_and_gets_a_new_csrf_cookie():
    """A visitor with no CSRF cookie yet: the render makes a secret; a kept answer makes its own, sets it as the
    cookie and puts a token of it in the page — as the render would have."""
    responses = [Client().get("/") for _ in range(4)]
    assert _hit(responses[-1])
    for response in responses:
        secret = response.cookies["csrftoken"].value
        assert _unmask_cipher_token(TOKEN.search(response.content.decode()).group(1)) == secret
    assert len({r.cookies["csrftoken"].value for r in responses}) == 4


@pytest.mark.django_db
def test_a_kept_page_still_posts(cast, client_for):
    """The token put into a kept page is accepted by the CSRF check (Django's client enforcing it)."""
    client = client_for(cast.gz_staff)
    client.handler.enforce_csrf_checks = True
    page = _until_kept(client, "/workbench/")
    token = TOKEN.search(page.content.decode()).group(1)
    assert client.post("/notifications/read/", {"csrfmiddlewaretoken": token}).status_code in (200, 302)


@pytest.mark.django_db
def test_a_flash_message_is_shown_instead_of_the_kept_page(cast, client_for):
    client = client_for(cast.gz_owner)
    url = f"/policies/mine/?enterprise={cast.gz_enterprise.pk}"
    _until_kept(client, url)
    saved = client.post(url, {"rd_ratio": "4.5", "tax_paid_10k": "120"})
    assert saved.status_code == 302
    page = client.get(url)
    assert not _hit(page) and "已保存，匹配结果已更新。" in page.content.decode()


@pytest.mark.django_db
def test_a_kept_api_answer_and_a_bearer_request_that_is_not(cast, client_for):
    from yingshang.accounts.services import issue_api_token

    client = client_for(cast.gz_admin)
    rendered = client.get("/api/v1/enterprises")
    kept = _until_kept(client, "/api/v1/enterprises")
    assert kept.json() == rendered.json() and kept["Content-Type"] == rendered["Content-Type"]
    bearer = Client(headers={"Authorization": f"Bearer {issue_api_token(user=cast.gz_admin, name='t')}"})
    assert not any(_hit(bearer.get("/api/v1/enterprises")) for _ in range(3))


@pytest.mark.django_db
def test_off_when_switched_off(cast, client_for, settings):
    settings.KEEP_WHOLE_PAGES = False
    client = client_for(cast.gz_staff)
    assert not any(_hit(client.get("/workbench/")) for _ in range(4))
    assert not page_cache.enabled()
