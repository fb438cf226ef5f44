"""Formatting for coaching figures: shares as percentages and days with one decimal."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def share(value: float | None) -> str:
    """Render a share between 0 and 1 as a whole percentage ("60 %"), or a dash."""
    if not isinstance(value, int | float):
        return "–"
    return f"{value * 100:.0f} %"


@register.filter
def days(value: float | None) -> str:
    """Render days with one decimal in the active language's number format, or a dash."""
    if not isinstance(value, int | float):
        return "–"
    return str(number_format(round(value, 1), decimal_pos=1))
