"""Demo policies (示例政策, written for the demo, not real documents) and an application chain for `qiye`.

Idempotent: documents are keyed by title; applications by (enterprise, clause, year) as in production.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yingshang.accounts.models import User
from yingshang.core.models import Department, Region
from yingshang.enterprises.choices import MembershipStatus
from yingshang.enterprises.models import Enterprise
from yingshang.policies import matching, search, selectors, services
from yingshang.policies.models import Benefit, Clause, PolicyApplication, PolicyDocument, PolicyVersion

NOTE = "（示例：为演示编写，非真实政策）"
MATERIALS = [
    {"name": "营业执照", "required": True},
    {"name": "申报表", "required": True},
    {"name": "其他佐证材料", "required": False},
]

# (title, 文号, issuer, department key, budget, tags, clauses)
# clause: (title, text, topic, support_types, rules, benefits, delivery_mode, service_days)
DOCUMENTS = [
    (
        "张掖市促进科技创新若干措施（示例）",
        "张科发〔2025〕示例1号",
        "张掖市科学技术局",
        "science",
        5_000_000,
        [],
        [
            (
                "高新技术企业认定奖励",
                "对首次认定的国家高新技术企业，给予一次性奖励30万元；重新认定的给予10万元。",
                "科技创新",
                ["一次性奖励"],
                {"qualifications_any": ["hnte"], "exclude_credit_classes": ["C", "D"]},
                [("award", 300_000, None, None, None)],
                "application",
                15,
            ),
            (
                "企业研发费用补助",
                "对研发费用占营业收入比例不低于3%的中小企业，按上年度研发费用的10%给予补助，最高不超过50万元。",
                "科技创新",
                ["补贴"],
                {
                    "min_rd_ratio": 3,
                    "sizes": ["medium", "small", "micro"],
                    "exclude_credit_classes": ["C", "D"],
                },
                [("subsidy", None, 0.1, 500_000, None)],
                "application",
                20,
            ),
            (
                "科技型中小企业入库奖励",
                "对入库的科技型中小企业，免申即享给予一次性奖励5万元。",
                "科技创新",
                ["一次性奖励"],
                {"qualifications_any": ["tech_sme"], "exclude_already_benefited": True},
                [("award", 50_000, None, None, None)],
                "automatic",
                None,
            ),
        ],
    ),
    (
        "张掖市支持中小微企业稳岗惠企若干措施（示例）",
        "张政办发〔2025〕示例2号",
        "张掖市人民政府办公室",
        "hrss",
        20_000_000,
        [],
        [
            (
                "中小微企业稳岗补贴",
                "对不裁员或少裁员的中小微企业，按上年度实际缴纳失业保险费的60%返还，最高10万元。",
                "人才就业",
                ["补贴"],
                {
                    "sizes": ["medium", "small", "micro"],
                    "entity_types": ["enterprise"],
                    "exclude_credit_classes": ["C", "D"],
                },
                [("subsidy", None, 0.6, 100_000, None)],
                "application",
                10,
            ),
            (
                "创业担保贷款贴息",
                "对成立3年内的小微企业申请创业担保贷款的，按贷款利息的50%给予贴息，每年最高不超过15万元。",
                "金融信贷",
                ["贷款贴息"],
                {"sizes": ["small", "micro"], "max_age_years": 3},
                [("interest", None, 0.5, None, 150_000)],
                "application",
                10,
            ),
            (
                "融资担保费补贴",
                "对通过政府性融资担保机构获得贷款的中小微企业，按担保费的50%给予补贴，最高20万元。",
                "金融信贷",
                ["融资担保"],
                {"sizes": ["medium", "small", "micro"], "exclude_credit_classes": ["C", "D"]},
                [("guarantee", None, 0.5, 200_000, None)],
                "application",
                10,
            ),
            (
                "小微企业“六税两费”减半征收",
                "对小型微利企业和个体工商户，减半征收资源税、城市维护建设税等“六税两费”，即申即享。",
                "税费",
                ["税费减免"],
                {"sizes": ["small", "micro"]},
                [("tax", None, 0.5, None, None)],
                "instant",
                1,
            ),
            (
                "高层次人才安家补贴",
                "企业新引进的博士等高层次人才，给予每人安家补贴20万元，分三年发放。",
                "人才就业",
                ["人才"],
                {"entity_types": ["enterprise"], "min_employees": 10},
                [("talent", 200_000, None, None, None)],
                "application",
                20,
            ),
        ],
    ),
    (
        "张掖市特色产业高质量发展支持政策（示例）",
        "张政发〔2025〕示例3号",
        "张掖市人民政府",
        "agriculture",
        30_000_000,
        ["玉米制种", "肉牛", "特色农产品加工", "新能源", "文化旅游"],
        [
            (
                "玉米制种基地建设奖励",
                "对新建标准化玉米制种基地1000亩以上的企业，给予一次性奖励50万元。",
                "农业",
                ["一次性奖励"],
                {"tags_any": ["玉米制种"], "exclude_credit_classes": ["C", "D"]},
                [("award", 500_000, None, None, None)],
                "application",
                15,
            ),
            (
                "肉牛养殖贷款贴息",
                "对肉牛养殖企业扩大养殖规模的贷款，按实际利息的50%给予贴息，最高100万元。",
                "农业",
                ["贷款贴息"],
                {"tags_any": ["肉牛"]},
                [("interest", None, 0.5, 1_000_000, None)],
                "application",
                15,
            ),
            (
                "农产品加工技术改造补助",
                "对特色农产品加工企业技术改造项目，按设备投资的20%给予补助，最高200万元。",
                "产业发展",
                ["补贴"],
                {"tags_any": ["特色农产品加工"], "industries": ["C"]},
                [("subsidy", None, 0.2, 2_000_000, None)],
                "application",
                20,
            ),
            (
                "新能源项目用地保障",
                "对新能源装备制造和储能项目，优先保障用地指标，支持以先租后让方式供地。",
                "产业发展",
                ["用地"],
                {"tags_any": ["新能源"]},
                [("land", None, None, None, None)],
                "application",
                20,
            ),
            (
                "文旅企业品牌创建奖励",
                "对新评定的A级旅游景区、星级饭店等文旅企业，给予一次性奖励20万元。",
                "文旅",
                ["一次性奖励"],
                {"tags_any": ["文化旅游"]},
                [("award", 200_000, None, None, None)],
                "application",
                15,
            ),
            (
                "重点企业金牌导办服务",
                "对规模以上企业和重点项目，安排金牌导办员提供一对一帮办代办服务。",
                "其他",
                ["服务"],
                {"entity_types": ["enterprise"]},
                [("service", None, None, None, None)],
                "automatic",
                None,
            ),
        ],
    ),
]


def load_demo(*, stdout, seed: int) -> None:
    """Load the example policies, match them, and walk qiye's enterprise along the chain."""
    publisher = User.objects.filter(username="shiji").first()
    if publisher is None:
        stdout.write("政策超市：未找到演示账号 shiji，跳过。")
        return
    now = timezone.now()
    created = [_document(spec, publisher=publisher, now=now) for spec in DOCUMENTS]
    created = [document for document in created if document is not None]
    if created:
        clauses = list(Clause.objects.active().filter(document__in=created).prefetch_related("benefits"))
        totals = services.refresh_clause_matches(clauses, now=now, push=True)
        stdout.write(
            f"政策超市：{len(created)} 份示例政策，{len(clauses)} 个条款；符合 {totals['met']} 家次，"
            f"推送 {totals['pushed']} 条。"
        )
    _application_chain(now=now, stdout=stdout)


