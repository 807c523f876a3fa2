"""一本通 exports (PDF with a Chinese font, DOCX) and 一码通 QR codes."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string

# Debian/Ubuntu fonts-noto-cjk and common alternatives; the first that exists is embedded in PDFs.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@cache
def cjk_font_url() -> str | None:
    """file:// URL of an installed CJK font, or None (the PDF then falls back to whatever fontconfig finds)."""
    for candidate in CJK_FONT_CANDIDATES:
        path = Path(candidate)
        if path.exists():
            return path.as_uri()
    return None


QR_SECONDS = 7 * 24 * 3600


def qr_svg(url: str) -> str:
    """An inline SVG QR code for `url`, kept in the shared cache: the same URL always gives the same code, and
    drawing one costs ~11 ms (qrcode is pure Python), more than the rest of a policy or clause page."""
    import hashlib

    from django.core.cache import caches

    key = "qr-svg:" + hashlib.sha256(url.encode()).hexdigest()
    svg = caches["default"].get(key)
    if svg is None:
        svg = draw_qr_svg(url)
        caches["default"].set(key, svg, QR_SECONDS)
    return svg


def draw_qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def qr_png_data_uri(url: str) -> str:
    """A PNG QR code as a data: URI (for PDFs)."""
    import base64

    import qrcode

    buffer = io.BytesIO()
    qrcode.make(url, box_size=6, border=2).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def compendium_pdf(context: dict) -> bytes:
    """The compendium rendered by WeasyPrint with the CJK font embedded."""
    from weasyprint import HTML

    html = render_to_string("policies/compendium_print.html", {**context, "font_url": cjk_font_url()})
    return HTML(string=html, base_url=str(Path.cwd())).write_pdf()


def compendium_docx(context: dict) -> bytes:
    """The compendium as a Word document."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["subtitle"])
    for item in context["entries"]:
        clause = item["clause"]
        document.add_heading(clause.title, level=1)
        document.add_paragraph(f"政策：{clause.document.title} {clause.document.document_number}")
        document.add_paragraph(f"支持内容：{item['benefit_text'] or '见原文'}")
        document.add_paragraph(f"申报条件：{'；'.join(item['who']) or '见原文'}")
        document.add_paragraph(f"兑现方式：{clause.get_delivery_mode_display()}")
        if clause.handling_department_id:
            document.add_paragraph(f"受理部门：{clause.handling_department.name} {clause.contact}")
        document.add_paragraph(f"原文：{clause.text}")
        document.add_paragraph(f"手机查看：{item['url']}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
