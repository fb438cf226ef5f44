"""Reading roles and the audit trail."""

from dataclasses import dataclass

from django.db.models import Count, Q

from apps.roles.models import Role


@dataclass(frozen=True)
class RoleRow:
    role: Role
    people: int
    active_people: int


def roles_of_organisation(*, organisation_id: int) -> list[RoleRow]:
    """Return the organisation's roles by name, each with how many people hold it (one query)."""
    roles = (
        Role.objects.filter(organisation_id=organisation_id)
        .annotate(
            people=Count("memberships"),
            active_people=Count("memberships", filter=Q(memberships__user__is_active=True)),
        )
        .order_by("name")
    )
    return [RoleRow(role=r, people=r.people, active_people=r.active_people) for r in roles]  # type: ignore[attr-defined]
