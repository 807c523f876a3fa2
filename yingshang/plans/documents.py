"""Files the plans app produces: the XLSX ledger in the office layout, the monthly bulletin as PDF and DOCX."""

from __future__ import annotations

import glob
import html
import io
from functools import cache
from pathlib import Path

from yingshang.enterprises.spreadsheets import write_xlsx
from yingshang.plans.models import ProgressReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LEDGER_HEADERS = ("序号", "任务", "具体措施", "牵头单位", "配合单位", "完成时限", "进展情况", "状态")
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)


def ledger_xlsx(rows) -> bytes:
    """序号 / 任务 / 具体措施 / 牵头单位 / 配合单位 / 完成时限 / 进展情况 / 状态, one row per task."""
    latest: dict[int, ProgressReport] = {}
    for report in ProgressReport.objects.filter(task__in=[row.task.pk for row in rows]).order_by(
        "task_id", "-reported_at", "-id"
    ):
        latest.setdefault(report.task_id, report)
    measures: dict[int, list[str]] = {}
    from yingshang.plans.models import PlanMeasure

    for task_id, text in (
        PlanMeasure.objects.filter(task__in=[row.task.pk for row in rows])
        .order_by("task_id", "order", "id")
        .values_list("task_id", "text")
    ):
        measures.setdefault(task_id, []).append(text)
    lines = []
    for index, row in enumerate(rows, start=1):
        task = row.task
        report = latest.get(task.pk)
        progress = f"{task.progress}%" + (
            f"：{report.text}（{report.reported_at:%Y-%m-%d}）" if report else "：尚未报送"
        )
        lines.append(
            [
                index,
                f"{task.number}. {task.title}",
                "\n".join(f"{n}. {text}" for n, text in enumerate(measures.get(task.pk, []), start=1)),
                "、".join(row.leads),
                "、".join(row.co),
                task.deadline.isoformat() if task.deadline else "",
                progress,
                f"{row.status_label}（{row.light_label}）",
            ]
        )
    return write_xlsx(LEDGER_HEADERS, lines, sheet_title="任务台账")


