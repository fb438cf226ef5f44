"""Demo data for rollout: stored gate evaluations for the demo phases."""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from apps.rollout.models import RolloutPhase
from apps.rollout.services import gate_evaluate

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext


def _evaluate_phases(phase_ids: list[int], today: dt.date) -> None:
    for phase in RolloutPhase.objects.filter(pk__in=phase_ids).order_by("order"):
        gate_evaluate(phase=phase, today=today)


def seed_demo(ctx: "DemoContext") -> None:
    """Store today's gate evaluation for every demo phase, as the nightly job would."""
    phase_ids = [phase.pk for phase in ctx.phases]
    # The seed calls this hook before it computes scores and quick-win results; evaluating
    # once its transaction commits reads the finished figures instead of empty ones.
    transaction.on_commit(lambda: _evaluate_phases(phase_ids, ctx.today))
