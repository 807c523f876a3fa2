"""Hostile uploads to the plans app: the plan import (page and API) and progress evidence files (佐证材料).

Whatever arrives, the user gets a Chinese reason and a 4xx, and nothing is half-saved: no plan, task or target
row, no progress report, no evidence row, no file left behind in storage.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fuzz.hostile_files import zip_bomb, zip_of
from yingshang.plans.models import Plan, PlanTarget, PlanTask, ProgressEvidence, ProgressReport, TargetReading

SEED = Path(__file__).resolve().parents[2] / "yingshang" / "plans" / "data" / "zhangye-2025-action-plan.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")
PLAN_TEXT = (
    "全市优化营商环境行动方案\n一、主要任务\n1.优化市场准入。全年举办招聘活动350场次以上。"
    "〔牵头单位：市市场监管局〕\n2.提升纳税服务。电子发票推广覆盖率达到99%以上。\n"
)


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_bomb() -> bytes:
    """A Word package whose document.xml expands to 200 MB of spaces (about 200 KB compressed)."""
    return zip_bomb("word/document.xml", megabytes=200, fill=b" ")


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# (case, file name, content, the Chinese reason (a regular expression))
MALFORMED_PLANS = [
    ("empty", "方案.txt", b"", "文件为空|所提交的是空文件"),
    ("whitespace-only", "方案.txt", b" \r\n\t\n", "文件为空"),
    ("docx-that-is-text", "方案.docx", PLAN_TEXT.encode(), "不是有效的 DOCX 文档"),
    ("truncated-docx", "方案.docx", _docx([PLAN_TEXT])[:600], "DOCX"),
    ("zip-not-a-docx", "方案.docx", zip_of({"readme.txt": b"hello"}), "不是 Word 文档"),
    (
        "xlsx-renamed-docx",
        "方案.docx",
        zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
        "不是 Word 文档",
    ),
    ("docx-zip-bomb", "方案.docx", _docx_bomb(), "疑似压缩炸弹"),
    (
        "corrupt-document-xml",
        "方案.docx",
        zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><<<"}),
        "无法读取该 DOCX",
    ),
    ("docx-renamed-txt", "方案.txt", _docx([PLAN_TEXT]), "内容是Word 文档或压缩包"),
    ("pdf-renamed-txt", "方案.txt", _pdf(), "内容是PDF 文件"),
    ("pdf", "方案.pdf", _pdf(), "不支持的文件类型“.pdf”"),
    ("old-doc", "方案.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "另存为 .docx"),
    ("exe", "方案.exe", b"MZ\x90\x00" * 100, "不支持的文件类型"),
    ("binary-in-txt", "方案.txt", bytes(range(256)) * 8, "含二进制内容"),
    (
        "latin1-text",
        "方案.txt",
        "Plan d'action für Zhangye, résumé, déjà vu".encode("latin-1") * 5,
        "无法识别文件编码",
    ),
    (
        "english-utf8",
        "plan.txt",
        b"An action plan in English only, no Chinese at all.\n" * 20,
        "中文文字过少",
    ),
    ("utf16-bom-odd-bytes", "方案.txt", b"\xff\xfe" + PLAN_TEXT.encode("utf-16-le") + b"\x00", "UTF-16"),
    ("chinese-but-no-tasks", "方案.txt", "这是一份通知，请各单位做好准备工作。\n".encode() * 5, ""),
]


def _nothing_saved() -> None:
    assert (Plan.objects.count(), PlanTask.objects.count(), PlanTarget.objects.count()) == (0, 0, 0)


def _stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()] if Path(root).exists() else []


@pytest.mark.parametrize(
    ("name", "content", "reason"), [pytest.param(*m[1:], id=m[0]) for m in MALFORMED_PLANS]
)
def test_malformed_plan_upload_is_refused_with_a_chinese_reason_and_nothing_saved(
    cast, client_for, settings, name, content, reason
):
    response = client_for(cast.city_admin).post("/plans/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert re.search(reason, response.content.decode())
    _nothing_saved()
    assert _stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("name", "content", "reason"), [pytest.param(*m[1:], id=m[0]) for m in MALFORMED_PLANS]
)
def test_malformed_plan_upload_to_the_api_is_a_json_400(cast, client_for, name, content, reason):
    response = client_for(cast.city_admin).post("/api/v1/plans", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, response.content
    body = response.json()
    assert CJK.search(body["detail"]) and re.search(reason, body["detail"])
    _nothing_saved()


def test_a_plan_file_over_10_mb_is_refused(cast, client_for):
    content = ("一、主要任务\n" + "1.优化营商环境。" * 700_000).encode()
    assert len(content) > 10 * 1024 * 1024
    response = client_for(cast.city_admin).post(
        "/plans/import/", {"file": SimpleUploadedFile("大.txt", content)}
    )
    assert response.status_code == 400
    assert "文件超过 10 MB" in response.content.decode()
    _nothing_saved()


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_the_seed_plan_reads_the_same_in_every_usual_encoding(cast, client_for, encoding):
    """记事本/WPS save as UTF-8 (with or without BOM), GBK, or "Unicode" (UTF-16, with or without BOM)."""
    text = SEED.read_text(encoding="utf-8")
    response = client_for(cast.city_admin).post(
        "/api/v1/plans", {"file": SimpleUploadedFile("方案.txt", text.encode(encoding))}
    )
    assert response.status_code == 201, response.content
    plan = Plan.objects.get()
    assert plan.tasks.filter(kind="task").count() == 21
    assert plan.targets.filter(indicator="营商环境便利度指数").count() == 1
    assert plan.source_text.replace("\r\n", "\n").lstrip("\ufeff") == text.lstrip("\ufeff")


def test_a_docx_plan_with_conversion_artefacts_imports(cast, client_for):
    content = _docx(
        [
            "全市优化营商环境行动方案",
            "一、主要任务",
            "[bookmark: _GoBack]1.优化市场准入。全年举办招聘活动350场次以上。",
            "2.提升纳税服务。电子发票推广覆盖率达到99%以上。",
        ]
    )
    response = client_for(cast.city_admin).post(
        "/api/v1/plans", {"file": SimpleUploadedFile("方案.docx", content)}
    )
    assert response.status_code == 201, response.content
    plan = Plan.objects.get()
    assert list(plan.tasks.order_by("order").values_list("number", flat=True)) == ["1", "2"]
    assert sorted(plan.targets.values_list("value", flat=True)) == [Decimal("99"), Decimal("350")]


def test_a_plan_pasted_twice_imports_with_renumbered_duplicates(cast, client_for):
    """Repeated numbering used to hit the (plan, number) unique constraint: a 500 instead of a reviewable draft."""
    response = client_for(cast.city_admin).post(
        "/api/v1/plans", {"file": SimpleUploadedFile("方案.txt", (PLAN_TEXT * 2).encode())}
    )
    assert response.status_code == 201, response.content
    # The numbering restarts under a second "一、", so the parser prefixes the part ("1.1"); repeats get "-2".
    assert list(Plan.objects.get().tasks.order_by("order").values_list("number", flat=True)) == [
        "1.1",
        "1.2",
        "1.1-2",
        "1.2-2",
    ]


# -- progress evidence (佐证材料) ------------------------------------------------------------------------------


@pytest.fixture
def official_task(cast):
    from yingshang.core.models import Department, Region

    plan = Plan.objects.create(
        title="方案", year=2025, region=Region.objects.get(code="620700"), status="official"
    )
    task = PlanTask.objects.create(
        plan=plan, number="1", title="任务", order=1, deadline=dt.date(2025, 12, 31)
    )
    task.lead_departments.set([Department.objects.get(function_key="market", region__code="620700")])
    PlanTarget.objects.create(
        plan=plan,
        task=task,
        indicator="指标",
        indicator_key="指标",
        comparator=">=",
        value=Decimal(90),
        unit="%",
        text="指标达到90%",
    )
    return task


BAD_EVIDENCE = [
    ("exe", "佐证.exe", b"MZ" + b"\x00" * 100, "类型不支持"),
    ("html", "佐证.html", b"<script>alert(1)</script>", "类型不支持"),
    ("no-suffix", "佐证", b"%PDF-1.4", "类型不支持"),
    ("double-suffix", "佐证.pdf.exe", b"MZ" + b"\x00" * 100, "类型不支持"),
    ("empty-pdf", "佐证.pdf", b"", "空文件"),
    ("exe-named-pdf", "佐证.pdf", b"MZ\x90\x00" + b"\x00" * 100, "内容与扩展名不符"),
    ("html-named-png", "截图.png", b"<html><script>alert(1)</script></html>", "内容与扩展名不符"),
    ("pdf-named-jpg", "照片.jpg", b"%PDF-1.4\n", "内容与扩展名不符"),
    ("text-named-docx", "报告.docx", "进展报告".encode(), "内容与扩展名不符"),
    ("binary-named-txt", "说明.txt", b"\x00\x01\x02\x03" * 50, "不是文本文件"),
]


@pytest.mark.parametrize(("name", "content", "reason"), [pytest.param(*m[1:], id=m[0]) for m in BAD_EVIDENCE])
def test_bad_evidence_file_refuses_the_whole_report(
    official_task, cast, client_for, settings, name, content, reason
):
    target = official_task.targets.get()
    response = client_for(cast.city_staff).post(
        f"/plans/tasks/{official_task.pk}/report/",
        {
            "percent": "50",
            "text": "推进中",
            f"target_{target.pk}": "91",
            "evidence": [SimpleUploadedFile("好的.pdf", b"%PDF-1.4 ok"), SimpleUploadedFile(name, content)],
        },
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert (
        ProgressReport.objects.count(),
        ProgressEvidence.objects.count(),
        TargetReading.objects.count(),
    ) == (0, 0, 0)
    official_task.refresh_from_db()
    assert official_task.progress == 0
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_bad_evidence_through_the_api_is_a_json_400(official_task, cast, client_for):
    response = client_for(cast.city_staff).post(
        f"/api/v1/plans/tasks/{official_task.pk}/progress",
        {"percent": "50", "text": "推进中", "evidence": [SimpleUploadedFile("佐证.pdf", b"MZ\x90\x00")]},
    )
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.json()["detail"]
    assert ProgressReport.objects.count() == 0


def test_oversized_evidence_is_refused(official_task, cast, client_for):
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-1.4" + b"0" * (20 * 1024 * 1024))
    response = client_for(cast.city_staff).post(
        f"/plans/tasks/{official_task.pk}/report/", {"percent": "50", "text": "推进中", "evidence": [big]}
    )
    assert response.status_code == 400
    assert "超过 20 MB" in response.content.decode()
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400", "九十"])
def test_a_bad_target_reading_refuses_the_whole_report(official_task, cast, client_for, settings, value):
    target = official_task.targets.get()
    response = client_for(cast.city_staff).post(
        f"/plans/tasks/{official_task.pk}/report/",
        {
            "percent": "50",
            "text": "推进中",
            f"target_{target.pk}": value,
            "evidence": [SimpleUploadedFile("好的.pdf", b"%PDF-1.4 ok")],
        },
    )
    assert response.status_code == 400
    assert "不是" in response.content.decode() and "指标" in response.content.decode()
    assert (ProgressReport.objects.count(), TargetReading.objects.count()) == (0, 0)
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_good_evidence_of_every_accepted_kind_is_kept(official_task, cast, client_for):
    files = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.4"),
        SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n...."),
        SimpleUploadedFile("c.jpg", b"\xff\xd8\xff\xe0...."),
        SimpleUploadedFile("d.docx", _docx(["进展"])),
        SimpleUploadedFile("e.txt", "进展说明".encode("gbk")),
        SimpleUploadedFile("f.zip", zip_of({"x": b"1"})),
    ]
    response = client_for(cast.city_staff).post(
        f"/plans/tasks/{official_task.pk}/report/", {"percent": "50", "text": "推进中", "evidence": files}
    )
    assert response.status_code == 302
    assert sorted(ProgressEvidence.objects.values_list("original_name", flat=True)) == [
        "a.pdf",
        "b.png",
        "c.jpg",
        "d.docx",
        "e.txt",
        "f.zip",
    ]


def test_issue_closing_evidence_must_be_what_it_says(official_task, cast, client_for):
    from yingshang.plans.models import IssueItem

    issue = IssueItem.objects.create(
        plan=official_task.plan,
        task=official_task,
        description="问题",
        raised_at=dt.datetime(2025, 3, 3, tzinfo=dt.UTC),
    )
    client = client_for(cast.city_staff)
    response = client.post(
        f"/plans/issues/{issue.pk}/close/",
        {"note": "已整改", "evidence": SimpleUploadedFile("整改.pdf", b"MZ\x90\x00")},
        follow=True,
    )
    assert "内容与扩展名不符" in response.content.decode()
    issue.refresh_from_db()
    assert (issue.status, issue.closing_evidence.name) == ("open", "")
