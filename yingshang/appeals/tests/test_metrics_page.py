"""The metrics page and its workbook: both 响应率 variants, the requester-type split, formulas and plan targets."""

import io

from openpyxl import load_workbook

from yingshang.appeals import metrics, services

from .conftest import NOW
from .test_selectors import _closed


def _month_of_ratings(cast, make_appeal):
    _closed(cast, make_appeal, by=cast.gz_owner, enterprise="gz", requester_type="enterprise", contacted=True)
    _closed(
        cast,
        make_appeal,
        by=cast.gz_owner,
        enterprise="gz",
        requester_type="enterprise",
        contacted=False,
        level=3,
    )
    _closed(cast, make_appeal, by=cast.gz_owner, enterprise=None, requester_type="individual", contacted=True)
    services.refresh_monthly_stats(NOW.date().replace(day=1), now=NOW)


def test_metrics_page_shows_both_response_rates_split_by_requester_type(cast, make_appeal, client_for):
    _month_of_ratings(cast, make_appeal)
    body = client_for(cast.city_admin).get("/appeals/metrics/?month=2025-11").content.decode()
    # 全部: 2 of 3 confirmed contact; 企业: 1 of 2; 个人: 1 of 1. Timeliness variant: all contacted in time.
    assert "响应率（时效口径）" in body and "响应率（回访口径）" in body
    split = body[body.index("<h2>按诉求人类型</h2>") : body.index("<h2>按承办单位")]
    assert [part.split("</td>")[0] for part in split.split('data-label="响应率（回访）">')[1:]] == [
        "66.7%",
        "50.0%",
        "100.0%",
    ]
    assert [part.split("</td>")[0] for part in split.split('data-label="诉求人">')[1:]] == [
        "全部",
        "企业",
        "个人",
    ]
    # 满意率 of the enterprise appeals: (5 + 3 → 满意 + 基本满意 with λ = 1) every rating counts: 100%; 处办率 100%.
    for formula in metrics.FORMULAS:
        assert formula.text in body, formula.key
    assert "处办率（目标 ≥ 99%）" in body and "满意率（目标 ≥ 99%）" in body


def test_metrics_page_filters_the_unit_tables_by_requester_type(cast, make_appeal, client_for):
    _month_of_ratings(cast, make_appeal)
    client = client_for(cast.city_admin)
    firms = client.get("/appeals/metrics/?month=2025-11&requester_type=enterprise").content.decode()
    table = firms[firms.index("<h2>按承办单位") : firms.index("<h2>按县区")]
    assert "（企业诉求）" in table and '<td data-label="派单">2</td>' in table and "50.0%" in table
    everyone = client.get("/appeals/metrics/?month=2025-11&requester_type=bogus").content.decode()
    table = everyone[everyone.index("<h2>按承办单位") : everyone.index("<h2>按县区")]
    assert '<td data-label="派单">3</td>' in table  # an unknown type is the whole month


def test_rate_below_the_plan_target_is_marked(cast, make_appeal, client_for):
    _closed(
        cast,
        make_appeal,
        by=cast.gz_owner,
        enterprise="gz",
        requester_type="enterprise",
        contacted=True,
        level=2,
    )  # 不满意
    services.refresh_monthly_stats(NOW.date().replace(day=1), now=NOW)
    body = client_for(cast.city_admin).get("/appeals/metrics/?month=2025-11").content.decode()
    assert '<span class="bad">0.0%（未达标）</span>' in body


def test_metrics_workbook_has_every_rate_per_requester_type_and_the_formulas(cast, make_appeal, client_for):
    _month_of_ratings(cast, make_appeal)
    response = client_for(cast.city_admin).get("/appeals/metrics/export.xlsx?month=2025-11")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    revisit = header.index("响应率（回访口径）（%）")
    timely = header.index("响应率（%）")
    department = cast.gz_staff.department.name
    by_type = {row[0]: row for row in rows[1:] if row[1] == "按承办单位" and row[2] == department}
    assert {label: (row[revisit], row[timely], row[4]) for label, row in by_type.items()} == {
        "全部": (66.67, 100, 3),
        "企业": (50, 100, 2),
        "个人": (100, 100, 1),
    }
    formulas = {row[0]: (row[1], row[2]) for row in rows[rows.index([None] * len(header)) + 2 :] if row[0]}
    assert formulas["处办率"] == (metrics.FORMULAS_BY_KEY["handling_rate"].text, "≥ 99%")
    assert formulas["响应率（回访口径）"][0] == metrics.FORMULAS_BY_KEY["response_rate_revisit"].text


def test_metrics_workbook_refused_to_department_staff(cast, client_for, catalogue):
    assert client_for(cast.gz_staff).get("/appeals/metrics/export.xlsx").status_code == 403