@cache
def chinese_font_path() -> str | None:
    """A CJK font file on this machine (Noto Sans CJK preferred), or None: PDFs then rely on fontconfig."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    found = sorted(
        glob.glob("/usr/share/fonts/**/*CJK*Regular*.tt[cf]", recursive=True)
        + glob.glob("/usr/share/fonts/**/*[Ss]ans*SC*.[ot]tf", recursive=True)
    )
    return found[0] if found else None


def _bulletin_html(bulletin) -> str:
    font = chinese_font_path()
    face = f"@font-face {{ font-family: 'BulletinCJK'; src: url('file://{font}'); }}" if font else ""
    escape = html.escape
    lagging = (
        "".join(
            f"<tr><td>{escape(row.task.number)}</td><td>{escape(row.task.title)}</td><td>{escape('、'.join(row.leads))}</td>"
            f"<td>{row.task.progress}%</td><td>{row.state.expected}%</td><td>{escape(row.status_label)}</td></tr>"
            for row in bulletin.lagging
        )
        or "<tr><td colspan='6'>无</td></tr>"
    )
    scores = "".join(
        f"<tr><td>{n}</td><td>{escape(s.department)}</td><td>{_owned(s)}</td><td>{s.score.completion:.2%}</td>"
        f"<td>{s.score.timeliness:.2%}</td><td>{'—' if s.score.attainment is None else f'{s.score.attainment:.2%}'}</td>"
        f"<td>{s.score.total}</td></tr>"
        for n, s in enumerate(bulletin.scores, start=1)
    )
    return f"""<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>
{face}
@page {{ size: A4; margin: 18mm 15mm; }}
body {{ font-family: 'BulletinCJK', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif; font-size: 10.5pt; }}
h1 {{ font-size: 16pt; text-align: center; }} h2 {{ font-size: 12pt; margin-top: 14pt; }}
table {{ width: 100%; border-collapse: collapse; }} th, td {{ border: 1px solid #666; padding: 3pt 4pt; }}
th {{ background: #eee; }} .muted {{ color: #555; font-size: 9pt; }}
</style></head><body>
<h1>{escape(bulletin.title)}</h1>
<p>截至 {bulletin.as_of:%Y年%m月%d日}，《{escape(bulletin.plan_title)}》共 {bulletin.total} 项任务，总体进度
{bulletin.progress}%。其中{escape(bulletin.status_summary)}；在办督办单 {bulletin.open_notices} 件。</p>
<h2>一、滞后和逾期任务</h2>
<table><tr><th>编号</th><th>任务</th><th>牵头单位</th><th>实际进度</th><th>应完成进度</th><th>状态</th></tr>{lagging}</table>
<h2>二、单位考核得分</h2>
<table><tr><th>排名</th><th>单位</th><th>牵头任务／措施</th><th>完成度</th><th>及时率</th><th>指标达成率</th><th>得分</th></tr>{scores}</table>
<p class="muted">计分办法：{escape(bulletin.formula)}</p>
</body></html>"""


def bulletin_pdf(bulletin) -> bytes:
    """The bulletin as PDF (WeasyPrint), with a Chinese font found on this machine."""
    from weasyprint import HTML

    return HTML(string=_bulletin_html(bulletin)).write_pdf()


def bulletin_docx(bulletin) -> bytes:
    """The bulletin as DOCX (python-docx), for offices that edit it before sending."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_heading(bulletin.title, level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        f"截至{bulletin.as_of:%Y年%m月%d日}，《{bulletin.plan_title}》共{bulletin.total}项任务，总体进度{bulletin.progress}%。"
        f"其中{bulletin.status_summary}；在办督办单{bulletin.open_notices}件。"
    )
    document.add_heading("一、滞后和逾期任务", level=2)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells, ("编号", "任务", "牵头单位", "实际进度", "应完成进度", "状态"), strict=True
    ):
        cell.text = title
    for row in bulletin.lagging:
        cells = table.add_row().cells
        values = (
            row.task.number,
            row.task.title,
            "、".join(row.leads),
            f"{row.task.progress}%",
            f"{row.state.expected}%",
            row.status_label,
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    document.add_heading("二、单位考核得分", level=2)
    table = document.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    for cell, title in zip(
        table.rows[0].cells,
        ("排名", "单位", "牵头任务／措施", "完成度", "及时率", "指标达成率", "得分"),
        strict=True,
    ):
        cell.text = title
    for rank, item in enumerate(bulletin.scores, start=1):
        cells = table.add_row().cells
        attainment = "—" if item.score.attainment is None else f"{item.score.attainment:.2%}"
        values = (
            str(rank),
            item.department,
            _owned(item),
            f"{item.score.completion:.2%}",
            f"{item.score.timeliness:.2%}",
            attainment,
            str(item.score.total),
        )
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    document.add_paragraph(f"计分办法：{bulletin.formula}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- 季度考核 and 年度评价 ------------------------------------------------------------------------------------

ASSESSMENT_HEADERS = (
    "排名",
    "被考核单位",
    "类别",
    "完成度",
    "及时率",
    "督办响应率",
    "问题销号率",
    "得分",
    "状态",
    "权重版本",
)


def _owned(score) -> str:
    """What a department is scored on: "3" tasks, or "3 + 2 项措施" with measures it leads in others' tasks."""
    return f"{score.tasks} + {score.measures} 项措施" if score.measures else str(score.tasks)


def _percent(value) -> str:
    return "—" if value is None else f"{float(value):.2%}"


def _assessment_cells(row) -> list:
    components = row.components
    if "quarters" in components:
        parts = [
            "；".join(f"{period[-2:]} {score}" for period, score in components["quarters"].items()),
            "",
            "",
            "",
        ]
    else:
        parts = [
            _percent(components.get(name)) for name in ("completion", "timeliness", "supervision", "problems")
        ]
    return [
        row.rank,
        row.subject_name,
        "县区" if row.subject_kind == "county" else "单位",
        *parts,
        str(row.score),
        row.get_status_display(),
        row.weights.version,
    ]


def assessment_title(plan, period: str) -> str:
    kind = "年度评价" if len(period) == 4 else f"第{period[-1]}季度考核"
    return f"{plan.title}{period[:4]}年{kind}结果"


def assessment_xlsx(plan, period: str, rows) -> bytes:
    """The period's results in one sheet, departments then counties, with the formula under them."""
    from yingshang.plans.scoring import ANNUAL_METHOD_TEXT, PERIOD_FORMULA_TEXT

    lines = [_assessment_cells(row) for row in rows]
    lines += [[], ["计分办法", ANNUAL_METHOD_TEXT if len(period) == 4 else PERIOD_FORMULA_TEXT]]
    return write_xlsx(ASSESSMENT_HEADERS, lines, sheet_title="考核结果")


def assessment_pdf(plan, period: str, rows) -> bytes:
    """The period's results as a printable PDF (WeasyPrint, Noto CJK)."""
    from weasyprint import HTML

    from yingshang.plans.scoring import ANNUAL_METHOD_TEXT, PERIOD_FORMULA_TEXT

    font = chinese_font_path()
    face = f"@font-face {{ font-family: 'BulletinCJK'; src: url('file://{font}'); }}" if font else ""
    escape = html.escape
    body = (
        "".join(
            "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in _assessment_cells(row)) + "</tr>"
            for row in rows
        )
        or f"<tr><td colspan='{len(ASSESSMENT_HEADERS)}'>尚未计算</td></tr>"
    )
    signed = [row for row in rows if row.signed_at]
    sign_line = (
        f"签发：{escape(str(signed[0].signed_by or ''))}　{signed[0].signed_at:%Y年%m月%d日}"
        if signed
        else "（待签发）"
    )
    method = ANNUAL_METHOD_TEXT if len(period) == 4 else PERIOD_FORMULA_TEXT
    weights = rows[0].weights if rows else None
    weight_line = (
        (
            f"权重（第 {weights.version} 版）：完成度 {weights.completion}、及时率 {weights.timeliness}、"
            f"督办响应率 {weights.supervision}、问题销号率 {weights.problems}"
        )
        if weights
        else ""
    )
    document = f"""<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><style>
{face}
@page {{ size: A4 landscape; margin: 15mm; }}
body {{ font-family: 'BulletinCJK', 'Noto Sans CJK SC', sans-serif; font-size: 10pt; }}
h1 {{ font-size: 15pt; text-align: center; }} table {{ width: 100%; border-collapse: collapse; }}
th, td {{ border: 1px solid #666; padding: 3pt 4pt; }} th {{ background: #eee; }} .muted {{ color: #555; }}
</style></head><body>
<h1>{escape(assessment_title(plan, period))}</h1>
<table><tr>{"".join(f"<th>{escape(h)}</th>" for h in ASSESSMENT_HEADERS)}</tr>{body}</table>
<p class="muted">计分办法：{escape(method)}</p><p class="muted">{escape(weight_line)}</p><p>{sign_line}</p>
</body></html>"""
    return HTML(string=document).write_pdf()
