"""Template filters of the policy supermarket pages."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CONDITION = '<li class="{}"><strong>{}</strong>：要求 {}；{}</li>'


@register.filter
def conditions_list(result) -> SafeString:
    """A match result's conditions as the 为什么符合 list: each outcome, requirement and the deciding fact.

    Built in Python rather than an {% include %} per match: 我的政策 shows one list per matched clause.
    """
    conditions = getattr(result, "conditions", None) or ()
    if not conditions:
        return mark_safe('<ul class="cond"><li class="met">无限制条件</li></ul>')
    items = format_html_join(
        "",
        _CONDITION,
        (
            (
                c.outcome,
                c.label,
                c.requirement,
                format_html('<span class="warn">{}</span>', c.hint)
                if c.outcome == "unknown"
                else format_html('贵企业 {} <span class="muted small">（来源：{}）</span>', c.fact, c.source),
            )
            for c in conditions
        ),
    )
    return format_html('<ul class="cond">{}</ul>', items)