def _document(spec, *, publisher, now) -> PolicyDocument | None:
    title, number, issuer, department_key, budget, tags, clauses = spec
    if PolicyDocument.objects.filter(title=title).exists():
        return None
    city = Region.objects.get(kind="city")
    department = Department.objects.filter(function_key=department_key, region=city).first()
    with transaction.atomic():
        document = PolicyDocument.objects.create(
            title=title,
            document_number=number,
            issuer=issuer,
            level="city",
            region=city,
            department=department,
            effective_on=dt.date(now.year, 1, 1),
            expires_on=dt.date(now.year + 2, 12, 31),
            budget_yuan=budget,
            tags=tags,
            is_example=True,
            created_by=publisher,
            summary=f"{title}{NOTE}",
        )
        text = "\n".join(f"{index}. {clause[1]}" for index, clause in enumerate(clauses, start=1))
        PolicyVersion.objects.create(
            document=document,
            number=1,
            text=f"{title}\n{NOTE}\n{text}",
            note="示例初稿",
            created_by=publisher,
        )
        for position, (name, body, topic, support, rules, benefits, mode, days) in enumerate(
            clauses, start=1
        ):
            clause = Clause.objects.create(
                document=document,
                position=position,
                number=f"{position}.",
                title=name,
                text=body,
                topic=topic,
                support_types=support,
                rules=rules,
                delivery_mode=mode,
                materials=MATERIALS if mode != "automatic" else [],
                handling_department=department,
                contact="0936-12345",
                service_days=days,
                allows_commitment=position % 2 == 0,
                review_status="confirmed",
                reviewed_by=publisher,
                reviewed_at=now,
            )
            for benefit_type, amount, ratio, cap, per_year in benefits:
                Benefit.objects.create(
                    clause=clause,
                    benefit_type=benefit_type,
                    max_amount_yuan=amount,
                    ratio=ratio,
                    cap_yuan=cap,
                    per_year_limit_yuan=per_year,
                )
        services.publish_document(document, by=publisher, now=now)
        search.index_document(document)
    return document


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo material\n", name=f"{name}.pdf")


