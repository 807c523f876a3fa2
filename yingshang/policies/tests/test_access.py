"""Access functions over the whole cast: who may read a draft, an application, a payout."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from conftest import PEOPLE
from yingshang.policies import access, services
from yingshang.policies.tests.conftest import NOW

# Drafting department of the fixture policy is 市市场监管局 (city_staff's department); region is the city.
DRAFT_READERS = {"city_admin", "leader", "city_staff", "city_dept_lead"}
# The application's clause is handled by 市科技局; the enterprise is in 甘州区.
APPLICATION_READERS = {"city_admin", "leader", "gz_admin", "gz_owner"}
PAYOUT_ADVANCERS = {"city_admin"}


def _outcome(call):
    try:
        call()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


@pytest.mark.parametrize("person", PEOPLE)
def test_draft_document_access(cast, policy, person):
    policy.status = "draft"
    policy.save()
    expected = "ok" if person in DRAFT_READERS else "404"
    assert _outcome(lambda: access.get_document_for_user(cast[person], policy.pk)) == expected


@pytest.mark.parametrize("person", PEOPLE)
def test_published_document_is_public(cast, policy, person):
    assert _outcome(lambda: access.get_document_for_user(cast[person], policy.pk)) == "ok"


@pytest.mark.parametrize("person", PEOPLE)
def test_application_and_payout_access(cast, policy, seed_company, person):
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
        application, by=cast.city_dept_lead, amount_yuan=1000, reason="符合", now=NOW
    )
    expected = "ok" if person in APPLICATION_READERS else "404"
    assert _outcome(lambda: access.get_application_for_user(cast[person], application.pk)) == expected
    payout = "ok" if person in PAYOUT_ADVANCERS else ("403" if person in APPLICATION_READERS else "404")
    assert (
        _outcome(lambda: access.get_disbursement_for_user(cast[person], application.disbursement.pk))
        == payout
    )
    assert application.disbursement.status == "approved"
