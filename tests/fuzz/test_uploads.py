"""Hostile uploads to the enterprise import: malformed, mislabelled, oversized, compressed bombs, wrong encodings.

Whatever arrives, the user gets a Chinese reason and a 4xx (at upload) or a failed batch with that reason (once the
background import has looked inside), and not a single enterprise row is written. Exports neutralise formulas.
"""

from __future__ import annotations

import io
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fuzz.hostile_files import zip_bomb, zip_of
from yingshang.enterprises.credit_code import generate_credit_code
from yingshang.enterprises.models import Enterprise, EnterpriseImport

CJK = re.compile(r"[\u4e00-\u9fff]")


def _zip_bomb() -> bytes:
    """A valid-looking workbook whose one sheet expands 1000× (64 MB of zeros in ~64 KB)."""
    return zip_bomb("xl/worksheets/sheet1.xml", megabytes=64)


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("统一社会信用代码,企业名称")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# (case, file name, content, fragment of the Chinese reason)
MALFORMED = [
    ("empty", "空文件.csv", b"", "空文件"),
    ("xlsx-that-is-text", "名单.xlsx", "统一社会信用代码,企业名称\n".encode(), "内容不是有效的 Excel 文件"),
    ("truncated-zip", "名单.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4, "Excel 文件已损坏"),
    ("zip-not-a-workbook", "名单.xlsx", zip_of({"readme.txt": b"hello"}), "不是 Excel 工作簿"),
    ("zip-bomb", "名单.xlsx", _zip_bomb(), "疑似压缩炸弹"),
    ("docx-renamed-xlsx", "名单.xlsx", _docx(), "Excel 文件无法读取"),
    ("pdf-renamed-csv", "名单.csv", _pdf(), ""),
    ("binary-in-csv", "名单.csv", b"\x00\x01\x02" * 100, "含有二进制内容"),
    ("undecodable-csv", "名单.csv", "统一社会信用代码,企业名称\n".encode() + b"\x80\xff\xfe\n", "无法识别文件编码"),
    ("old-xls-garbage", "名单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 文件无法读取"),
    ("headers-only-wrong", "名单.csv", "甲,乙,丙\n1,2,3\n".encode(), ""),
]


@pytest.mark.parametrize(("name", "content", "reason"), [pytest.param(*m[1:], id=m[0]) for m in MALFORMED])
def test_malformed_upload_fails_with_a_chinese_reason_and_writes_nothing(cast, client_for, name, content, reason,
                                                                          django_capture_on_commit_callbacks):
    before = Enterprise.objects.count()
    client = client_for(cast.gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/import/", {"file": SimpleUploadedFile(name, content)})
    if response.status_code == 400:  # refused at the door
        body = response.content.decode()
        assert reason in body and EnterpriseImport.objects.count() == 0
    else:  # refused by the background import after looking inside
        assert response.status_code == 302, response.status_code
        batch = EnterpriseImport.objects.get()
        assert batch.status == "failed", (batch.status, batch.error, batch.rejected[:3])
        assert CJK.search(batch.error) and reason in batch.error, batch.error
        page = client.get(response.url)
        assert page.status_code == 200 and batch.error in page.content.decode()
    assert Enterprise.objects.count() == before


def test_empty_upload_is_refused_at_the_door(cast, client_for):
    response = client_for(cast.gz_admin).post("/enterprises/import/", {"file": SimpleUploadedFile("a.csv", b"")})
    assert response.status_code == 400
    assert "所提交的是空文件。" in response.content.decode()
    assert EnterpriseImport.objects.count() == 0


def test_oversized_upload_is_refused_before_storing(cast, client_for, settings):
    settings.MAX_UPLOAD_BYTES = 4096
    content = ("统一社会信用代码,企业名称\n" + "x" * 8000).encode()
    response = client_for(cast.gz_admin).post("/enterprises/import/", {"file": SimpleUploadedFile("大.csv", content)})
    assert response.status_code == 400
    assert "文件过大，上限为" in response.content.decode()
    assert EnterpriseImport.objects.count() == 0


@pytest.mark.parametrize("name", ["名单.exe", "名单.html", "名单.svg", "名单", "../../etc/passwd.csv.php"])
def test_disallowed_names_are_refused_by_the_api_with_json(cast, name):
    from django.test import Client

    from yingshang.accounts.services import issue_api_token

    key = issue_api_token(user=cast.gz_admin, name="fuzz")
    response = Client().post("/api/v1/enterprises/imports", {"file": SimpleUploadedFile(name, b"a,b\n1,2\n")},
                             headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_type"
    assert response.json()["detail"] == "只接受 .xlsx、.xls 或 .csv 文件。"
    assert EnterpriseImport.objects.count() == 0


def test_gbk_csv_is_read_correctly(cast, client_for, django_capture_on_commit_callbacks):
    code = generate_credit_code(random.Random(77), region_code="620702")
    content = f"统一社会信用代码,企业名称\n{code},甘州区国标编码测试有限公司\n".encode("gbk")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.gz_admin).post("/enterprises/import/", {"file": SimpleUploadedFile("gbk.csv", content)})
    assert Enterprise.objects.get(credit_code=code).name == "甘州区国标编码测试有限公司"


def test_a_file_with_some_bad_rows_saves_only_whole_good_rows(cast, client_for, django_capture_on_commit_callbacks):
    good = generate_credit_code(random.Random(78), region_code="620702")
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    content = (f"统一社会信用代码,企业名称,从业人员\n{good},甘州区好行公司,12\n{bad_checksum},校验码错误公司,5\n"
               f"{generate_credit_code(random.Random(79), region_code='620702')},人数不是数字公司,很多\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.gz_admin).post("/enterprises/import/", {"file": SimpleUploadedFile("mix.csv", content)})
    batch = EnterpriseImport.objects.get()
    assert (batch.status, batch.created_count, batch.rejected_count) == ("done", 1, 2)
    assert sorted(r["row"] for r in batch.rejected) == [3, 4]
    assert all(CJK.search(r["reason"]) for r in batch.rejected)
    assert list(Enterprise.objects.filter(name__endswith="公司").exclude(pk__in=[cast.gz_enterprise.pk,
                                                                                cast.lz_enterprise.pk])
                .values_list("name", flat=True)) == ["甘州区好行公司"]


FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://evil.example\",\"点击\")",
            "=cmd|' /C calc'!A0"]


def test_exports_neutralise_spreadsheet_formulas(cast, client_for):
    from openpyxl import load_workbook

    for i, formula in enumerate(FORMULAS):
        Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(name=formula, legal_representative=formula,
                                                                   address=formula)
        response = client_for(cast.city_admin).get("/enterprises/export.xlsx", {"region": "620702"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert rows[0][1] == "'" + formula, (i, rows[0])
        for cell in sheet[2]:
            assert cell.data_type != "f", (formula, cell.coordinate)


def test_rejected_rows_export_neutralises_formulas_in_the_echoed_values(cast, client_for,
                                                                        django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    content = "统一社会信用代码,企业名称\n=HYPERLINK(\"http://evil.example\"),公司\n".encode()
    client = client_for(cast.gz_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enterprises/import/", {"file": SimpleUploadedFile("f.csv", content)})
    batch = EnterpriseImport.objects.get()
    sheet = load_workbook(io.BytesIO(client.get(f"/enterprises/import/{batch.pk}/rejected.xlsx").content)).active
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert "'=HYPERLINK(\"http://evil.example\")" in values
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
