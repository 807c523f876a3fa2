"""The monthly report's (月通报) county chart: the target line is the plan's 便利度指数 target (the dashboard's
source), and there is no line when the plan states none."""

import io

import pytest
from PIL import Image

from yingshang.monitoring import dashboard, reports, services

from .conftest import at, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(official_plan):
    for month in (1, 2, 3):
        publish("online_filing_rate", "620700", f"2025-{month:02d}", 60 + month)
        publish("online_filing_rate", "620702", f"2025-{month:02d}", 50 + month)
        publish("online_filing_rate", "620723", f"2025-{month:02d}", 70 + month)
    services.recompute_index(now=at(2025, 4, 10))


def docx_text(context) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(reports.render_docx(context))).paragraphs)


def test_svg_chart_draws_the_target_line_only_when_there_is_a_target():
    bars = [("甘州区", 80.0), ("临泽县", None)]
    without = reports.bar_chart_svg(bars, title="各县区便利度指数")
    assert "<line" not in without and "目标" not in without
    with_target = reports.bar_chart_svg(bars, title="各县区便利度指数", target=85.5)
    left, scale = 110, (640 - 110 - 60) / 100
    assert f'x1="{left + 85.5 * scale:.1f}"' in with_target and "目标 85.5" in with_target


def test_png_chart_draws_the_target_line_at_the_target():
    bars = [("甘州区", 10.0)]
    width, left = 1200, 220
    x = round(left + 70 * (width - left - 120) / 100)
    with_line = Image.open(io.BytesIO(reports.bar_chart_png(bars, title="t", target=70.0))).convert("RGB")
    without = Image.open(io.BytesIO(reports.bar_chart_png(bars, title="t"))).convert("RGB")
    assert with_line.getpixel((x, 80)) == (0x1A, 0x7F, 0x37)
    assert without.getpixel((x, 80)) == (255, 255, 255)


def test_report_chart_takes_the_plans_index_target(scored, cast):
    context = reports.report_context(period="2025-03", user=cast.leader)
    target = dashboard.overview(period="2025-03", user=cast.leader).index_target
    assert context["target"] == target.target_threshold == 90.0
    assert "目标 90<" in context["chart_svg"]
    assert f"方案目标 {target.target_label}" in docx_text(context)


def test_report_chart_has_no_target_line_without_a_plan_target(catalogue, cast):
    publish("online_filing_rate", "620700", "2025-03", 65)
    publish("online_filing_rate", "620702", "2025-03", 60)
    services.recompute_index(now=at(2025, 4, 10))
    context = reports.report_context(period="2025-03", user=cast.leader)
    assert context["target"] is None and "<line" not in context["chart_svg"]
    text = docx_text(context)
    assert "方案未设指数目标" in text and "目标 90" not in text
