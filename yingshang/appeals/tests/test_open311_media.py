"""Open311 `media_url`: the posted link is validated and kept; attachments are linked only through the
access-checked download view (never /media/), which serves them only to those who may see the appeal."""

import datetime as dt
import json
from urllib.parse import urlencode

import pytest

from yingshang.appeals import services
from yingshang.appeals.models import Appeal
from yingshang.appeals.services import Upload

from .conftest import NOW

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FIELDS = {
    "service_code": "009",
    "address_string": "甘州区北环路 1 号",
    "description": "厂区门口道路施工三个月未完工，货车无法进出，请协调加快施工。",
}


@pytest.fixture
def api_key(catalogue):
    return services.issue_open311_key(name="第三方 App")


def _post(client, api_key, **extra):
    data = urlencode({"api_key": api_key, **FIELDS, **extra})
    return client.post("/open311/v2/requests.json", data, content_type="application/x-www-form-urlencoded")


def _read(client, request_id):
    return json.loads(client.get(f"/open311/v2/requests/{request_id}.json").content)[0]


def test_posted_media_url_is_kept_as_a_link_and_read_back(client, api_key):
    link = "https://photos.example.org/p/road-123.jpg"
    response = _post(client, api_key, media_url=link)
    request_id = json.loads(response.content)[0]["service_request_id"]
    appeal = Appeal.objects.get(tracking_number=request_id)
    assert response.status_code == 200
    assert appeal.media_url == link and link not in appeal.description
    assert _read(client, request_id)["media_url"] == link


@pytest.mark.parametrize(
    "link, reason",
    [
        ("javascript:alert(1)", "http:// 或 https://"),
        ("ftp://files.example.org/a.jpg", "http:// 或 https://"),
        ("https:///no-host.jpg", "http:// 或 https://"),
        ("https://example.org/a b.jpg", "空白或控制字符"),
        ("https://example.org:99999/a.jpg", "不是有效的网址"),
        ("https://example.org/" + "a" * 1000, "过长"),
    ],
)
def test_bad_media_url_is_a_400_and_nothing_is_saved(client, api_key, link, reason):
    response = _post(client, api_key, media_url=link)
    body = json.loads(response.content)
    assert response.status_code == 400 and body[0]["code"] == 400 and reason in body[0]["description"]
    assert Appeal.objects.count() == 0


def test_attachment_is_linked_through_the_checked_view_only(cast, catalogue, client, client_for, make_appeal):
    appeal = make_appeal(attachments=[Upload("现场.png", PNG)])
    attachment = appeal.attachments.get()
    media_url = _read(client, appeal.tracking_number)["media_url"]
    assert media_url == f"http://testserver/appeals/{appeal.pk}/attachments/{attachment.pk}/"
    assert "/media/" not in media_url
    path = media_url.removeprefix("http://testserver")
    anonymous = client.get(path)
    assert (
        anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    )  # an Open311 reader gets no file
    assert (
        client_for(cast.lz_owner).get(path).status_code == 404
    )  # another enterprise: not even its existence
    owner = client_for(cast.gz_owner).get(path)
    assert owner.status_code == 200 and b"".join(owner.streaming_content) == PNG


def test_request_without_link_or_attachment_has_empty_media_url(client, make_appeal):
    appeal = make_appeal()
    assert _read(client, appeal.tracking_number)["media_url"] == ""


def test_list_reads_attachments_in_one_query(client, make_appeal, django_assert_max_num_queries):
    for _ in range(5):
        make_appeal(attachments=[Upload("现场.png", PNG)])
    with django_assert_max_num_queries(3):
        rows = json.loads(
            client.get(
                "/open311/v2/requests.json", {"end_date": (NOW + dt.timedelta(days=1)).isoformat()}
            ).content
        )
    assert len(rows) == 5 and all("/attachments/" in row["media_url"] for row in rows)