def _application_chain(*, now, stdout) -> None:
    """qiye's enterprise: one paid, one instructed, one under review, one returned for correction — as far as its
    matched 申报制 clauses go, always leaving the last one open for the visitor to apply for."""
    user = User.objects.filter(username="qiye").first()
    reviewer = User.objects.filter(username="shiji").first()
    if user is None or reviewer is None:
        return
    enterprise = (
        Enterprise.objects.filter(memberships__user=user, memberships__status=MembershipStatus.VERIFIED)
        .select_related("region")
        .order_by("pk")
        .first()
    )
    if enterprise is None or PolicyApplication.objects.filter(enterprise=enterprise).exists():
        return
    live = selectors.live_matches(selectors.enterprise_facts(enterprise), today=now.date())
    candidates = [
        m
        for m in live
        if m.result.status == matching.MET
        and m.clause.delivery_mode == "application"
        and m.clause.document.is_example
    ]
    stages = ["paid", "instructed", "under_review", "returned"]
    # The last matched 申报制 clause stays open, so a visitor of the demo can apply and follow it to payment.
    for match, stage in zip(candidates[: len(candidates) - 1], stages, strict=False):
        clause = match.clause
        files = {m["name"]: _pdf(m["name"]) for m in clause.materials if m.get("required", True)}
        application = services.submit_application(
            enterprise=enterprise, clause=clause, by=user, now=now, files=files
        )
        services.accept_application(application, by=reviewer, now=now)
        if stage == "returned":
            services.return_application(
                application, by=reviewer, reason="申报表缺少法定代表人签字，请补正后重新提交。", now=now
            )
            continue
        if stage == "under_review":
            continue
        amount = match.result.estimated_max_yuan or 50_000
        services.approve_application(
            application, by=reviewer, amount_yuan=amount, reason="材料齐全，符合条件", now=now
        )
        disbursement = application.disbursement
        services.advance_disbursement(disbursement, by=reviewer, to="instructed", now=now)
        if stage == "paid":
            services.advance_disbursement(
                disbursement, by=reviewer, to="paid", now=now, voucher="示例-PZ-0001"
            )
            services.rate_policy(
                enterprise=enterprise,
                clause=clause,
                stage="policy",
                score=5,
                comment="政策清楚，兑现及时。",
                by=user,
            )
    stdout.write(f"政策超市：为 {enterprise.name} 生成 {min(len(candidates), len(stages))} 条示例申报。")
