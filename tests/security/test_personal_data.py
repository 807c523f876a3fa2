"""Complainants' personal data (诉求人联系方式) is masked for everyone who does not have to call them back:
on the appeal page, in the API, in the ledger and in its export."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone

from tests.access.matrix import CAST

PHONE, NAME = "13909361234", "王建国"
MASKED_PHONE = "139****1234"
# Who must be able to call the requester before dispatch: 12345, the city administrator, the requester.
FULL_VIEW = {"operator", "city_admin", "gz_owner"}


@pytest.fixture
def appeal(cast):
    services = pytest.importorskip("yingshang.appeals.services")
    from yingshang.appeals.models import AppealCategory

    services.load_appeal_catalogue()
    return services.file_appeal(by=cast.gz_owner, channel="enterprise_web", category=AppealCategory.objects.first(),
                                description="企业反映：奖励资金迟迟未到账，请协调。", enterprise=cast.gz_enterprise,
                                contact_name=NAME, contact_phone=PHONE, now=timezone.now())


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_appeal_page_and_api_mask_contact_details_for_everyone_else(cast, appeal):
    seen = {}
    for person in CAST:
        client = _client(cast[person])
        page = client.get(f"/appeals/{appeal.pk}/")
        api = client.get(f"/api/v1/appeals/{appeal.pk}")
        for label, response in (("page", page), ("api", api)):
            if response.status_code != 200:
                assert response.status_code in (403, 404), (person, label, response.status_code)
                continue
            body = response.content.decode()
            seen[(person, label)] = PHONE in body
            if person in FULL_VIEW:
                assert PHONE in body, (person, label)
            else:
                assert PHONE not in body and NAME not in body, (person, label)
                assert MASKED_PHONE in body, (person, label)
    assert seen[("gz_owner", "page")] and seen[("operator", "api")]
    assert ("leader", "page") in seen or ("gz_admin", "page") in seen  # someone without full view did look


def test_ledger_and_its_export_never_show_the_full_phone_to_the_leader(cast, appeal):
    from openpyxl import load_workbook

    client = _client(cast.leader)
    assert PHONE not in client.get("/appeals/ledger/").content.decode()
    export = client.get("/appeals/ledger/export.xlsx")
    assert export.status_code == 200
    cells = [str(c.value) for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row
             if c.value is not None]
    assert not any(PHONE in c for c in cells)
    assert PHONE not in client.get("/api/v1/appeals").content.decode()
