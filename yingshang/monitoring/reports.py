"""The monthly monitoring report (月通报) as PDF (WeasyPrint) and DOCX (python-docx), and XLSX tables.

Charts are drawn server-side: an SVG bar chart in the PDF, the same chart as PNG (Pillow) in the DOCX.
The Chinese font is located at run time (Noto Sans CJK, WenQuanYi, …); without one the PDF still renders
with the generic sans-serif family and the PNG chart uses Pillow's default font.
"""

from __future__ import annotations

import html
import io
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

from yingshang.monitoring import dashboard
from yingshang.monitoring.periods import label

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@cache
def chinese_font() -> Path | None:
    """The first Chinese font installed on this machine, or None."""
    for candidate in FONT_CANDIDATES:
        path = Path(candidate)
        if path.exists():
            return path
    for directory in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        if directory.exists():
            for path in sorted(directory.rglob("*CJK*")):
                if path.suffix in {".ttc", ".otf", ".ttf"}:
                    return path
    return None


def index_target_line(view: dashboard.Overview) -> float | None:
    """Where the chart's target line goes: the plan's 便利度指数 target (the dashboard's source), else none."""
    target = view.index_target
    return None if target is None else target.target_threshold


def report_context(*, period: str, user) -> dict:
    view = dashboard.overview(period=period, user=user)
    bars = [(s.region.name, s.index_score) for s in view.counties]
    target = index_target_line(view)
    return {
        "view": view,
        "period": period,
        "period_label": label(period),
        "bars": bars,
        "target": target,
        "chart_svg": bar_chart_svg(bars, title="各县区便利度指数", target=target),
        "status_rows": [
            (code_label, view.status_counts.get(code, 0))
            for code, code_label in (
                ("met", "已达标"),
                ("on_track", "预计可完成"),
                ("at_risk", "有风险"),
                ("off_track", "预计难以完成"),
                ("no_data", "无数据"),
            )
        ],
    }


def _on_scale(target: float | None) -> bool:
    return target is not None and 0 <= target <= 100


def _target_text(target: float) -> str:
    return f"目标 {target:.2f}".rstrip("0").rstrip(".")


