"""Reads for integrations: an organisation's keys and its unmapped identities."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q

from apps.integrations.models import HeldEvent, IntegrationKey, UsageImport
from apps.roles.models import Membership


def integration_keys_of(*, organisation_id: int) -> list[IntegrationKey]:
    """Return the organisation's keys, newest first (revoked ones included, marked)."""
    return list(IntegrationKey.objects.filter(organisation_id=organisation_id).order_by("-created"))


@dataclass(frozen=True)
class UnmappedIdentity:
    source: str
    external_id: str
    held: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    suggested_user_id: int | None
    suggested_name: str


def unmapped_identities(*, organisation_id: int) -> list[UnmappedIdentity]:
    """Return identities with held events not yet replayed, with counts and a suggested person.

    A person is suggested when their e-mail or user name equals the id, or their full name does.
    """
    rows = list(
        HeldEvent.objects.filter(organisation_id=organisation_id, replayed_at__isnull=True)
        .values("identity_source", "external_id")
        .annotate(held=Count("id"), first_seen=Min("occurred_at"), last_seen=Max("occurred_at"))
        .order_by("-held", "external_id")
    )
    ids = {row["external_id"] for row in rows}
    suggestions: dict[str, tuple[int, str]] = {}
    if ids:
        members = Membership.objects.filter(organisation_id=organisation_id).filter(
            Q(user__email__in=ids) | Q(user__username__in=ids)
        ).values_list("user_id", "user__email", "user__username", "user__first_name", "user__last_name")
        for user_id, email, username, first, last in members:
            for value in (email.casefold(), username.casefold()):
                suggestions.setdefault(value, (user_id, f"{first} {last}".strip() or username))
    return [
        UnmappedIdentity(
            source=row["identity_source"], external_id=row["external_id"], held=row["held"],
            first_seen=row["first_seen"], last_seen=row["last_seen"],
            suggested_user_id=suggestions.get(row["external_id"], (None, ""))[0],
            suggested_name=suggestions.get(row["external_id"], (None, ""))[1],
        )
        for row in rows
    ]


def usage_imports_of(*, organisation_id: int, limit: int = 20) -> list[UsageImport]:
    """The organisation's latest CRM log uploads, newest first."""
    return list(UsageImport.objects.filter(organisation_id=organisation_id).order_by("-created_at")[:limit])
