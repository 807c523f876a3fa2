"""Hostile policy-document uploads (政策导入): malformed, mislabelled, encrypted, scanned, zip bombs, huge files and
wrong encodings each get a Chinese reason and a 4xx, and nothing is saved."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.hostile_files import zip_of
from yingshang.core.models import AuditEvent
from yingshang.policies import documents
from yingshang.policies.models import Clause, PolicyDocument, PolicyVersion

URL = "/policies/manage/import/"
POLICY = "张掖市支持科技创新若干措施\n一、对新认定的高新技术企业，给予一次性奖励30万元。\n二、对规模以上工业企业给予贷款贴息，最高100万元。\n"


def _pdf(*, text: bool = False, password: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    """A .docx-shaped zip whose document part unpacks to 60 MB of zeros (about 60 KB packed)."""
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (60 * 1024 * 1024)})


def _nothing_saved(before: int) -> bool:
    return (
        PolicyDocument.objects.count(),
        Clause.objects.count(),
        PolicyVersion.objects.count(),
        AuditEvent.objects.filter(action__startswith="policy.").count(),
    ) == (0, 0, 0, before)


def _upload(client, name: str, content: bytes):
    return client.post(
        URL,
        {
            "title": "导入测试",
            "level": "city",
            "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        },
    )


CASES = [
    ("truncated.docx", b"PK\x03\x04\x14\x00garbage", "DOCX 文件已损坏或不是 Word 文档"),
    ("not-word.docx", zip_of({"readme.txt": b"hello"}), "DOCX 文件已损坏或不是 Word 文档"),
    ("bomb.docx", None, "疑似压缩炸弹"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF 文件已损坏"),
    ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "文件内容是PNG 图片，与文件扩展名不符"),
    ("policy.txt", b"%PDF-1.7\n" + b"x" * 200, "文件内容是PDF，与文件扩展名不符"),
    ("policy.docx", b"%PDF-1.7\n" + b"x" * 200, "文件内容是PDF，与文件扩展名不符"),
    ("policy.pdf", POLICY.encode("utf-8"), "文件内容与扩展名不符"),
    ("scan.pdf", None, "可能是扫描件或图片"),
    ("locked.pdf", None, "PDF 文件已加密"),
    ("binary.txt", bytes(range(256)) * 4, "不是文本文件"),
    ("nul.txt", "政策\0正文".encode() * 10, "不是文本文件"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "暂不支持旧版 Word"),
    ("policy.xlsx", zip_of({"xl/workbook.xml": b"<workbook/>"}), "只支持 TXT、DOCX 和 PDF 文件"),
    ("blank.txt", b"   \n\n  ", "无法识别编码或内容为空"),
]


@pytest.mark.parametrize(("name", "content", "reason"), CASES, ids=[c[0] for c in CASES])
def test_hostile_policy_file_gets_a_chinese_reason_and_nothing_is_saved(
    cast, client_for, name, content, reason
):
    content = {"bomb.docx": _bomb, "scan.pdf": _pdf, "locked.pdf": lambda: _pdf(password="secret")}.get(
        name, lambda: content
    )()
    before = AuditEvent.objects.filter(action__startswith="policy.").count()

    response = _upload(client_for(cast.city_staff), name, content)

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert _nothing_saved(before)


def test_huge_file_is_refused_before_it_is_read(cast, client_for, monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 1024)
    before = AuditEvent.objects.filter(action__startswith="policy.").count()
    response = _upload(client_for(cast.city_staff), "big.txt", POLICY.encode() * 20)
    assert response.status_code == 400
    assert "文件超过" in response.content.decode()
    assert _nothing_saved(before)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gbk.txt", POLICY.encode("gbk")),
        ("utf16.txt", POLICY.encode("utf-16")),
        ("utf8.txt", POLICY.encode()),
        ("bom.txt", POLICY.encode("utf-8-sig")),
    ],
)
def test_text_in_each_supported_encoding_is_read(cast, client_for, name, content):
    response = _upload(client_for(cast.city_staff), name, content)
    assert response.status_code == 302
    document = PolicyDocument.objects.get()
    assert [c.text for c in document.clauses.order_by("position")][
        0
    ] == "一、对新认定的高新技术企业，给予一次性奖励30万元。"


@pytest.mark.parametrize("extension", [".txt", ".docx", ".pdf"])
def test_random_bytes_never_cause_a_server_error(cast, client_for, extension):
    client = client_for(cast.city_staff)

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        content=st.binary(min_size=1, max_size=4096)
        | st.sampled_from([b"PK\x03\x04", b"%PDF-1.4\n", b"%PDF-"]).flatmap(
            lambda head: st.binary(max_size=2048).map(lambda tail: head + tail)
        )
    )
    def check(content):
        documents_before = PolicyDocument.objects.count()
        response = _upload(client, f"fuzz{extension}", content)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert PolicyDocument.objects.count() == documents_before

    check()
