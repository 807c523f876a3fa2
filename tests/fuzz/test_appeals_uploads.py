"""Hostile uploads to the appeal loop: attachments that lie about their type, zip bombs, oversized and empty files;
12345 work-order sheets that are malformed, mislabelled, in the wrong encoding or too big; formulas in the ledger
export. Whatever arrives: a Chinese reason, a 4xx, and not one appeal, attachment or stored file half-saved."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fuzz.hostile_files import zip_bomb, zip_of
from tests.fuzz.test_uploads import _docx, _pdf, _zip_bomb
from yingshang.appeals.models import Appeal, AppealAttachment, AppealCategory
from yingshang.appeals.uploads import MAX_ATTACHMENT_BYTES

CJK = re.compile(r"[\u4e00-\u9fff]")
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def category(db):
    from yingshang.appeals.selectors import clear_catalogue
    from yingshang.appeals.services import load_appeal_catalogue

    load_appeal_catalogue()
    clear_catalogue()
    return AppealCategory.objects.get(code="009")


def _office_bomb(member: str) -> bytes:
    """A DOCX/XLSX directory in front of 64 MB of zeros (a few hundred KB on disk)."""
    return zip_bomb("padding.xml", megabytes=160, extra={member: b"<x/>"})


# (case, file name, content, fragment of the Chinese reason)
ATTACHMENTS = [
    ("empty", "照片.png", b"", "空文件"),
    ("exe-named-png", "照片.png", b"MZ\x90\x00" + b"\x00" * 200, "不是允许的类型"),
    ("html-named-jpg", "照片.jpg", b"<html><script>alert(1)</script></html>", "不是允许的类型"),
    (
        "svg-named-png",
        "照片.png",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        "不是允许的类型",
    ),
    ("png-named-pdf", "材料.pdf", PNG, "扩展名与实际内容（PNG）不符"),
    ("pdf-named-docx", "材料.docx", _pdf(), "扩展名与实际内容（PDF）不符"),
    ("docx-named-xlsx", "材料.xlsx", _docx(), "扩展名与实际内容（DOCX）不符"),
    ("plain-zip-named-docx", "材料.docx", zip_of({"readme.txt": b"hello"}), "不是允许的类型"),
    ("truncated-zip", "材料.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "不是允许的类型"),
    ("docx-zip-bomb", "材料.docx", _office_bomb("word/document.xml"), "疑似压缩炸弹"),
    ("xlsx-zip-bomb", "材料.xlsx", _office_bomb("xl/workbook.xml"), "疑似压缩炸弹"),
    ("oversized", "照片.png", PNG + b"\0" * (MAX_ATTACHMENT_BYTES + 1), "过大"),
]


def _form(category, **extra):
    return {
        "category": category.pk,
        "description": "厂区门口道路施工三个月未完工，货车无法进出，请协调。",
        "urgency": "normal",
        "contact_phone": "13900000000",
        **extra,
    }


@pytest.mark.parametrize(("name", "content", "reason"), [pytest.param(*a[1:], id=a[0]) for a in ATTACHMENTS])
def test_hostile_attachment_is_refused_with_a_reason_and_nothing_is_saved(
    cast, client_for, category, settings, name, content, reason
):
    good = SimpleUploadedFile("现场.png", PNG)
    response = client_for(cast.gz_owner).post(
        "/appeals/new/", _form(category, attachments=[good, SimpleUploadedFile(name, content)])
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert (Appeal.objects.count(), AppealAttachment.objects.count()) == (0, 0)
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_too_many_attachments_are_refused_before_anything_is_saved(cast, client_for, category):
    files = [SimpleUploadedFile(f"现场{i}.png", PNG) for i in range(6)]
    response = client_for(cast.gz_owner).post("/appeals/new/", _form(category, attachments=files))
    assert response.status_code == 400 and "附件最多 5 个" in response.content.decode()
    assert Appeal.objects.count() == 0


def test_a_good_attachment_is_stored_with_its_sniffed_type(cast, client_for, category):
    response = client_for(cast.gz_owner).post(
        "/appeals/new/",
        _form(
            category,
            attachments=[SimpleUploadedFile("现场.PNG", PNG), SimpleUploadedFile("材料.pdf", _pdf())],
        ),
    )
    assert response.status_code == 302
    assert sorted(AppealAttachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]


def test_the_api_refuses_nul_in_text_with_a_chinese_reason(cast, client_for, category):
    response = client_for(cast.gz_owner).post(
        "/api/v1/appeals",
        {"category": "009", "description": "厂区门口道路施工\u0000三个月未完工，货车无法进出。"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_characters"
    assert Appeal.objects.count() == 0


# -- 12345 work-order import -----------------------------------------------------------------------------

HEADER = "工单号,受理时间,诉求类别,诉求内容,联系人,联系电话,县区\n"


def _row(number: int, text: str = "新厂房申请用电报装一个多月仍未接电，影响投产。") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        [
            f"12345-FUZZ-{number:04d}",
            "2025-11-26 10:30",
            "水电气热报装",
            text,
            "王先生",
            "13800000000",
            "甘州区",
        ]
    )
    return buffer.getvalue()


IMPORTS = [
    ("empty", "工单.csv", b"", "空文件"),
    ("png-named-csv", "工单.csv", PNG, "含有二进制内容"),
    ("text-named-xlsx", "工单.xlsx", HEADER.encode(), "内容不是有效的 Excel 文件"),
    ("zip-bomb", "工单.xlsx", _zip_bomb(), "疑似压缩炸弹"),
    ("zip-not-a-workbook", "工单.xlsx", zip_of({"readme.txt": b"hello"}), "不是 Excel 工作簿"),
    ("docx-named-xlsx", "工单.xlsx", _docx(), "Excel 文件无法读取"),
    ("undecodable", "工单.csv", HEADER.encode() + b"\x80\xff\xfe\n", "无法识别文件编码"),
    ("utf16", "工单.csv", (HEADER + _row(1)).encode("utf-16"), ""),
    ("wrong-headers", "工单.csv", "甲,乙,丙\n1,2,3\n".encode(), "表头缺少必填列"),
]


@pytest.mark.parametrize(("name", "content", "reason"), [pytest.param(*m[1:], id=m[0]) for m in IMPORTS])
def test_hostile_work_order_file_is_refused_and_writes_nothing(
    cast, client_for, category, name, content, reason
):
    response = client_for(cast.operator).post("/appeals/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, response.status_code
    body = response.content.decode()
    assert reason in body and CJK.search(body)
    assert Appeal.objects.count() == 0


def test_oversized_and_overlong_work_order_files_are_refused(cast, client_for, category, monkeypatch):
    from yingshang.appeals import services

    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 2048)
    big = (HEADER + "".join(_row(i) for i in range(40))).encode()
    response = client_for(cast.operator).post("/appeals/import/", {"file": SimpleUploadedFile("大.csv", big)})
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(services, "MAX_IMPORT_ROWS", 3)
    response = client_for(cast.operator).post("/appeals/import/", {"file": SimpleUploadedFile("多.csv", big)})
    assert (
        response.status_code == 400 and "一次最多导入 3 行工单，本文件有 40 行" in response.content.decode()
    )
    assert Appeal.objects.count() == 0


def test_gbk_sheet_with_bad_rows_and_a_hidden_nul_saves_only_the_good_rows(cast, client_for, category):
    long_text = (
        "企业反映厂区道路施工迟迟未完工。" * 250
    )  # the NUL comes after the first 8 KB that are sniffed
    content = (
        HEADER
        + _row(1, long_text)
        + _row(2, "太短")
        + _row(3, "企业反映\x00道路施工三个月未完工，货车无法进出。")
        + _row(1)
    ).encode("gb18030")
    response = client_for(cast.operator).post(
        "/appeals/import/", {"file": SimpleUploadedFile("gbk.csv", content)}
    )
    assert response.status_code == 200
    assert "新增 2 件，重复工单 1 件，有误 1 行" in response.content.decode()
    assert sorted(Appeal.objects.values_list("external_id", flat=True)) == [
        "12345-FUZZ-0001",
        "12345-FUZZ-0003",
    ]
    assert "\x00" not in Appeal.objects.get(external_id="12345-FUZZ-0003").description


FORMULAS = [
    "=1+1",
    "+SUM(A1:A2)",
    "-2+3",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example","点击")',
    "=cmd|' /C calc'!A0",
]


def test_ledger_export_neutralises_formulas_from_imported_work_orders(cast, client_for, category):
    from openpyxl import load_workbook

    rows = "".join(
        _row(i, f"{formula}，道路施工三个月未完工，货车无法进出。") for i, formula in enumerate(FORMULAS)
    )
    client = client_for(cast.operator)
    client.post("/appeals/import/", {"file": SimpleUploadedFile("公式.csv", (HEADER + rows).encode())})
    assert Appeal.objects.count() == len(FORMULAS)
    sheet = load_workbook(io.BytesIO(client.get("/appeals/ledger/export.xlsx").content)).active
    titles = sorted(row[5] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert titles == sorted(
        "'" + Appeal.objects.get(external_id=f"12345-FUZZ-{i:04d}").title for i in range(len(FORMULAS))
    )
    assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=2) for cell in row)
