"""Reads for the people pages (set-based, N+1-free)."""

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet

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
