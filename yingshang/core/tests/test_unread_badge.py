"""The unread-message badge on every page: counted in the statement that loads the signed-in user, one round trip
fewer per page view, and never another user's count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yingshang.core.models import Notification

pytestmark = pytest.mark.django_db


def notify(user, n, *, read=False):
    from django.utils import timezone

    for i in range(n):
        Notification.objects.create(recipient=user, title=f"消息 {i}", read_at=timezone.now() if read else None)


def badge(response) -> str:
    html = response.content.decode()
    start = html.index('aria-label="消息，')
    return html[start:html.index("</a>", start)]


def test_the_badge_counts_only_the_users_own_unread_messages(cast, client_for):
    notify(cast.gz_staff, 3)
    notify(cast.gz_staff, 2, read=True)
    notify(cast.lz_staff, 7)
    response = client_for(cast.gz_staff).get(reverse("core:workbench"))

    assert response.status_code == 200
    assert 'aria-label="消息，3 条未读">消息<span class="badge">3</span>' in badge(response)


def test_marking_read_clears_the_badge_on_the_next_page(cast, client_for):
    notify(cast.gz_owner, 2)
    client = client_for(cast.gz_owner)
    assert "2 条未读" in badge(client.get(reverse("core:workbench")))

    response = client.post(reverse("core:notifications_read"), follow=True)

    assert "0 条未读" in badge(response)
    assert 'class="badge"' not in badge(response)


def test_the_count_comes_with_the_user_in_one_statement(cast, client_for):
    notify(cast.city_staff, 4)
    client = client_for(cast.city_staff)
    client.get(reverse("core:workbench"))  # warm: the statement is built once per process

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:workbench"))

    assert "4 条未读" in badge(response)
    notification_table = Notification._meta.db_table
    reading_notifications = [q["sql"] for q in queries.captured_queries if notification_table in q["sql"]]
    assert len(reading_notifications) == 1
    assert "accounts_user" in reading_notifications[0]  # the user's own statement, not a second query
