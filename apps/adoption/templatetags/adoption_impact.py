"""`{% phase_impact phase %}`: the adoption figures' verdict on a rollout phase, for its page.

A template tag rather than a call in the rollout view: adoption reads rollout, so rollout's
Python code does not import adoption (the layers in docs/architecture.md).
"""

from typing import Any

from django import template
from django.utils import timezone

from apps.adoption.selectors import phase_impact_report
from apps.rollout.models import RolloutPhase

register = template.Library()


@register.inclusion_tag("adoption/_phase_impact.html")
def phase_impact(phase: RolloutPhase) -> dict[str, Any]:
    return {"impact": phase_impact_report(phase=phase, today=timezone.localdate()), "phase": phase}
