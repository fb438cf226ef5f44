from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def minutes(value: Decimal | float | int | None) -> str:
    """Render minutes as a whole number with a sign only when negative."""
    if value is None:
        return "–"
    return f"{Decimal(value):.0f}"


@register.filter
def percent(value: float | Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{float(value):.0f} %"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
