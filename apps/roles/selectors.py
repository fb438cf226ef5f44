"""Reading roles and the audit trail."""

from dataclasses import dataclass

from django.db.models import Count, Q

from apps.roles.models import AuditEntry, Role


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


def audit_entries(
    *, organisation_id: int, target_type: str | None = None, target_id: int | None = None, limit: int = 50
) -> list[AuditEntry]:
    """Return the newest audit rows of the organisation (or of one target), with who made them."""
    entries = AuditEntry.objects.filter(organisation_id=organisation_id).select_related("actor")
    if target_type is not None:
        entries = entries.filter(target_type=target_type)
    if target_id is not None:
        entries = entries.filter(target_id=target_id)
    return list(entries[:limit])
