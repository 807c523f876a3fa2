"""Hostile uploads of the monitoring Excel template (填报模板): lying types, zip bombs, huge files, formulas, wrong
sheet or columns, another department's template, text or absurd numbers in number cells.

Whatever arrives, the department gets a 4xx with a Chinese reason naming the row and the field, and nothing is
half-saved: no value version, no submission, the previous figures intact. Exports neutralise formulas.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from tests.fuzz.hostile_files import zip_bomb
from yingshang.monitoring import services
from yingshang.monitoring.models import IndicatorValue, Submission
from yingshang.monitoring.tests.conftest import at

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")
PERIOD = "2026-09"


@pytest.fixture
def setting(cast, monkeypatch):
    services.load_catalogue()
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(2026, 10, 2))
    collection_round = services.open_round(period=PERIOD)
    return cast, collection_round


def _template(client, collection_round) -> Workbook:
    response = client.get(f"/monitoring/rounds/{collection_round.pk}/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _filled(book: Workbook, values=(2, 80, 0.5, 100, 70, 40)) -> Workbook:
    sheet = book.active
    for row, value in zip(range(2, 2 + len(values)), values, strict=True):
        sheet.cell(row=row, column=6, value=value)
    return book


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _post(client, collection_round, data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(f"/monitoring/rounds/{collection_round.pk}/", {"file": upload})


def _zip_bomb() -> bytes:
    return zip_bomb("xl/worksheets/sheet1.xml", megabytes=64)


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("指标编码,本期数值")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def _assert_refused(response, *fragments: str) -> None:
    page = response.content.decode()
    assert 400 <= response.status_code < 500, response.status_code
    assert CJK.search(page)
    for fragment in fragments:
        assert fragment in page, fragment
    assert IndicatorValue.objects.count() == 0
    assert not Submission.objects.exclude(status="draft").exists()


def _wrong_sheet_first(book: Workbook) -> bytes:
    book.create_sheet("填报说明", 0).append(["请在第二个工作表填写"])
    book.active = 0
    return _bytes(book)


def _wrong_columns(book: Workbook) -> bytes:
    book.active.delete_cols(6)  # 本期数值 removed
    return _bytes(book)


def _formula(book: Workbook) -> bytes:
    book.active.cell(row=3, column=6, value="=B2*100")  # no cached value: the cell reads as empty
    return _bytes(book)


def _text_in_number(book: Workbook) -> bytes:
    book.active.cell(row=3, column=6, value="八十")
    return _bytes(book)


def _huge_number(book: Workbook) -> bytes:
    book.active.cell(row=2, column=6, value=1e30)
    return _bytes(book)


def _long_note(book: Workbook) -> bytes:
    book.active.cell(row=4, column=8, value="说明" * 300)
    return _bytes(book)


def _added_rows(book: Workbook) -> bytes:
    sheet = book.active
    template_row = [cell.value for cell in sheet[2]]
    for _ in range(500):
        sheet.append(template_row)
    return _bytes(book)


def _bool_and_date(book: Workbook) -> bytes:
    import datetime as dt

    book.active.cell(row=2, column=6, value=True)
    book.active.cell(row=3, column=6, value=dt.datetime(2026, 9, 30))
    return _bytes(book)


FILLED_CASES = {
    "wrong-sheet-first": (_wrong_sheet_first, ["缺少列"]),
    "wrong-columns": (_wrong_columns, ["缺少列", "本期数值"]),
    "formula-without-value": (_formula, ["第 3 行", "数值为空"]),
    "text-in-number": (_text_in_number, ["第 3 行", "“八十”不是数字"]),
    "huge-number": (_huge_number, ["第 2 行", "超出可保存的范围"]),
    "note-too-long": (_long_note, ["第 4 行", "“说明”不能超过 500 字"]),
    "rows-added": (_added_rows, ["506 个数据行", "本轮模板只有 6 行"]),
    "bool-and-date": (_bool_and_date, ["第 2 行", "不是数字"]),
}


@pytest.mark.parametrize("case", sorted(FILLED_CASES))
def test_a_tampered_template_is_refused_naming_row_and_field(setting, client_for, case):
    cast, collection_round = setting
    client = client_for(cast.lz_staff)
    make, fragments = FILLED_CASES[case]
    response = _post(
        client, collection_round, make(_filled(_template(client, collection_round))), "填报.xlsx"
    )
    _assert_refused(response, *fragments)


RAW_CASES = {
    "png-named-xlsx": (lambda: _png(), "填报.xlsx", "不是有效的 Excel"),
    "docx-named-xlsx": (lambda: _docx(), "填报.xlsx", "无法读取"),
    "zip-bomb": (lambda: _zip_bomb(), "填报.xlsx", ""),
    "huge": (lambda: b"PK\x03\x04" + b"\0" * (3 * 1024 * 1024), "填报.xlsx", "文件过大"),
    "empty": (lambda: b"", "填报.xlsx", ""),
    "garbage-csv": (lambda: bytes(range(256)) * 40, "填报.csv", ""),
}


@pytest.mark.parametrize("case", sorted(RAW_CASES))
def test_a_file_that_is_not_the_template_is_refused(setting, client_for, case):
    cast, collection_round = setting
    make, name, fragment = RAW_CASES[case]
    response = _post(client_for(cast.lz_staff), collection_round, make(), name)
    _assert_refused(response, *([fragment] if fragment else []))


def test_another_departments_template_is_refused(setting, client_for):
    cast, collection_round = setting
    theirs = _filled(_template(client_for(cast.gz_staff), collection_round))
    response = _post(client_for(cast.lz_staff), collection_round, _bytes(theirs), "甘州区模板.xlsx")
    _assert_refused(response, "第 2 行的模板版本", "不是本部门本轮次的模板")


def test_a_bad_upload_after_a_return_keeps_the_previous_figures(setting, client_for):
    cast, collection_round = setting
    client = client_for(cast.lz_staff)
    assert (
        _post(
            client, collection_round, _bytes(_filled(_template(client, collection_round))), "first.xlsx"
        ).status_code
        == 302
    )
    submission = Submission.objects.get()
    services.review_submission(
        submission=submission, approve=False, note="请核对", by=cast.city_admin, now=at(2026, 10, 3)
    )
    before = sorted(IndicatorValue.objects.values_list("pk", "value", "is_current"))
    response = _post(
        client, collection_round, _text_in_number(_filled(_template(client, collection_round))), "second.xlsx"
    )
    assert response.status_code == 400 and "“八十”不是数字" in response.content.decode()
    assert sorted(IndicatorValue.objects.values_list("pk", "value", "is_current")) == before
    assert Submission.objects.get().status == "returned"


def test_a_long_file_name_is_kept_as_provenance_within_its_column(setting, client_for):
    cast, collection_round = setting
    client = client_for(cast.lz_staff)
    name = "临泽县" * 70 + ".xlsx"
    assert (
        _post(
            client, collection_round, _bytes(_filled(_template(client, collection_round))), name
        ).status_code
        == 302
    )
    source = IndicatorValue.objects.values_list("source_file", flat=True).first()
    assert len(source) == 200 and source.endswith("….xlsx") and source.startswith("临泽县临泽县")


def test_exports_and_templates_neutralise_formulas(setting, client_for):
    from yingshang.monitoring.models import Indicator
    from yingshang.monitoring.tests.conftest import publish

    cast, collection_round = setting
    evil = '=HYPERLINK("http://example.invalid","点击")'
    Indicator.objects.filter(code__in=["startup_time", "online_filing_rate"]).update(name=evil)
    publish("online_filing_rate", "620700", PERIOD, 80)
    services.recompute_index(now=at(2026, 10, 10))
    client = client_for(cast.city_admin)
    exported = client.get("/monitoring/export/scores.xlsx", {"period": PERIOD})
    template = client_for(cast.lz_staff).get(f"/monitoring/rounds/{collection_round.pk}/template.xlsx")
    for response in (exported, template):
        assert response.status_code == 200
        cells = [
            cell.value
            for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
            for cell in row
        ]
        assert "'" + evil in cells
        assert evil not in cells and not any(isinstance(c, str) and c.startswith("=") for c in cells)
