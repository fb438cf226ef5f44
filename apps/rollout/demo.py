"""Demo data for rollout: stored gate evaluations for the demo phases."""

from typing import TYPE_CHECKING

from apps.rollout.models import RolloutPhase
from apps.rollout.services import gate_evaluate

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext


def seed_demo(ctx: "DemoContext") -> None:
    """Rollout phases are part of the base demo; nothing to add before scoring."""


def after_scores(ctx: "DemoContext") -> None:
    """Store today's gate evaluation for every demo phase, as the nightly job would."""
    for phase in RolloutPhase.objects.filter(pk__in=[p.pk for p in ctx.phases]).order_by("order"):
        gate_evaluate(phase=phase, today=ctx.today)
