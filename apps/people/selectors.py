"""Reads for the people pages (set-based, N+1-free)."""


from django.contrib.auth.models import User
from django.db.models import Count, Max, Prefetch, QuerySet

from apps.activities.models import Stage
from apps.roles.models import TeamMember


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
