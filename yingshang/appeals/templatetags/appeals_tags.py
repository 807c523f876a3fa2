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
