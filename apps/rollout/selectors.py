"""Reading rollout phases and who they cover."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.core.periods import week_start
from apps.rollout.models import RolloutPhase
from apps.scoring.models import ScoreSnapshot

User = get_user_model()


def phase_people(phase: RolloutPhase) -> QuerySet:
    """Return the people a phase covers: members of its teams and holders of its roles."""
    return User.objects.filter(
        Q(team_memberships__team__in=phase.teams.all()) | Q(memberships__role__in=phase.roles.all()),
        memberships__organisation_id=phase.organisation_id,
    ).distinct()


@dataclass(frozen=True)
class PhaseAdoption:
    phase: RolloutPhase
    people: int
    scored: int
    net_beneficiaries: int

    @property
    def net_beneficiary_pct(self) -> float | None:
        return 100 * self.net_beneficiaries / self.scored if self.scored else None


def phase_adoption(phase: RolloutPhase, *, today: dt.date | None = None) -> PhaseAdoption:
    """Return how many of the phase's people are net beneficiaries this week (rolling 4 weeks)."""
    monday = week_start(today or timezone.localdate())
    people = phase_people(phase)
    counts = ScoreSnapshot.objects.filter(user__in=people, period_start=monday).aggregate(
        scored=Count("pk"), net_beneficiaries=Count("pk", filter=Q(net_minutes__gt=0))
    )
    return PhaseAdoption(phase=phase, people=people.count(), **counts)


def phases_adoption(*, organisation_id: int, today: dt.date | None = None) -> list[PhaseAdoption]:
    phases = RolloutPhase.objects.filter(organisation_id=organisation_id).prefetch_related("teams", "roles")
    return [phase_adoption(p, today=today) for p in phases]
