"""派单目录 with dates: lines take effect on a day, history stays, intake suggests with the line valid that day;
validation in Chinese with a 4xx and nothing half-saved; audited; Excel export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from yingshang.appeals import selectors, services
from yingshang.appeals.models import AppealCategory, DispatchRoute
from yingshang.core.models import AuditEvent, Department, Region

from .conftest import NOW

DAY = NOW.date()


@pytest.fixture
def market(catalogue):
    return AppealCategory.objects.get(code="003")


@pytest.fixture
def ganzhou(db):
    return Region.objects.get(code="620702")


def _department(name):
    return Department.objects.get(name=name)


def test_a_new_line_takes_effect_on_its_date_and_the_old_one_stays_as_history(cast, market, ganzhou):
    county = selectors.route_department(category=market, region=ganzhou, on=DAY)
    assert county.name == "甘州区市场监督管理局"  # the category's default function in the county
    first = services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="620702",
        department_id=county.pk,
        effective_from=dt.date(2025, 1, 1),
    )
    bureau = Department.objects.filter(function_key="business_env", region__kind="city").get()
    second = services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="620702",
        department_id=bureau.pk,
        effective_from=DAY + dt.timedelta(days=5),
    )
    first.refresh_from_db()
    assert first.effective_until == DAY + dt.timedelta(days=4) and second.effective_until is None
    selectors.clear_catalogue()
    assert selectors.route_department_id(category=market, region=ganzhou, on=DAY) == county.pk
    assert (
        selectors.route_department_id(category=market, region=ganzhou, on=DAY + dt.timedelta(days=4))
        == county.pk
    )
    assert (
        selectors.route_department_id(category=market, region=ganzhou, on=DAY + dt.timedelta(days=5))
        == bureau.pk
    )
    actions = list(
        AuditEvent.objects.filter(action__startswith="appeal.dispatch_route")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "appeal.dispatch_route.add",
        "appeal.dispatch_route.close",
        "appeal.dispatch_route.add",
    ]


def test_intake_suggests_with_the_line_valid_on_the_day_of_receipt(cast, market, make_appeal):
    bureau = Department.objects.filter(function_key="business_env", region__kind="city").get()
    services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="",
        department_id=bureau.pk,
        effective_from=DAY + dt.timedelta(days=1),
    )
    selectors.clear_catalogue()
    text = "企业名称变更登记办理进度慢，营业执照迟迟拿不到。"
    today = make_appeal(code="003", text=text)
    tomorrow = make_appeal(code="003", text=text, when=NOW + dt.timedelta(days=1))
    assert today.category.code == tomorrow.category.code == "003"
    assert today.suggested_department_id != bureau.pk
    assert tomorrow.suggested_department_id == bureau.pk


def test_closing_a_line_ends_it_and_the_default_applies_again(cast, market, ganzhou):
    bureau = Department.objects.filter(function_key="business_env", region__kind="city").get()
    line = services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="620702",
        department_id=bureau.pk,
        effective_from=dt.date(2025, 1, 1),
    )
    services.close_dispatch_route(line, by=cast.city_admin, effective_until=DAY)
    selectors.clear_catalogue()
    assert selectors.route_department_id(category=market, region=ganzhou, on=DAY) == bureau.pk
    assert selectors.route_department(
        category=market, region=ganzhou, on=DAY + dt.timedelta(days=1)
    ).name == ("甘州区市场监督管理局")
    assert DispatchRoute.objects.count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"region": "110101"}, "区划“110101”不在本市范围内"),
        ({"region": "620700"}, "不在本市范围内"),
        ({"department": "987654"}, "承办单位编号 987654 不存在或已撤销。"),
        ({"department": "abc"}, "承办单位应为编号（整数）。"),
        ({"effective_from": "2025-13-01"}, "格式应为 YYYY-MM-DD"),
        ({"effective_from": ""}, "请填写生效日期。"),
        ({"effective_until": "2024-01-01"}, "失效日期不能早于生效日期。"),
        ({"category": "999999"}, "类别不存在。"),
        ({"category": "0"}, "类别超出范围。"),
    ],
)
def test_bad_lines_are_refused_in_chinese_and_nothing_is_saved(cast, market, client_for, change, message):
    county = _department("甘州区市场监督管理局")
    data = {
        "form": "add",
        "category": str(market.pk),
        "region": "620702",
        "department": str(county.pk),
        "effective_from": "2025-01-01",
        **change,
    }
    response = client_for(cast.city_admin).post("/appeals/catalogue/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert DispatchRoute.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="appeal.dispatch_route").exists()


def test_overlapping_periods_and_a_department_of_another_county_are_refused(cast, market, client_for):
    county = _department("甘州区市场监督管理局")
    client = client_for(cast.city_admin)
    ok = client.post(
        "/appeals/catalogue/",
        {
            "form": "add",
            "category": market.pk,
            "region": "620702",
            "department": county.pk,
            "effective_from": "2025-01-01",
            "effective_until": "2025-12-31",
        },
    )
    assert ok.status_code == 302
    overlap = client.post(
        "/appeals/catalogue/",
        {
            "form": "add",
            "category": market.pk,
            "region": "620702",
            "department": county.pk,
            "effective_from": "2025-06-01",
        },
    )
    assert overlap.status_code == 400
    assert (
        "与已有目录行重叠" in overlap.content.decode()
        and "2025-01-01 至 2025-12-31" in overlap.content.decode()
    )
    other = Department.objects.filter(region__code="620723").exclude(function_key="").first()  # 临泽县
    foreign = client.post(
        "/appeals/catalogue/",
        {
            "form": "add",
            "category": market.pk,
            "region": "620702",
            "department": other.pk,
            "effective_from": "2026-01-01",
        },
    )
    assert foreign.status_code == 400 and "不属于甘州区" in foreign.content.decode()
    assert DispatchRoute.objects.count() == 1


def test_close_cannot_move_before_the_start_or_after_an_earlier_end(cast, market, client_for):
    county = _department("甘州区市场监督管理局")
    line = services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="620702",
        department_id=county.pk,
        effective_from=dt.date(2025, 1, 1),
        effective_until=dt.date(2025, 12, 31),
    )
    client = client_for(cast.city_admin)
    early = client.post(
        "/appeals/catalogue/", {"form": "close", "route_id": line.pk, "effective_until": "2024-12-31"}
    )
    later = client.post(
        "/appeals/catalogue/", {"form": "close", "route_id": line.pk, "effective_until": "2026-06-30"}
    )
    assert early.status_code == later.status_code == 400
    assert "不能早于该行的生效日期" in early.content.decode() and "只能提前" in later.content.decode()
    line.refresh_from_db()
    assert line.effective_until == dt.date(2025, 12, 31)


def test_page_and_export_show_the_history(cast, market, client_for):
    county = _department("甘州区市场监督管理局")
    services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="620702",
        department_id=county.pk,
        effective_from=dt.date(2025, 1, 1),
        effective_until=dt.date(2025, 3, 31),
    )
    services.add_dispatch_route(
        by=cast.city_admin,
        category=market,
        region_code="620702",
        department_id=county.pk,
        effective_from=dt.date(2025, 4, 1),
    )
    client = client_for(cast.city_admin)
    page = client.get("/appeals/catalogue/").content.decode()
    assert "已失效" in page and "2025-03-31" in page
    sheet = load_workbook(io.BytesIO(client.get("/appeals/catalogue/export.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "类别代码", "类别")
    assert [(r[1], r[3], r[5], r[7].date(), r[8]) for r in rows[1:]] == [
        ("003", "620702", "甘州区市场监督管理局", dt.date(2025, 1, 1), dt.datetime(2025, 3, 31)),
        ("003", "620702", "甘州区市场监督管理局", dt.date(2025, 4, 1), None),
    ]


def test_dispatch_form_preselects_the_line_valid_on_the_dispatch_day(cast, market, make_appeal, client_for):
    appeal = make_appeal(code="003", text="企业名称变更登记办理进度慢，营业执照迟迟拿不到。")
    bureau = Department.objects.filter(function_key="business_env", region__kind="city").get()
    assert appeal.suggested_department_id != bureau.pk
    services.add_dispatch_route(
        by=cast.city_admin,
        category=appeal.suggested_category,
        region_code="",
        department_id=bureau.pk,
        effective_from=dt.date(2025, 1, 1),
    )
    selectors.clear_catalogue()
    page = client_for(cast.operator).get(f"/appeals/{appeal.pk}/").content.decode()
    assert f'<option value="{bureau.pk}" selected>' in page
    appeal.refresh_from_db()
    assert (
        appeal.suggested_department_id != bureau.pk
    )  # the page computes it; the stored suggestion is unchanged
