"""Template filters of the appeal pages."""

from html import escape

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


@register.simple_tag
def options(choices, current) -> str:
    """`<option>`s for (value, label) pairs, the one whose value equals `current` selected: the markup of a
    `{% for %}` loop printing `<option value="{{ v }}" {% if v == current %}selected{% endif %}>{{ l }}</option>`,
    without the loop's cost per option (the 承办单位 list is long)."""
    from django.utils.safestring import mark_safe

    # html.escape is what django.utils.html.escape (the template's autoescape) calls, without its lazy wrapper.
    return mark_safe(  # noqa: S308 - every value and label is escaped here
        "".join(
            f'<option value="{escape(str(value))}" {"selected" if value == current else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )
