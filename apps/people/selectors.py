"""Reads for the people pages (set-based, N+1-free)."""

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.activities.models import Stage
from apps.roles.models import Membership, TeamMember


def people_of_organisation(*, organisation_id: int) -> QuerySet[User]:
    """Everyone with a role in the organisation, with role and teams, in two queries."""
    return (
        User.objects.filter(memberships__organisation_id=organisation_id)
        .prefetch_related(
            "memberships__role",
            Prefetch("team_memberships", queryset=TeamMember.objects.select_related("team").order_by("team__name")),
        )
        .order_by("first_name", "last_name", "username")
    )


def stages_of_organisation(*, organisation_id: int) -> QuerySet[Stage]:
    """The organisation's pipeline stages in order, each with how many deals are in it now."""
    return Stage.objects.filter(organisation_id=organisation_id).annotate(deal_count=Count("deals")).order_by("order")


def next_open_stage_order(*, organisation_id: int) -> int:
    """Suggest the position after the last open stage (or after the last stage) that is still free."""
    stages = Stage.objects.filter(organisation_id=organisation_id)
    last_open = stages.filter(is_won=False, is_lost=False).aggregate(m=Max("order"))["m"]
    taken = set(stages.values_list("order", flat=True))
    candidate = (last_open or 0) + 1
    while candidate in taken:
        candidate += 1
    return candidate


def go_live_of(*, user_id: int) -> dt.date | None:
    """Return the person's go-live date: their own, or that of the earliest started phase covering them.

    A phase covers a person through one of their teams or their role. Someone who joined after
    their phase went live starts on the day they joined, never before.
    """
    from apps.rollout.models import PhaseStatus, RolloutPhase

    membership = Membership.objects.filter(user_id=user_id).select_related("user").first()
    if membership is None:
        return None
    if membership.go_live_on is not None:
        return membership.go_live_on
    team_ids = TeamMember.objects.filter(user_id=user_id).values("team_id")
    phase_go_live = (
        RolloutPhase.objects.filter(organisation_id=membership.organisation_id)
        .exclude(status=PhaseStatus.PLANNED)
        .filter(Q(teams__in=team_ids) | Q(roles=membership.role_id))
        .aggregate(first=Min("go_live_on"))["first"]
    )
    if phase_go_live is None:
        return None
    return max(phase_go_live, timezone.localtime(membership.user.date_joined).date())
