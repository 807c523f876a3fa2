"""The demo loader: example policies covering every benefit type, a chain for qiye, idempotent."""

import io

from django.utils import timezone

from yingshang.core.demo_accounts import ensure_demo_accounts
from yingshang.enterprises.models import EnterpriseMembership
from yingshang.policies import demo_setup
from yingshang.policies.choices import BenefitType
from yingshang.policies.models import Benefit, PolicyApplication, PolicyDocument


def test_demo_loads_once_with_every_benefit_type(db):
    from conftest import make_enterprise

    ensure_demo_accounts()
    from yingshang.accounts.models import User

    enterprise = make_enterprise(
        name="张掖市示例种业有限公司",
        county_code="620702",
        seed=9,
        industry_id="0511",
        industry_section="A",
        employees=40,
        size="small",
        entity_type="enterprise",
        tags=["玉米制种"],
    )
    EnterpriseMembership.objects.create(
        user=User.objects.get(username="qiye"), enterprise=enterprise, status="verified"
    )
    demo_setup.load_demo(stdout=io.StringIO(), seed=1)
    assert PolicyDocument.objects.filter(is_example=True, status="published").count() == 3
    assert set(Benefit.objects.values_list("benefit_type", flat=True)) == set(BenefitType.values) - {"other"}
    statuses = sorted(
        PolicyApplication.objects.filter(enterprise=enterprise).values_list("status", flat=True)
    )
    # Four matched 申报制 clauses: three carry sample applications, the last stays open for the visitor.
    assert statuses == ["approved", "approved", "under_review"]
    from yingshang.policies import matching, selectors
    from yingshang.policies.models import Clause

    open_clauses = [m.clause for m in selectors.live_matches(selectors.enterprise_facts(enterprise),
                                                              today=timezone.localdate())
                    if m.result.status == matching.MET and m.clause.delivery_mode == "application"
                    and not PolicyApplication.objects.filter(enterprise=enterprise, clause=m.clause).exists()]
    assert len(open_clauses) == 1 and isinstance(open_clauses[0], Clause)
    demo_setup.load_demo(stdout=io.StringIO(), seed=1)
    assert PolicyDocument.objects.count() == 3
    assert PolicyApplication.objects.count() == 3
