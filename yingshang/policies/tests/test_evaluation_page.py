"""评估 page: the chain's figures — published → matched → applied → approved → paid, amounts, time to pay."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.policies import selectors, services
from yingshang.policies.tests.conftest import NOW

pytestmark = pytest.mark.django_db


def _stat(html: str, label: str) -> str:
    return re.search(r'<div class="value">([^<]*)</div><div class="label">' + re.escape(label), html).group(1)


def test_evaluation_shows_the_chain_from_publication_to_payment(
    client_for, cast, policy, seed_company, science_staff
):
    services.refresh_clause_matches(selectors.active_clauses(), now=NOW, push=False)
    award = policy.clauses.get(position=1)
    application = services.submit_application(
        enterprise=seed_company,
        clause=award,
        by=cast.gz_owner,
        now=NOW,
        files={
            "高新技术企业证书": SimpleUploadedFile("a.pdf", b"%PDF"),
            "营业执照": SimpleUploadedFile("b.pdf", b"%PDF"),
        },
    )
    services.approve_application(
        application, by=science_staff, amount_yuan=300_000, reason="符合条件", now=NOW
    )
    disbursement = application.disbursement
    services.advance_disbursement(
        disbursement, by=cast.city_admin, to="instructed", now=NOW + dt.timedelta(days=2)
    )
    services.advance_disbursement(
        disbursement, by=cast.city_admin, to="paid", now=NOW + dt.timedelta(days=4), voucher="PZ1"
    )

    html = client_for(cast.city_admin).get(reverse("policies:evaluation")).content.decode()

    assert _stat(html, "已发布政策（共 1 件）") == "1"
    assert _stat(html, "符合条件（企业·政策）") == "1"  # gz_enterprise meets the document's clauses
    assert _stat(html, "申报") == "1"
    assert _stat(html, "通过，核定 300000 元") == "1"
    assert _stat(html, "已到账 300000 元") == "1"
    assert _stat(html, "申报到到账（天，中位数）") == "4.0"
    assert '<td data-label="到账">1</td>' in html
