"""The chain through its services: draft → confirm → publish → push → apply → review → pay → rate."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from yingshang.core.errors import BusinessRuleError, ConflictError
from yingshang.core.models import AuditEvent, Notification
from yingshang.policies import services
from yingshang.policies.models import (
    Clause,
    Disbursement,
    PolicyApplication,
    PolicyDocument,
    PolicyMatch,
    PolicyVersion,
)
from yingshang.policies.tests.conftest import NOW, POLICY_TEXT


def pdf_upload(name="证书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_create_document_reads_clauses_for_review(cast):
    document = services.create_document(by=cast.city_dept_lead, title="示例政策", text=POLICY_TEXT)
    clauses = list(document.clauses.order_by("position"))
    assert [c.number for c in clauses] == ["一、", "二、", "三、"]
    assert {c.review_status for c in clauses} == {"pending"}
    # Status words and thresholds the platform cannot decide are kept as manual conditions; the R&D share,
    # which enterprises declare, becomes a typed rule.
    assert clauses[0].rules == {"qualifications_any": ["hnte"], "manual_conditions": ["首次认定"]}
    assert clauses[1].rules == {"sizes": ["medium", "small"], "min_rd_ratio": 3}
    assert [(b.benefit_type, b.max_amount_yuan) for b in clauses[0].benefits.all()] == [("award", 300_000)]
    assert [(b.benefit_type, b.ratio, b.cap_yuan) for b in clauses[1].benefits.all()] == [
        ("subsidy", 0.1, 500_000)
    ]
    assert clauses[2].rules == {"tags_any": ["玉米制种"], "manual_conditions": ["新建项目"]}
    assert PolicyVersion.objects.get(document=document).number == 1
    assert AuditEvent.objects.filter(action="policy.create", object_id=str(document.pk)).count() == 1


def test_nothing_unreviewed_is_published(cast):
    document = services.create_document(by=cast.city_dept_lead, title="示例政策", text=POLICY_TEXT)
    with pytest.raises(BusinessRuleError) as error:
        services.publish_document(document, by=cast.city_dept_lead, now=NOW)
    assert error.value.code == "unconfirmed"
    document.refresh_from_db()
    assert document.status == "draft"


def test_contradictory_rules_are_refused_and_nothing_saved(cast):
    document = services.create_document(by=cast.city_dept_lead, title="示例政策", text=POLICY_TEXT)
    clause = document.clauses.order_by("position").first()
    with pytest.raises(BusinessRuleError) as error:
        services.review_clause(
            clause,
            by=cast.city_dept_lead,
            confirm=True,
            benefits=None,
            changes={"rules": {"min_employees": 300, "max_employees": 10}},
        )
    assert error.value.message == "条件互相矛盾：从业人员下限（人）（300）大于从业人员上限（人）（10）"
    clause.refresh_from_db()
    assert (clause.review_status, clause.rules) == (
        "pending",
        {"qualifications_any": ["hnte"], "manual_conditions": ["首次认定"]},
    )


def test_unparseable_benefit_amount_is_refused(cast):
    document = services.create_document(by=cast.city_dept_lead, title="示例政策", text=POLICY_TEXT)
    clause = document.clauses.order_by("position").first()
    with pytest.raises(BusinessRuleError) as error:
        services.review_clause(
            clause,
            by=cast.city_dept_lead,
            confirm=True,
            changes={},
            benefits=[{"benefit_type": "award", "max_amount_yuan": "三十万"}],
        )
    assert error.value.message == "第1项兑现内容：最高金额（元）：“三十万”无法识别为金额，请填写整数元"
    assert clause.benefits.get().max_amount_yuan == 300_000


def test_publish_pushes_to_matched_enterprises_once(cast, seed_company, django_capture_on_commit_callbacks):
    document = services.create_document(by=cast.city_dept_lead, title="示例政策", text=POLICY_TEXT)
    for clause in document.clauses.all():
        # The reviewer judges the status words (新认定, 新建) to be checked on application and drops them (audited);
        # the R&D share threshold must stay, so clause 2 is unknown until the enterprise declares it.
        rules = {key: value for key, value in clause.rules.items() if key != "manual_conditions"}
        services.review_clause(
            clause, by=cast.city_dept_lead, changes={"rules": rules}, benefits=None, confirm=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_document(document, by=cast.city_dept_lead, now=NOW)
    award = document.clauses.get(position=1)
    notes = Notification.objects.filter(recipient=cast.gz_owner)
    assert sorted(n.link for n in notes) == sorted(
        f"/policies/clauses/{c.pk}/" for c in document.clauses.filter(position__in=[1, 3])
    )
    body = notes.get(link=f"/policies/clauses/{award.pk}/").body
    assert body == (
        "根据资质（具备其一）：高新技术企业（市科技局认定名单），贵企业符合「对新认定的高新技术企业，给予一次性奖励30万元」的条件，"
        "预计最高可享受30万元。"
    )
    assert PolicyMatch.objects.get(enterprise=seed_company, clause=award).status == "met"
    assert (
        PolicyMatch.objects.get(enterprise=seed_company, clause=document.clauses.get(position=2)).status
        == "unknown"
    )
    # Publishing again later (after a return to draft) does not notify twice.
    services.refresh_clause_matches(list(document.clauses.all()), now=NOW)
    assert Notification.objects.filter(recipient=cast.gz_owner).count() == 2


def test_department_staff_cannot_publish(cast, policy):
    document = services.create_document(by=cast.city_staff, title="示例政策", text=POLICY_TEXT)
    with pytest.raises(PermissionDenied):
        services.publish_document(document, by=cast.city_staff, now=NOW)


def test_declaring_rd_ratio_turns_unknown_into_met(
    cast, policy, seed_company, django_capture_on_commit_callbacks
):
    rd = policy.clauses.get(position=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_enterprise_facts(seed_company, by=cast.gz_owner, rd_ratio=4, tax_paid_10k=None)
    assert PolicyMatch.objects.get(enterprise=seed_company, clause=rd).status == "met"
    assert (
        Notification.objects.filter(recipient=cast.gz_owner, link=f"/policies/clauses/{rd.pk}/").count() == 1
    )


def test_application_chain_to_payment(cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    application = services.submit_application(
        enterprise=seed_company,
        clause=award,
        by=cast.gz_owner,
        now=NOW,
        requested_yuan=300_000,
        files={"高新技术企业证书": pdf_upload(), "营业执照": pdf_upload("执照.pdf")},
    )
    assert application.tracking_number == f"ZC20250630{application.pk:06d}"
    assert application.prefill["企业名称"] == "张掖市甘州区丰源种业有限公司"
    # 10 working days from Monday 30 June 10:00 → Monday 14 July 10:00.
    assert application.due_at.isoformat() == "2025-07-14T10:00:00+08:00"
    services.accept_application(application, by=cast.city_staff, now=NOW)
    services.return_application(application, by=cast.city_staff, reason="证书复印件不清晰", now=NOW)
    services.resubmit_application(
        application, by=cast.gz_owner, now=NOW, files={"高新技术企业证书": pdf_upload()}
    )
    services.approve_application(
        application, by=cast.city_staff, amount_yuan=300_000, reason="符合条件", now=NOW
    )
    disbursement = Disbursement.objects.get(application=application)
    assert (disbursement.expected_instructed_on, disbursement.expected_paid_on) == (
        dt.date(2025, 7, 7),
        dt.date(2025, 7, 21),
    )
    services.advance_disbursement(disbursement, by=cast.city_admin, to="instructed", now=NOW)
    services.advance_disbursement(disbursement, by=cast.city_admin, to="paid", now=NOW, voucher="PZ-001")
    assert [(e.from_status, e.to_status) for e in application.events.all()] == [
        ("", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "returned"),
        ("returned", "submitted"),
        ("submitted", "approved"),
        ("approved", "instructed"),
        ("instructed", "paid"),
    ]
    assert (
        Notification.objects.filter(recipient=cast.gz_owner, title__startswith="申报被退回补正").get().body
        == "证书复印件不清晰"
    )


def test_duplicate_application_is_refused(cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    files = {"高新技术企业证书": pdf_upload(), "营业执照": pdf_upload()}
    services.submit_application(enterprise=seed_company, clause=award, by=cast.gz_owner, now=NOW, files=files)
    with pytest.raises(ConflictError) as error:
        services.submit_application(
            enterprise=seed_company,
            clause=award,
            by=cast.gz_owner,
            now=NOW,
            files={"高新技术企业证书": pdf_upload(), "营业执照": pdf_upload()},
        )
    assert error.value.message == "贵企业本年度已申报过该条款，请勿重复申报（可在“我的申报”中查看进度）。"
    assert PolicyApplication.objects.count() == 1


def test_missing_material_needs_a_promised_date(cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    with pytest.raises(BusinessRuleError) as error:
        services.submit_application(
            enterprise=seed_company,
            clause=award,
            by=cast.gz_owner,
            now=NOW,
            files={"高新技术企业证书": pdf_upload()},
        )
    assert error.value.message == "缺少必需材料：营业执照。可选择容缺受理并承诺补齐日期。"
    with pytest.raises(BusinessRuleError) as error:
        services.submit_application(
            enterprise=seed_company,
            clause=award,
            by=cast.gz_owner,
            now=NOW,
            files={"高新技术企业证书": pdf_upload()},
            missing=["营业执照"],
        )
    assert error.value.message == "容缺受理需填写承诺补齐日期（今天起 90 天内）。"
    application = services.submit_application(
        enterprise=seed_company,
        clause=award,
        by=cast.gz_owner,
        now=NOW,
        files={"高新技术企业证书": pdf_upload()},
        missing=["营业执照"],
        promised_on=dt.date(2025, 7, 10),
    )
    assert application.missing_materials == ["营业执照"]
    assert application.events.get().note == "容缺受理：营业执照，承诺2025-07-10前补齐"


def test_bad_material_type_is_refused(cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    with pytest.raises(BusinessRuleError) as error:
        services.submit_application(
            enterprise=seed_company,
            clause=award,
            by=cast.gz_owner,
            now=NOW,
            files={"高新技术企业证书": SimpleUploadedFile("a.exe", b"MZ"), "营业执照": pdf_upload()},
        )
    assert (
        error.value.message == "材料“高新技术企业证书”的文件类型不支持（可上传 PDF、图片、DOCX、XLSX、OFD）。"
    )
    assert PolicyApplication.objects.count() == 0


def test_ineligible_enterprise_is_told_why(cast, policy):
    award = policy.clauses.get(position=1)
    with pytest.raises(BusinessRuleError) as error:
        services.submit_application(enterprise=cast.lz_enterprise, clause=award, by=cast.lz_owner, now=NOW)
    assert error.value.message == "不符合申报条件：资质（具备其一）要求高新技术企业，贵企业为无相关资质。"


def test_automatic_benefit_needs_only_a_confirmation(cast, policy, seed_company):
    seed = policy.clauses.get(position=3)
    application = services.confirm_automatic_benefit(
        enterprise=seed_company, clause=seed, by=cast.gz_owner, now=NOW
    )
    assert (application.status, application.channel, application.approved_yuan) == (
        "approved",
        "confirmed",
        1_000_000,
    )
    assert application.disbursement.status == "approved"
    with pytest.raises(ConflictError):
        services.confirm_automatic_benefit(enterprise=seed_company, clause=seed, by=cast.gz_owner, now=NOW)


def test_approval_over_budget_is_refused(cast, policy, seed_company):
    policy.budget_yuan = 100_000
    policy.save()
    award = policy.clauses.get(position=1)
    application = services.submit_application(
        enterprise=seed_company,
        clause=award,
        by=cast.gz_owner,
        now=NOW,
        files={"高新技术企业证书": pdf_upload(), "营业执照": pdf_upload()},
    )
    with pytest.raises(BusinessRuleError) as error:
        services.approve_application(
            application, by=cast.city_staff, amount_yuan=300_000, reason="符合", now=NOW
        )
    assert error.value.message == "核定金额将超出该政策预算（预算10万元，已核定0元）。"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_revision_keeps_versions_and_shows_a_diff(cast, policy):
    version = services.revise_document(
        policy, by=cast.city_dept_lead, text=POLICY_TEXT.replace("30万元", "50万元"), note="提高奖励标准"
    )
    policy.refresh_from_db()
    assert (version.number, policy.status, policy.current_version) == (2, "draft", 2)
    diff = services.version_diff(policy.versions.get(number=1), version)
    assert [line for line in diff if line[0] != " "] == [
        ("-", "一、对新认定的高新技术企业，给予一次性奖励30万元。"),
        ("+", "一、对新认定的高新技术企业，给予一次性奖励50万元。"),
    ]


def test_expiry_sweep_expires_and_reminds_once(cast, policy):
    policy.expires_on = dt.date(2025, 6, 29)
    policy.save()
    other = PolicyDocument.objects.create(
        title="将到期政策",
        status="published",
        expires_on=dt.date(2025, 7, 15),
        created_by=cast.city_dept_lead,
    )
    assert services.sweep_policy_expiry(now=NOW) == {"expired": 1, "reminded": 1}
    assert services.sweep_policy_expiry(now=NOW) == {"expired": 0, "reminded": 0}
    policy.refresh_from_db()
    assert policy.status == "expired"
    assert (
        Notification.objects.filter(recipient=cast.city_dept_lead).get().title
        == f"政策即将到期：{other.title}"
    )


def test_rating_stage_needs_an_application(cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    rating = services.rate_policy(
        enterprise=seed_company, clause=award, stage="policy", score=5, comment="好", by=cast.gz_owner
    )
    assert rating.score == 5
    with pytest.raises(BusinessRuleError):
        services.rate_policy(
            enterprise=seed_company, clause=award, stage="payment", score=2, comment="", by=cast.gz_owner
        )


def test_guide_assignment_and_contact_log(cast):
    assignment = services.assign_guide(
        enterprise=cast.gz_enterprise, guide=cast.gz_staff, by=cast.gz_admin, now=NOW
    )
    contact = services.log_guide_contact(
        assignment, by=cast.gz_staff, channel="phone", note="电话讲解研发补助政策", now=NOW
    )
    assert contact.assignment.guide == cast.gz_staff
    with pytest.raises(PermissionDenied):
        services.log_guide_contact(assignment, by=cast.lz_staff, channel="phone", note="x", now=NOW)
    assert Clause.objects.count() == 0


def test_advancing_a_payout_to_an_unknown_step_is_refused_in_chinese(cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    application = services.submit_application(
        enterprise=seed_company,
        clause=award,
        by=cast.gz_owner,
        now=NOW,
        requested_yuan=300_000,
        files={"高新技术企业证书": pdf_upload(), "营业执照": pdf_upload("执照.pdf")},
    )
    services.approve_application(
        application, by=cast.city_staff, amount_yuan=300_000, reason="符合条件", now=NOW
    )
    disbursement = Disbursement.objects.get(application=application)
    for step in ("", "flying"):
        with pytest.raises(BusinessRuleError) as error:
            services.advance_disbursement(disbursement, by=cast.city_admin, to=step, now=NOW)
        assert error.value.message == "请选择兑现进度（已下达拨付指令或已到账）。"
    disbursement.refresh_from_db()
    assert disbursement.status == "approved"
