"""Formatting for coaching figures: shares as percentages, days with one decimal, and the cells of
the days-in-stage and median tables (tags, not included templates: a team's table has a cell per
rep and stage, and an include per cell cost more than the rest of the page)."""

from typing import Any

from django import template
from django.utils.formats import localize, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from apps.coaching.diagnostics import StageTally

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


DASH = SafeString('<span class="muted">–</span>')  # a fixed string: nothing to escape


def _unknown_extra(count: Any) -> SafeString:
    return format_html(' <span class="muted unknown">{}</span>', gettext("+ %(n)s unknown") % {"n": localize(count)})


@register.simple_tag
def days_cell(tally: StageTally) -> SafeString:
    """Render a stage's average days for a table cell: a dash without exits, unknown when no stay
    was timed, too few below the minimum, else the days and how many stays they average."""
    if tally.exits == 0:
        cell = DASH
    elif tally.timed == 0:
        cell = format_html('<span class="unknown" data-testid="unknown">{}</span>',
                           ngettext("unknown (%(n)s)", "unknown (%(n)s)", tally.exits) % {"n": localize(tally.exits)})
    elif not tally.enough_for_days:
        cell = format_html('<span class="too-few">{}</span>', ngettext(
            "too few deals (%(n)s)", "too few deals (%(n)s)", tally.timed) % {"n": localize(tally.timed)})
    else:
        cell = format_html('{} <span class="muted">({})</span>', days(tally.avg_days), localize(tally.timed))
    if tally.timed and tally.untimed:
        cell = format_html("{}{}", cell, _unknown_extra(tally.untimed))
    return cell


@register.simple_tag
def median_cell(value: Any, unknown: Any) -> SafeString:
    """Render a median in days for a table cell, with how many values are unknown beside it."""
    if value is None or value == "":
        if unknown:
            return format_html('<span class="unknown">{}</span>',
                               ngettext("unknown (%(n)s)", "unknown (%(n)s)", unknown) % {"n": localize(unknown)})
        return DASH
    cell = format_html("{}", days(value))
    return format_html("{}{}", cell, _unknown_extra(unknown)) if unknown else cell
