"""Policy fixtures: a published document with confirmed clauses, built directly (services are tested elsewhere)."""

import datetime as dt

import pytest
from django.utils import timezone

NOW = timezone.make_aware(dt.datetime(2025, 6, 30, 10, 0))

POLICY_TEXT = """张掖市支持科技创新若干措施（示例）
一、对新认定的高新技术企业，给予一次性奖励30万元。
二、对研发费用占营业收入比例达到3%以上的中小企业，按研发费用的10%给予补助，最高不超过50万元。
三、对玉米制种企业新建种子加工生产线的，给予贷款贴息，最高100万元。
"""


@pytest.fixture
def policy(cast):
    """A published city policy handled by 市科技局, with three confirmed clauses."""
    from yingshang.core.models import Department, Region
    from yingshang.policies.models import Benefit, Clause, PolicyDocument, PolicyVersion

    city = Region.objects.get(code="620700")
    science = Department.objects.get(function_key="science", region=city)
    document = PolicyDocument.objects.create(
        title="张掖市支持科技创新若干措施（示例）",
        document_number="张政发〔2025〕1号",
        issuer="张掖市人民政府",
        level="city",
        region=city,
        department=cast.city_staff.department,
        status="published",
        published_on=dt.date(2025, 3, 1),
        budget_yuan=2_000_000,
        tags=["玉米制种"],
    )
    PolicyVersion.objects.create(document=document, number=1, text=POLICY_TEXT)
    award = Clause.objects.create(
        document=document,
        position=1,
        number="一、",
        title="高新技术企业认定奖励",
        text="对新认定的高新技术企业，给予一次性奖励30万元。",
        topic="科技创新",
        support_types=["一次性奖励"],
        rules={"qualifications_any": ["hnte"], "exclude_credit_classes": ["C", "D"]},
        review_status="confirmed",
        handling_department=science,
        service_days=10,
        materials=[{"name": "高新技术企业证书", "required": True}, {"name": "营业执照", "required": True}],
    )
    Benefit.objects.create(clause=award, benefit_type="award", max_amount_yuan=300_000)
    rd = Clause.objects.create(
        document=document,
        position=2,
        number="二、",
        title="研发费用补助",
        text="对研发费用占营业收入比例达到3%以上的中小企业，按研发费用的10%给予补助，最高不超过50万元。",
        topic="科技创新",
        support_types=["补贴"],
        rules={"min_rd_ratio": 3, "sizes": ["medium", "small", "micro"]},
        review_status="confirmed",
        handling_department=science,
        service_days=10,
        materials=[{"name": "研发费用专项审计报告", "required": True}],
    )
    Benefit.objects.create(clause=rd, benefit_type="subsidy", ratio=0.1, cap_yuan=500_000)
    seed = Clause.objects.create(
        document=document,
        position=3,
        number="三、",
        title="制种企业贷款贴息",
        text="对玉米制种企业新建种子加工生产线的，给予贷款贴息，最高100万元。",
        topic="农业",
        support_types=["贷款贴息"],
        rules={"tags_any": ["玉米制种"], "industries": ["A", "51"]},
        review_status="confirmed",
        handling_department=science,
        delivery_mode="automatic",
    )
    Benefit.objects.create(clause=seed, benefit_type="interest", max_amount_yuan=1_000_000)
    return document


@pytest.fixture
def seed_company(cast):
    """gz_enterprise as a small 高新技术企业 in the 玉米制种 industry."""
    from yingshang.enterprises.models import EnterpriseQualification

    enterprise = cast.gz_enterprise
    enterprise.size = "small"
    enterprise.tags = ["玉米制种"]
    enterprise.established_on = dt.date(2018, 4, 1)
    enterprise.save()
    EnterpriseQualification.objects.create(
        enterprise=enterprise, qualification_id="hnte", source="市科技局认定名单"
    )
    return enterprise


@pytest.fixture
def science_staff(cast):
    """市科技局 staff: reviews applications for clauses the science bureau handles."""
    from yingshang.accounts.models import User
    from yingshang.accounts.roles import Role
    from yingshang.core.models import Department

    department = Department.objects.get(function_key="science", region__code="620700")
    return User.objects.create_user(
        username="science_staff",
        password="Test-pass-2025",
        role=Role.DEPARTMENT_STAFF,
        department=department,
        full_name="科技局·孙干事",
    )
