"""Pages: filing on a phone and publicly, the queues, actions with refusals as 4xx, ledger, import, metrics."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, AppealCategory, AppealEvent
from yingshang.core.workcalendar import SHANGHAI

from .conftest import NOW, solve_captcha

PAGES = {
    "/appeals/mine/": ("gz_owner", "officer"),
    "/appeals/new/": ("gz_owner", "officer"),
    "/appeals/intake/": ("operator",),
    "/appeals/dispatch/": ("operator", "city_admin", "gz_admin"),
    "/appeals/inbox/": ("gz_staff", "city_dept_lead", "gz_admin"),
    "/appeals/extensions/": ("city_admin", "city_dept_lead"),
    "/appeals/revisits/": ("operator", "city_admin"),
    "/appeals/ledger/": ("city_admin", "gz_staff", "leader"),
    "/appeals/metrics/": ("city_admin", "leader", "gz_admin", "city_dept_lead"),
    "/appeals/hot/": ("city_admin",),
    "/appeals/visits/": ("officer", "gz_staff"),
    "/appeals/visits/new/": ("officer",),
    "/appeals/import/": ("operator",),
    "/appeals/formulas/": ("gz_staff",),
}
DENIED = {
    "/appeals/intake/": "gz_owner",
    "/appeals/dispatch/": "gz_staff",
    "/appeals/ledger/": "gz_owner",
    "/appeals/metrics/": "gz_staff",
    "/appeals/import/": "gz_admin",
    "/appeals/new/": "gz_staff",
    "/appeals/inbox/": "officer",
}


@pytest.mark.parametrize("url", sorted(PAGES))
def test_pages_open_for_their_roles(cast, catalogue, client_for, url):
    for person in PAGES[url]:
        assert client_for(cast[person]).get(url).status_code == 200, person


@pytest.mark.parametrize("url", sorted(DENIED))
def test_pages_refused_to_other_roles(cast, catalogue, client_for, url):
    assert client_for(cast[DENIED[url]]).get(url).status_code == 403


def test_enterprise_files_on_the_phone_form_with_attachment(cast, catalogue, client_for):
    client = client_for(cast.gz_owner)
    category = AppealCategory.objects.get(code="009")
    response = client.post(
        "/appeals/new/",
        {
            "category": category.pk,
            "description": "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
            "urgency": "normal",
            "enterprise": str(cast.gz_enterprise.pk),
            "contact_name": "王经理",
            "contact_phone": "13812345678",
            "client_key": "k1",
            "attachments": [SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\nxxxx")],
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == f"/appeals/{appeal.pk}/"
    assert (appeal.enterprise, appeal.channel, appeal.attachments.count()) == (
        cast.gz_enterprise,
        "enterprise_web",
        1,
    )
    again = client.post(
        "/appeals/new/",
        {
            "category": category.pk,
            "description": "新厂房申请用电报装一个多月了。",
            "urgency": "normal",
            "client_key": "k1",
        },
    )
    assert again.status_code == 302 and Appeal.objects.count() == 1  # a double tap files once


def test_forged_enterprise_on_the_form_is_a_400(cast, catalogue, client_for):
    response = client_for(cast.gz_owner).post(
        "/appeals/new/",
        {
            "category": AppealCategory.objects.get(code="009").pk,
            "urgency": "normal",
            "description": "新厂房申请用电报装一个多月，供电公司一直没有接电。",
            "enterprise": str(cast.lz_enterprise.pk),
        },
    )
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_public_anonymous_form_and_tracking_link(catalogue, client):
    response = client.post(
        "/appeals/public/",
        {
            "category": AppealCategory.objects.get(code="016").pk,
            "urgency": "normal",
            "anonymous": "on",
            "description": "政务服务中心窗口说要开具的证明属于已经取消的证明事项，跑了三趟。",
            "client_key": "p1",
            **solve_captcha(),
        },
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == f"/appeals/track/{appeal.token}/"
    assert (appeal.channel, appeal.anonymous, appeal.submitted_by) == ("public_form", True, None)
    page = client.get(response.url).content.decode()
    assert appeal.tracking_number in page and "已受理（待派单）" in page


def test_public_form_without_phone_or_anonymity_is_a_400(catalogue, client):
    response = client.post(
        "/appeals/public/",
        {
            "category": AppealCategory.objects.get(code="016").pk,
            "urgency": "normal",
            "description": "政务服务中心窗口说要开具的证明属于已经取消的证明事项。",
            **solve_captcha(),
        },
    )
    assert response.status_code == 400 and "请留下联系电话，或选择匿名提交。" in response.content.decode()


def test_loop_through_pages(cast, make_appeal, client_for, market_gz):
    appeal = make_appeal(code="003", text="公司要变更法定代表人，线上办理时人脸识别一直失败，请帮忙解决。")
    operator = client_for(cast.operator)
    assert appeal.tracking_number in operator.get("/appeals/dispatch/").content.decode()
    response = operator.post(
        f"/appeals/{appeal.pk}/act/dispatch/", {"department": market_gz.pk, "note": "请办理"}
    )
    assert response.status_code == 302
    staff = client_for(cast.gz_staff)
    assert appeal.tracking_number in staff.get("/appeals/inbox/").content.decode()
    assert staff.post(f"/appeals/{appeal.pk}/act/sign/").status_code == 302
    assert staff.post(f"/appeals/{appeal.pk}/act/contact/", {"note": "已电话联系王经理"}).status_code == 302
    refused = staff.post(f"/appeals/{appeal.pk}/act/reply/", {"text": "短"})
    assert refused.status_code == 400 and "答复内容不能为空，至少 10 个字。" in refused.content.decode()
    assert (
        staff.post(
            f"/appeals/{appeal.pk}/act/reply/", {"text": "已协助企业在窗口完成法定代表人变更登记。"}
        ).status_code
        == 302
    )
    owner = client_for(cast.gz_owner)
    page = owner.get(f"/appeals/{appeal.pk}/").content.decode()
    assert "评价（好差评）" in page and "已协助企业在窗口完成法定代表人变更登记。" in page
    assert (
        owner.post(f"/appeals/{appeal.pk}/act/rate/", {"level": "5", "resolution": "resolved"}).status_code
        == 302
    )
    appeal.refresh_from_db()
    assert appeal.status == "closed"
    timeline = client_for(cast.gz_admin).get(f"/appeals/{appeal.pk}/").content.decode()
    assert "台账销号" in timeline and "派单" in timeline and "签收" in timeline


def test_action_not_allowed_now_is_a_409_page(cast, make_appeal, client_for):
    appeal = make_appeal()
    response = client_for(cast.operator).post(f"/appeals/{appeal.pk}/act/sign/")
    assert response.status_code == 403  # the operator is never the one who signs
    appeal = services.dispatch_appeal(appeal, department=cast.gz_staff.department, by=cast.operator, now=NOW)
    response = client_for(cast.operator).post(
        f"/appeals/{appeal.pk}/act/dispatch/", {"department": cast.gz_staff.department.pk}
    )
    assert response.status_code == 409
    assert "当前状态为“已派单（待签收）”，不能执行“派单”。" in response.content.decode()


def test_ledger_query_count_is_constant_and_export_works(cast, make_appeal, client_for):
    client = client_for(cast.city_admin)
    make_appeal()
    client.get("/appeals/ledger/")  # per-process caches (site header, catalogue) fill on the first page
    with CaptureQueriesContext(connection) as few:
        assert client.get("/appeals/ledger/").status_code == 200
    for i in range(8):
        make_appeal(
            text=f"第 {i} 件：新厂房申请用电报装一个多月，供电公司一直没有接电。",
            enterprise="lz" if i % 2 else "gz",
            by=cast.lz_owner if i % 2 else cast.gz_owner,
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/appeals/ledger/")
    assert len(many) == len(few)
    export = client.get("/appeals/ledger/export.xlsx", {"region": "620723"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 1 + 4 and sheet["A1"].value == "诉求编号"


def test_ledger_filters_overdue(cast, dispatched, client_for):
    client = client_for(cast.city_admin)
    body = client.get("/appeals/ledger/", {"overdue": "1"}).content.decode()
    assert dispatched.tracking_number in body  # NOW (2025) is long past its deadline


def test_import_12345_work_orders(cast, catalogue, client_for):
    csv = (
        "工单号,受理时间,诉求类别,诉求内容,联系电话,县区,紧急程度\n"
        "W1,2025-11-26 09:30,水电气热报装,新厂房申请用电报装一个多月仍未接电。,13800000000,甘州区,一般\n"
        "W2,2025-11-26 09:40,不存在的类别,内容足够长的一条诉求内容。,,临泽县,一般\n"
        "W3,昨天,004,发票开具系统升级后开不出专票。,,火星县,特急\n"
        "W1,2025-11-26 09:30,水电气热报装,新厂房申请用电报装一个多月仍未接电。,13800000000,甘州区,一般\n"
    )
    response = client_for(cast.operator).post(
        "/appeals/import/", {"file": SimpleUploadedFile("w.csv", csv.encode("gbk"))}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "新增 1 件，重复工单 1 件，有误 4 行" in body
    assert (
        "不是平台的诉求类别（名称或代码）" in body
        and "不是本市的县区" in body
        and "应为“一般”或“紧急”" in body
    )
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.external_id, appeal.region.code) == ("hotline_12345", "W1", "620702")


def test_metrics_page_shows_rates_against_targets(cast, dispatched, client_for):
    services.sign_appeal(dispatched, by=cast.gz_staff, now=NOW)
    body = client_for(cast.city_admin).get("/appeals/metrics/?month=2025-11").content.decode()
    assert "处办率（目标 ≥ 99%）" in body and "甘州区市场监督管理局" in body and "100.0%" in body


def test_visit_page_files_several_appeals(cast, catalogue, client_for):
    water, labour = AppealCategory.objects.get(code="009"), AppealCategory.objects.get(code="005")
    response = client_for(cast.officer).post(
        "/appeals/visits/new/",
        {
            "kind": "experience",
            "title": "体验官走进经开区",
            "visited_on": "2025-11-26",
            "item_1_category": water.pk,
            "item_1_text": "园区供水压力不足，生产线无法正常运转。",
            "item_2_category": labour.pk,
            "item_2_text": "季节性用工缺口大，希望组织劳务对接。",
        },
    )
    assert response.status_code == 302
    assert Appeal.objects.filter(visit__title="体验官走进经开区").count() == 2
    assert AppealEvent.objects.filter(action="receive").count() == 2


def test_hot_topics_page(cast, make_appeal, client_for):
    from django.utils import timezone

    for _ in range(3):
        make_appeal(when=timezone.now())
    body = client_for(cast.city_admin).get("/appeals/hot/").content.decode()
    assert "水电气热报装 <strong>3</strong> 件" in body and "trend-data" in body


def test_ledger_filter_form_is_kept_per_scope_and_follows_its_tables(cast, client_for):
    """The filter form is kept (core.dataversions) per set of departments in scope and filter values: a county
    office never sees the city's department list, the selected option is the one asked for, and a new category
    appears at once."""
    from yingshang.appeals.models import AppealCategory

    city, county = client_for(cast.city_admin), client_for(cast.gz_admin)
    linze_market = cast.lz_staff.department
    for _ in range(2):  # the second time from the kept fragment
        city_page = city.get("/appeals/ledger/").content.decode()
        county_page = county.get("/appeals/ledger/").content.decode()
        assert f'<option value="{linze_market.pk}" ' in city_page
        assert f'<option value="{linze_market.pk}" ' not in county_page
    with CaptureQueriesContext(connection) as kept:
        city.get("/appeals/ledger/")
    assert [q["sql"] for q in kept.captured_queries if 'FROM "core_department"' in q["sql"]] == []
    chosen = city.get("/appeals/ledger/", {"department": linze_market.pk}).content.decode()
    assert f'<option value="{linze_market.pk}" selected>' in chosen
    AppealCategory.objects.create(code="999", name="新设的诉求类别")
    assert '<option value="999" >新设的诉求类别</option>' in city.get("/appeals/ledger/").content.decode()


def _department_queries(client, url="/appeals/ledger/", **params):
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, params).content.decode()
    return body, [q["sql"] for q in queries.captured_queries if 'FROM "core_department"' in q["sql"]]


def test_ledger_filter_form_is_shared_only_by_viewers_with_the_same_departments(cast, client_for):
    """Two city-wide viewers share one kept form; a department's staff and a county office each get their own, with
    only their departments; the permission check still runs on every request (a kept form opens nothing)."""
    city_page, first = _department_queries(client_for(cast.city_admin))
    assert first  # rendered once…
    operator_page, second = _department_queries(client_for(cast.operator))
    assert second == [] and operator_page.count("<option") == city_page.count("<option")  # …and shared
    staff_page, own = _department_queries(client_for(cast.gz_staff))
    assert own  # not the city's form
    market_gz, linze_market = cast.gz_staff.department, cast.lz_staff.department
    assert f'<option value="{market_gz.pk}" ' in staff_page
    assert f'<option value="{linze_market.pk}" ' not in staff_page
    county_page, _ = _department_queries(client_for(cast.gz_admin))
    assert f'<option value="{linze_market.pk}" ' not in county_page
    assert f'<option value="{linze_market.pk}" ' in city_page
    for person in ("inspector", "gz_owner", "officer"):
        assert client_for(cast[person]).get("/appeals/ledger/").status_code == 403


def test_list_rows_print_links_labels_and_overdue_flags(cast, make_appeal, dispatched, client_for):
    """The rows computed in selectors.appeal_rows: link, urgency, names, deadline in local time, 超期 on the staff
    lists only (我的诉求 has never shown it), the suggestion in the dispatch queue."""
    urgent = make_appeal(urgency="urgent", text="紧急：厂区停电，冷库货物面临损失，请尽快协调供电公司。")
    ledger = client_for(cast.city_admin).get("/appeals/ledger/").content.decode()
    due = dispatched.due_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    assert f'<a href="/appeals/{dispatched.pk}/">{dispatched.tracking_number}</a>' in ledger
    assert f'<a href="/appeals/{urgent.pk}/">{urgent.tracking_number}</a> <span class="tag bad">紧急</span>' in ledger
    assert f'<span class="bad">{due} 超期</span>' in ledger  # NOW (2025) is long past its deadline
    assert f"{cast.gz_enterprise.name} · 甘州区" in ledger and "已派单（待签收）" in ledger
    mine = client_for(cast.gz_owner).get("/appeals/mine/").content.decode()
    assert f'<span class="">{due}</span>' in mine and "超期" not in mine
    queue = client_for(cast.operator).get("/appeals/dispatch/").content.decode()
    assert urgent.tracking_number in queue and dispatched.tracking_number not in queue
    assert "建议：" in queue


def test_list_rows_name_the_escalation_step(cast, dispatched, client_for):
    """An escalated appeal's row says which step of 催办 → 督办 → 通报 it has reached (the tag was once empty)."""
    from yingshang.appeals.choices import EscalationLevel

    type(dispatched).objects.filter(pk=dispatched.pk).update(escalation_level=EscalationLevel.SUPERVISED)
    ledger = client_for(cast.city_admin).get("/appeals/ledger/").content.decode()
    assert '<span class="tag warn">已督办</span>' in ledger
    assert '<span class="tag warn"></span>' not in ledger