def bar_chart_svg(
    bars: list[tuple[str, float | None]], *, title: str, target: float | None = None, width: int = 640
) -> str:
    """A horizontal bar chart (0–100) as inline SVG, with a dashed line at the target when there is one."""
    row, left, top = 28, 110, 30
    height = top + row * len(bars) + 24
    scale = (width - left - 60) / 100
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-size="13">',
        f'<text x="0" y="18" font-weight="bold">{html.escape(title)}</text>',
    ]
    for n, (name, score) in enumerate(bars):
        y = top + n * row
        parts.append(f'<text x="0" y="{y + 17}">{html.escape(name)}</text>')
        if score is not None:
            parts.append(
                f'<rect x="{left}" y="{y + 4}" width="{score * scale:.1f}" height="18" fill="#a4161a"/>'
            )
            parts.append(f'<text x="{left + score * scale + 6:.1f}" y="{y + 18}">{score:.1f}</text>')
        else:
            parts.append(f'<text x="{left}" y="{y + 18}" fill="#57606a">无数据</text>')
    if _on_scale(target):
        x = left + target * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" stroke="#1a7f37" '
            'stroke-dasharray="4 3"/>'
        )
        parts.append(f'<text x="{x - 20:.1f}" y="{height - 6}" fill="#1a7f37">{_target_text(target)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart_png(bars: list[tuple[str, float | None]], *, title: str, target: float | None = None) -> bytes:
    """The same bar chart as PNG for Word documents (target line only when there is a target)."""
    from PIL import Image, ImageDraw, ImageFont

    width, row, left, top = 1200, 52, 220, 60
    height = top + row * len(bars) + 50
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font_path = chinese_font()
    font = ImageFont.truetype(str(font_path), 24) if font_path else ImageFont.load_default()
    draw.text((0, 10), title, fill="black", font=font)
    scale = (width - left - 120) / 100
    for n, (name, score) in enumerate(bars):
        y = top + n * row
        draw.text((0, y + 8), name, fill="black", font=font)
        if score is None:
            draw.text((left, y + 8), "无数据", fill="#57606a", font=font)
            continue
        draw.rectangle([left, y + 6, left + score * scale, y + 40], fill="#a4161a")
        draw.text((left + score * scale + 10, y + 8), f"{score:.1f}", fill="black", font=font)
    if _on_scale(target):
        x = left + target * scale
        draw.line([x, top, x, height - 40], fill="#1a7f37", width=2)
        draw.text((x - 40, height - 36), _target_text(target), fill="#1a7f37", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def render_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    font = chinese_font()
    page = render_to_string(
        "monitoring/pages/report.html", {**context, "font_url": font.as_uri() if font else ""}
    )
    return HTML(string=page).write_pdf()


def render_docx(context: dict) -> bytes:
    from docx import Document
    from docx.shared import Cm

    view = context["view"]
    document = Document()
    document.add_heading(f"{context['period_label']}营商环境动态监测通报", level=0)
    city, target = view.city, view.index_target
    goal = f"方案目标 {target.target_label}。" if target else "方案未设指数目标。"
    document.add_paragraph(
        f"全市便利度指数 {city.index_score:.1f} 分（{city.tier}），{goal}"
        if city and city.index_score is not None
        else "本月全市便利度指数无数据。"
    )
    document.add_heading("一、方案目标进展", level=1)
    document.add_paragraph("；".join(f"{name} {count} 项" for name, count in context["status_rows"]) + "。")
    _docx_table(
        document,
        ["指标", "目标", "当前值", "年底预计", "状态"],
        [
            (r.name, r.target_label, _fmt(r.current, r.unit), _fmt(r.forecast, r.unit), r.status_label)
            for r in view.targets
        ],
    )
    document.add_heading("二、县区比较", level=1)
    chart = bar_chart_png(context["bars"], title="各县区便利度指数", target=context["target"])
    document.add_picture(io.BytesIO(chart), width=Cm(16))
    _docx_table(
        document,
        ["排名", "县区", "便利度指数", "档次"],
        [(s.rank or "—", s.region.name, _fmt(s.index_score, ""), s.tier or "—") for s in view.counties],
    )
    document.add_heading("三、得分最低的指标（全市）", level=1)
    _docx_table(
        document,
        ["指标", "数值", "得分"],
        [
            (w["indicator"].name, _fmt(w["value"], w["indicator"].unit), f"{w['score']:.1f}")
            for w in view.worst
        ],
    )
    document.add_heading("四、预警", level=1)
    for alert in view.alerts:
        document.add_paragraph(alert.message, style="List Bullet")
    if not view.alerts:
        document.add_paragraph("本月无未处理预警。")
    document.add_paragraph(
        "方法说明：指标得分采用前沿距离法（0–100 分），维度与指数为加权平均；年底预计值按近月线性趋势"
        "（累计类指标按年初至今月均速度）外推。"
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, headers, rows) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)


def _fmt(value, unit: str) -> str:
    return "无数据" if value is None else f"{value:.2f}".rstrip("0").rstrip(".") + unit


TABLE_TITLES = {"targets": "方案目标进展", "ranking": "县区比较", "scores": "全部指标得分"}


def table(name: str, *, period: str, user) -> tuple[list[str] | None, list[list]]:
    """A dashboard table as headers and rows for XLSX export: targets, ranking or scores."""
    view = dashboard.overview(period=period, user=user)
    if name == "targets":
        return (
            ["指标", "目标", "当前值", "单位", "年底预计", "预计方法", "状态", "得分（分）"],
            [
                [r.name, r.target_label, r.current, r.unit, r.forecast, r.method, r.status_label, r.score]
                for r in view.targets
            ],
        )
    if name == "ranking":
        headers = ["排名", "县区", "便利度指数（分）", "档次"] + [f"{d.name}（分）" for d in view.dimensions]
        return headers, [
            [s.rank, s.region.name, s.index_score, s.tier]
            + [s.dimension_scores.get(d.code) for d in view.dimensions]
            for s in ([view.city] if view.city else []) + view.counties
        ]
    if name == "scores":
        from yingshang.monitoring.models import Indicator

        snapshots = ([view.city] if view.city else []) + view.counties
        headers = (
            ["指标", "单位"]
            + [f"{s.region.name}数值" for s in snapshots]
            + [f"{s.region.name}得分（分）" for s in snapshots]
        )
        rows = []
        for indicator in Indicator.objects.filter(in_index=True).order_by("sort_order"):
            data = [s.indicator_scores.get(indicator.code) or {} for s in snapshots]
            rows.append(
                [indicator.name, indicator.unit]
                + [d.get("value") for d in data]
                + [d.get("score") for d in data]
            )
        return headers, rows
    return None, []
