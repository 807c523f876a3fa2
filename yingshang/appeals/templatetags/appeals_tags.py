"""Template filters of the appeal pages."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.9873 → 98.7%; None → —."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def below_target(value, key: str) -> str:
    """A rate as a percentage, marked 未达标 when below the plan's target for that metric."""
    from django.utils.html import format_html

    from yingshang.appeals import metrics

    if metrics.meets_target(key, value) is False:
        return format_html('<span class="bad">{}（未达标）</span>', pct(value))
    return pct(value)
