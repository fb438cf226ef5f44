from typing import Any

from django import template

from apps.pulse.selectors import pulse_due

register = template.Library()


@register.inclusion_tag("pulse/_prompt.html", takes_context=True)
def pulse_prompt(context: dict[str, Any]) -> dict[str, Any]:
    """Render the pulse prompt card for the signed-in person when their check is due."""
    request = context["request"]
    return {"pulse_due": pulse_due(request.user), "request": request}
