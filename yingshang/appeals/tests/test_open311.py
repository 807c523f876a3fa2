"""Open311 GeoReport v2: a client that follows the specification, in both formats, plus the conformance list."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from yingshang.appeals import services
from yingshang.appeals.models import Appeal

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
LISTS = {
    "services",
    "service_requests",
    "service_request_updates",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "errors",
    "notes",
}


def _from_xml(element):
    """Spark convention: list containers become arrays, leaves become strings."""
    if element.tag in LISTS:
        return [_from_xml(child) for child in element]
    if len(element):
        return {child.tag: _from_xml(child) for child in element}
    return element.text or ""


class Open311Client:
    """A minimal third-party client written from the specification, not from our code."""

    def __init__(self, http, fmt, api_key=""):
        self.http, self.fmt, self.api_key = http, fmt, api_key

    def _parse(self, response):
        body = response.content.decode("utf-8")
        if self.fmt == "xml":
            assert response["Content-Type"] == "text/xml; charset=utf-8"
            assert body.startswith('<?xml version="1.0" encoding="utf-8"?>')
            return _from_xml(ET.fromstring(response.content))  # noqa: S314 -- our own response, in a test
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(body)

    def get(self, path, **params):
        response = self.http.get(f"/open311/v2/{path}.{self.fmt}", params)
        return response.status_code, self._parse(response)

    def post_request(self, **fields):
        data = urlencode({"api_key": self.api_key, **fields}, doseq=True)
        response = self.http.post(
            f"/open311/v2/requests.{self.fmt}",
            data,
            content_type="application/x-www-form-urlencoded; charset=utf-8",
        )
        return response.status_code, self._parse(response)


@pytest.fixture
def api_key(catalogue):
    return services.issue_open311_key(name="第三方 App")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_lists_services_posts_and_reads_back(client, api_key, fmt):
    c = Open311Client(client, fmt, api_key)
    status, discovery = c.get("discovery")
    assert status == 200
    endpoint = discovery["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    status, service_list = c.get("services")
    assert status == 200 and isinstance(service_list, list) and len(service_list) == 18
    arrears = next(s for s in service_list if s["service_code"] == "006")
    assert arrears["service_name"] == "拖欠账款" and arrears["type"] == "realtime"
    assert str(arrears["metadata"]).lower() == "true"
    status, definition = c.get("services/006")
    required = [a for a in definition["attributes"] if str(a["required"]).lower() == "true"]
    assert [a["code"] for a in required] == ["amount_10k", "debtor_type"]
    fields = {
        "service_code": "006",
        "address_string": "甘州区 张掖经开区 创业大道 8 号",
        "description": "为县属国有公司承建的厂区道路工程已验收两年，工程款仍有 120 万元未支付。",
        "first_name": "明",
        "last_name": "李",
        "phone": "13900000000",
        "attribute[amount_10k]": "120",
        "attribute[debtor_type]": "soe",
    }
    status, created = c.post_request(**fields)
    assert status == 200 and set(created[0]) >= {"service_request_id", "service_notice"}
    assert "token" not in created[0]
    request_id = created[0]["service_request_id"]
    status, found = c.get(f"requests/{request_id}")
    assert status == 200 and len(found) == 1
    item = found[0]
    assert (item["service_code"], item["status"], item["description"]) == (
        "006",
        "open",
        fields["description"] + ("\n【金额（万元）：120；欠款方类型：soe】"),
    )
    assert ISO.match(item["requested_datetime"]) and item["requested_datetime"].endswith("+08:00")
    status, listing = c.get("requests", service_code="006,001", status="open")
    assert [r["service_request_id"] for r in listing] == [request_id]
    appeal = Appeal.objects.get(tracking_number=request_id)
    assert (appeal.channel, appeal.contact_name) == ("open311", "李 明")
    status, by_token = c.get(f"tokens/{appeal.token}")
    assert by_token == [{"service_request_id": request_id, "token": appeal.token}]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_have_the_standard_shape_and_status(client, api_key, fmt):
    c = Open311Client(client, fmt, api_key)
    good = {
        "service_code": "009",
        "lat": "38.93",
        "long": "100.45",
        "description": "新厂房申请用电报装一个多月，供电公司一直没有接电。",
    }
    cases = [
        (c.get("services/999"), 404),
        (c.get("requests/SQ000"), 404),
        (c.get("tokens/nope"), 404),
        (c.get("services", jurisdiction_id="other.gov"), 404),
        (Open311Client(client, fmt).post_request(**good), 403),
        (Open311Client(client, fmt, "wrong").post_request(**good), 403),
        (c.post_request(**{**good, "lat": "", "long": ""}), 400),
        (c.post_request(**{**good, "long": ""}), 400),
        (c.post_request(**{**good, "service_code": "006"}), 400),  # required attributes missing
        (
            c.post_request(
                **{
                    **good,
                    "service_code": "006",
                    "attribute[amount_10k]": "5",
                    "attribute[debtor_type]": "martian",
                }
            ),
            400,
        ),
        (c.post_request(**{**good, "description": "x" * 4001}), 400),
        (c.post_request(**{**good, "description": "<script>alert(1)</script> 接电太慢了请帮忙"}), 400),
        (c.post_request(**{**good, "service_code": "999"}), 404),
        (
            c.get("requests", start_date="2025-01-01T00:00:00+08:00", end_date="2025-06-01T00:00:00+08:00"),
            400,
        ),
        (c.get("requests", status="pending"), 400),
    ]
    for (status, body), expected in cases:
        assert status == expected
        assert isinstance(body, list) and str(body[0]["code"]) == str(expected) and body[0]["description"]
    assert Appeal.objects.count() == 0


def test_each_location_alone_is_accepted_and_empty_jurisdiction_is_ignored(client, api_key):
    c = Open311Client(client, "json", api_key)
    text = "新厂房申请用电报装一个多月，供电公司一直没有接电。"
    for location in ({"lat": "38.93", "long": "100.45"}, {"address_string": "甘州区"}, {"address_id": "A-1"}):
        status, _ = c.post_request(service_code="009", description=text, jurisdiction_id="", **location)
        assert status == 200
    assert Appeal.objects.filter(channel="open311").count() == 3


def test_requests_default_window_ids_override_and_closed_time(cast, client, api_key, make_appeal, now):
    c = Open311Client(client, "json", api_key)
    from django.utils import timezone

    old = make_appeal(when=timezone.now() - dt.timedelta(days=120))
    recent = make_appeal(when=timezone.now() - dt.timedelta(days=3))
    recent = services.refuse_appeal(
        recent, kind="petition", reason="已进入信访渠道办理", by=cast.operator, now=timezone.now()
    )
    _, listing = c.get("requests")
    assert [r["service_request_id"] for r in listing] == [recent.tracking_number]
    assert listing[0]["status"] == "closed" and listing[0]["updated_datetime"] == recent.closed_at.astimezone(
        dt.timezone(dt.timedelta(hours=8))
    ).isoformat(timespec="seconds")
    assert listing[0]["description"] == "" and "contact" not in json.dumps(
        listing
    )  # enterprise text stays private
    _, both = c.get(
        "requests", service_request_id=f"{old.tracking_number},{recent.tracking_number}", status="open"
    )
    assert {r["service_request_id"] for r in both} == {old.tracking_number, recent.tracking_number}
    _, plain = c.get(f"requests/{recent.tracking_number}")
    _, extended = c.get(f"requests/{recent.tracking_number}", extensions="true")
    assert "extended_attributes" not in plain[0]
    assert extended[0]["extended_attributes"]["state"] == "refused"


def test_service_definitions_follow_the_rules(client, catalogue):
    c = Open311Client(client, "json")
    _, service_list = c.get("services")
    for service in service_list:
        assert isinstance(service["service_code"], str)
        status, definition = c.get(f"services/{service['service_code']}")
        assert status == 200 and definition["service_code"] == service["service_code"]
        orders = [a["order"] for a in definition["attributes"]]
        assert len(set(orders)) == len(orders) and min(orders) == 1
        for attribute in definition["attributes"]:
            assert attribute["datatype"] in {
                "string",
                "number",
                "datetime",
                "text",
                "singlevaluelist",
                "multivaluelist",
            }
            assert bool(attribute.get("values")) is (
                attribute["datatype"] in {"singlevaluelist", "multivaluelist"}
            )


def test_unknown_url_is_a_400(client):
    response = client.get("/open311/v2/whatever.csv")
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_open311_key_command_prints_the_key_alone_on_the_last_line(catalogue, capsys):
    call_command("open311_key", "市民热线 App")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    from yingshang.appeals.open311 import client_for_key

    assert client_for_key(key).name == "市民热线 App"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_request_updates_list_timeline_events_with_text_only_for_open311_requests(
    client, api_key, fmt, cast, make_appeal
):
    c = Open311Client(client, fmt, api_key)
    status, created = c.post_request(
        service_code="009",
        address_string="甘州区北环路",
        description="厂区门口道路施工三个月未完工，货车无法进出。",
    )
    ours = Appeal.objects.get(tracking_number=created[0]["service_request_id"])
    services.refuse_appeal(
        ours,
        kind="jurisdiction",
        reason="属于省级管辖事项",
        by=cast.operator,
        now=ours.received_at + dt.timedelta(minutes=5),
    )
    other = make_appeal(when=ours.received_at)  # filed on the enterprise page: its texts stay private
    window = {
        "start_date": (ours.received_at - dt.timedelta(hours=1)).isoformat(),
        "end_date": (ours.received_at + dt.timedelta(hours=1)).isoformat(),
    }
    status, updates = c.get("servicerequestupdates", **window)
    assert status == 200
    mine = [u for u in updates if u["service_request_id"] == ours.tracking_number]
    assert [(u["status"], u["description"]) for u in mine] == [
        ("closed", "不予受理：属于省级管辖事项"),
        ("open", "受理：渠道：Open311 接口"),
    ]
    theirs = [u for u in updates if u["service_request_id"] == other.tracking_number]
    assert [(u["status"], u["description"]) for u in theirs] == [("open", "受理")]
    assert all(ISO.match(u["updated_datetime"]) and u["update_id"] for u in updates)
    status, errors = c.get(
        "servicerequestupdates", start_date="2025-01-01T00:00:00+08:00", end_date="2025-06-01T00:00:00+08:00"
    )
    assert status == 400 and errors[0]["description"].startswith("start_date and end_date")


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"start_date": "9999-12-31"}, 400),
        ({"end_date": "0001-01-01"}, 400),
        ({"page": "99999999999999999999"}, 200),
    ],
)
def test_dates_at_the_calendar_edge_and_absurd_pages_are_no_500(client, api_key, params, status):
    assert client.get("/open311/v2/requests.json", params).status_code == status
    if "page" not in params:
        assert client.get("/open311/v2/servicerequestupdates.json", params).status_code == status
