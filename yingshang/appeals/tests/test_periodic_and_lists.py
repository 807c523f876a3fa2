"""Scheduled work, list-page query counts, public tracking and rating by token."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, AppealMonthlyStat
from yingshang.appeals.periodic import enqueue_periodic
from yingshang.core.workcalendar import SHANGHAI

from .conftest import NOW


def test_periodic_sweeps_every_run_and_refreshes_statistics_every_ten_minutes(cast, dispatched):
    assert enqueue_periodic(dt.datetime(2025, 11, 26, 10, 3, tzinfo=SHANGHAI)) == ["sweep_overdue_appeals"]
    assert enqueue_periodic(dt.datetime(2025, 11, 26, 10, 10, tzinfo=SHANGHAI)) == [
        "sweep_overdue_appeals",
        "refresh_appeal_statistics",
    ]
    dispatched.refresh_from_db()
    assert dispatched.escalation_level == 3  # the immediate backend ran the sweeper: NOW is long past
    assert AppealMonthlyStat.objects.filter(month=dt.date(2025, 11, 1)).exists()


@pytest.mark.parametrize(
    ("person", "url"),
    [("operator", "/appeals/dispatch/"), ("gz_admin", "/appeals/inbox/"), ("gz_owner", "/appeals/mine/")],
)
def test_list_pages_keep_a_constant_query_count(cast, make_appeal, client_for, person, url):
    client = client_for(cast[person])
    first = make_appeal()
    if url == "/appeals/inbox/":
        services.dispatch_appeal(first, department=cast.gz_staff.department, by=cast.operator, now=NOW)
    client.get(url)  # warm up (session, one-off lookups)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        make_appeal(text=f"第 {i} 件：公司要变更法定代表人，线上办理时人脸识别一直失败。", code="003")
    if url == "/appeals/inbox/":
        for appeal in Appeal.objects.filter(status="received"):
            services.dispatch_appeal(appeal, department=cast.gz_staff.department, by=cast.operator, now=NOW)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_anonymous_requester_rates_through_the_tracking_link(cast, make_appeal, client):
    appeal = make_appeal()
    appeal = services.dispatch_appeal(appeal, department=cast.gz_staff.department, by=cast.operator, now=NOW)
    appeal = services.sign_appeal(appeal, by=cast.gz_staff, now=NOW)
    appeal = services.contact_requester(appeal, note="已电话联系", by=cast.gz_staff, now=NOW)
    services.reply_appeal(appeal, text="已协调供电公司本周内完成接电。", by=cast.gz_staff, now=NOW)
    page = client.get(f"/appeals/track/{appeal.token}/").content.decode()
    assert "已协调供电公司本周内完成接电。" in page and "提交评价" in page
    response = client.post(f"/appeals/track/{appeal.token}/", {"level": "4", "resolution": "resolved"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.rating_level) == ("closed", 4)
    again = client.post(f"/appeals/track/{appeal.token}/", {"level": "1", "resolution": "unresolved"})
    assert again.status_code == 409
    assert client.get("/appeals/track/not-a-token/").status_code == 404
