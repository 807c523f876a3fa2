"""Pages: public supermarket, enterprise journey, management journey, bad input → 4xx with a Chinese message."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingshang.core.models import Notification
from yingshang.policies import search, services
from yingshang.policies.models import Clause, PolicyApplication, PolicyDocument
from yingshang.policies.tests.conftest import NOW, POLICY_TEXT


@pytest.fixture
def indexed(policy):
    search.index_document(policy)
    return policy


def test_public_pages_open_without_login(client, indexed):
    award = indexed.clauses.get(position=1)
    for url in [
        reverse("policies:home"),
        reverse("policies:document", args=[indexed.pk]),
        reverse("policies:clause", args=[award.pk]),
        reverse("policies:calculator"),
        reverse("policies:compendium", args=["玉米制种"]),
    ]:
        assert client.get(url).status_code == 200, url


def test_search_expands_synonyms_and_highlights(client, indexed):
    response = client.get(reverse("policies:home"), {"q": "高企 奖励"})
    html = response.content.decode()
    assert "共 1 条结果" in html
    assert "<mark>高新技术企业</mark>" in html
    assert "高企/高新技术企业/高新企业/国家高新技术企业" in html


def test_search_facet_filters_by_delivery_mode(client, indexed):
    response = client.get(reverse("policies:home"), {"delivery_mode": "automatic"})
    assert "共 1 条结果" in response.content.decode()
    assert "制种企业贷款贴息" in response.content.decode()


def test_interpretation_cites_every_sentence(client, indexed):
    html = client.get(reverse("policies:document", args=[indexed.pk])).content.decode()
    award = indexed.clauses.get(position=1)
    assert (
        f"高新技术企业认定奖励：具备高新技术企业资质；信用等级不是C、D类（失信主体不能享受）。 "
        f'<a class="cite" href="#clause-{award.pk}">〔一、〕</a>'
    ) in html
    assert "高新技术企业认定奖励：一次性奖励，最高30万元（申报制）。" in html
    assert "<svg" in html  # QR code


def test_draft_documents_are_hidden_from_enterprises(client_for, cast, policy):
    policy.status = "draft"
    policy.save()
    assert client_for(cast.gz_owner).get(reverse("policies:document", args=[policy.pk])).status_code == 404
    assert client_for(cast.city_staff).get(reverse("policies:document", args=[policy.pk])).status_code == 200


def test_calculator_for_a_visitor(client, policy):
    response = client.get(
        reverse("policies:calculator"),
        {"qualifications": ["hnte"], "qualifications_known": "on", "size": "small"},
    )
    html = response.content.decode()
    assert "可能享受的政策（3 项）" in html  # 制种贴息 stays 待补充: no industry given
    assert "补充研发费用占比可确认" in html


def test_my_policies_show_reasons_amounts_and_hints(client_for, cast, policy, seed_company):
    html = client_for(cast.gz_owner).get(reverse("policies:mine")).content.decode()
    assert "高新技术企业认定奖励" in html
    assert "（来源：市科技局认定名单）" in html
    assert "补充研发费用占比可确认" in html
    assert '<div class="value">1300000</div>' in html  # 30万 + 100万


def test_declaring_facts_on_my_page(
    client_for, cast, policy, seed_company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.gz_owner).post(
            reverse("policies:mine"), {"rd_ratio": "5", "tax_paid_10k": ""}
        )
    assert response.status_code == 302
    html = client_for(cast.gz_owner).get(reverse("policies:mine")).content.decode()
    assert '<div class="value">1800000</div>' in html


def test_apply_page_prefills_and_submits(client_for, cast, policy, seed_company):
    award = policy.clauses.get(position=1)
    owner = client_for(cast.gz_owner)
    form = owner.get(reverse("policies:apply", args=[award.pk])).content.decode()
    assert "登记信息（来自政府部门，不可修改）" in form
    assert "张掖市甘州区丰源种业有限公司" in form
    response = owner.post(
        reverse("policies:apply", args=[award.pk]),
        {
            "material_0": SimpleUploadedFile("证书.pdf", b"%PDF-1.4"),
            "material_1": SimpleUploadedFile("照.pdf", b"%PDF"),
            "requested_yuan": "300000",
        },
    )
    application = PolicyApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/policies/applications/{application.pk}/"
    again = owner.post(
        reverse("policies:apply", args=[award.pk]),
        {
            "material_0": SimpleUploadedFile("证书.pdf", b"%PDF-1.4"),
            "material_1": SimpleUploadedFile("照.pdf", b"%PDF"),
        },
    )
    assert again.status_code == 400
    assert "请勿重复申报" in again.content.decode()
    assert PolicyApplication.objects.count() == 1


def test_review_and_pay_through_pages(client_for, cast, policy, seed_company, science_staff):
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
    # 市市场监管局 does not handle this clause; 市科技局 does.
    assert (
        application.tracking_number
        not in client_for(cast.city_staff).get(reverse("policies:review_queue")).content.decode()
    )
    reviewer = client_for(science_staff)
    assert application.tracking_number in reviewer.get(reverse("policies:review_queue")).content.decode()
    bad = reviewer.post(
        reverse("policies:decide", args=[application.pk]),
        {"action": "approve", "amount_yuan": "900000", "reason": "x"},
    )
    assert bad.status_code == 400
    assert "核定金额超过条款上限（30万元）。" in bad.content.decode()
    reviewer.post(
        reverse("policies:decide", args=[application.pk]),
        {"action": "approve", "amount_yuan": "300000", "reason": "符合条件"},
    )
    application.refresh_from_db()
    assert application.status == "approved"
    admin = client_for(cast.city_admin)
    admin.post(reverse("policies:advance", args=[application.disbursement.pk]), {"to": "instructed"})
    admin.post(
        reverse("policies:advance", args=[application.disbursement.pk]), {"to": "paid", "voucher": "PZ1"}
    )
    application.disbursement.refresh_from_db()
    assert application.disbursement.status == "paid"
    html = (
        client_for(cast.gz_owner).get(reverse("policies:application", args=[application.pk])).content.decode()
    )
    assert "我的钱到哪了" in html and "凭证 PZ1" in html
    assert "按县区汇总" in admin.get(reverse("policies:ledger")).content.decode()
    evaluation = admin.get(reverse("policies:evaluation")).content.decode()
    assert "张掖市支持科技创新若干措施（示例）" in evaluation


def test_other_enterprise_cannot_see_an_application(client_for, cast, policy, seed_company):
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
    assert (
        client_for(cast.lz_owner).get(reverse("policies:application", args=[application.pk])).status_code
        == 404
    )
    assert (
        client_for(cast.stranger).get(reverse("policies:application", args=[application.pk])).status_code
        == 404
    )


def _docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_department_imports_corrects_and_publishes(
    client_for, cast, seed_company, django_capture_on_commit_callbacks
):
    lead = client_for(cast.city_dept_lead)
    response = lead.post(
        reverse("policies:import"),
        {
            "title": "示例政策（导入）",
            "level": "city",
            "file": SimpleUploadedFile("policy.docx", _docx_bytes(POLICY_TEXT)),
        },
    )
    document = PolicyDocument.objects.get(title="示例政策（导入）")
    assert response.status_code == 302 and response["Location"] == f"/policies/manage/{document.pk}/"
    clause = document.clauses.get(position=1)
    page = lead.get(reverse("policies:clause_edit", args=[clause.pk])).content.decode()
    assert "“高新技术企业”" in page  # source span quoted
    contradictory = lead.post(
        reverse("policies:clause_edit", args=[clause.pk]),
        {
            "title": "高企奖励",
            "topic": "科技创新",
            "delivery_mode": "application",
            "benefit_type": "award",
            "max_amount_yuan": "300000",
            "min_employees": "300",
            "max_employees": "10",
            "confirm": "on",
        },
    )
    assert contradictory.status_code == 400
    assert "条件互相矛盾" in contradictory.content.decode()
    for item in document.clauses.all():
        response = lead.post(
            reverse("policies:clause_edit", args=[item.pk]),
            {
                "title": item.title,
                "topic": "科技创新",
                "delivery_mode": "application",
                "benefit_type": "award",
                "max_amount_yuan": "300000",
                "qualifications_any": ["hnte"],
                "exclude_credit": "on",
                "materials": "营业执照\n（选）其他材料",
                # Clause 2 states an R&D share threshold: it must stay in the rules to be confirmed.
                "min_rd_ratio": "3" if item.position == 2 else "",
                "confirm": "on",
            },
        )
        assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(reverse("policies:document_action", args=[document.pk]), {"action": "publish"})
    document.refresh_from_db()
    assert document.status == "published"
    # Clause 2 waits for the enterprise's declared R&D share: two pushes, not three.
    assert (
        Notification.objects.filter(recipient=cast.gz_owner, title="政策推送：示例政策（导入）").count() == 2
    )


def test_scanned_pdf_is_refused_with_a_reason(client_for, cast):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = client_for(cast.city_dept_lead).post(
        reverse("policies:import"),
        {"title": "扫描件", "level": "city", "file": SimpleUploadedFile("scan.pdf", buffer.getvalue())},
    )
    assert response.status_code == 400
    assert "可能是扫描件或图片" in response.content.decode()
    assert PolicyDocument.objects.count() == 0


def test_publishing_unconfirmed_clauses_is_refused(client_for, cast):
    document = services.create_document(by=cast.city_dept_lead, title="未确认", text=POLICY_TEXT)
    response = client_for(cast.city_dept_lead).post(
        reverse("policies:document_action", args=[document.pk]), {"action": "publish"}
    )
    assert response.status_code == 400
    assert "未经确认的内容不能发布给企业" in response.content.decode()


def test_compendium_exports(client, policy):
    pdf = client.get(reverse("policies:compendium_pdf", args=["玉米制种"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx_response = client.get(reverse("policies:compendium_docx", args=["玉米制种"]))
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(docx_response.content)).paragraphs)
    assert "玉米制种产业政策一本通" in text and "制种企业贷款贴息" in text
    assert client.get(reverse("policies:compendium", args=["不存在"])).status_code == 404


def test_qr_code_opens_the_mobile_page(client, policy):
    clause = Clause.objects.get(document=policy, position=1)
    response = client.get(reverse("policies:qr", args=["clause", clause.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"


def test_guides_assign_and_log(client_for, cast):
    admin = client_for(cast.gz_admin)
    response = admin.post(
        reverse("policies:guides"), {"enterprise_id": cast.gz_enterprise.pk, "guide": cast.gz_staff.pk}
    )
    assert response.status_code == 302
    assignment = cast.gz_enterprise.policy_guides.get()
    staff = client_for(cast.gz_staff)
    staff.post(
        reverse("policies:guide_detail", args=[assignment.pk]), {"channel": "visit", "note": "上门讲解"}
    )
    assert assignment.contacts.get().note == "上门讲解"
    assert (
        client_for(cast.lz_staff).get(reverse("policies:guide_detail", args=[assignment.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "url_name", ["policies:manage", "policies:review_queue", "policies:ledger", "policies:applications"]
)
def test_list_pages_use_a_constant_number_of_queries(
    client_for, cast, policy, seed_company, url_name, django_assert_max_num_queries
):
    for index in range(3):
        document = PolicyDocument.objects.create(title=f"政策{index}", status="draft")
        Clause.objects.create(document=document, title="条款", text="给予补贴")
    client = client_for(cast.city_admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(url_name)).status_code == 200
