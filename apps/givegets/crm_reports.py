"""Opening a CRM report or dashboard that a contract names is that contract's get.

A refresh consumer of the usage log: for people with new `report_viewed` events, each event whose
metadata names a contract's report (by name or id, without case) becomes a consumed delivery of
that contract's minutes — at most one per contract, person and cadence period (each time for
"each time"), so opening a report twenty times a week does not count twenty times. Runs before
scoring in the same drain (apps are registered in INSTALLED_APPS order), so the score sees it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from django.utils import timezone

from apps.givegets.models import Cadence, Delivery, DeliveryKind, GiveGetContract
from apps.roles.models import Membership
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent

# Where the connectors and API clients put a report's or dashboard's name or id.
REPORT_METADATA_KEYS = ("report", "report_name", "report_id", "dashboard", "dashboard_name", "dashboard_id",
                        "page_name", "name")


def _names_in(metadata: object) -> set[str]:
    if not isinstance(metadata, dict):
        return set()
    return {str(metadata[key]).strip().casefold() for key in REPORT_METADATA_KEYS if metadata.get(key)}


def _period_key(contract: GiveGetContract, event_id: int, occurred_at: dt.datetime) -> str:
    local = timezone.localtime(occurred_at).date()
    if contract.cadence == Cadence.PER_OCCURRENCE:
        return f"event{event_id}"
    if contract.cadence == Cadence.MONTHLY:
        return f"{local:%Y-%m}"
    year, week, _weekday = local.isocalendar()
    return f"{year}-W{week:02d}"


def crm_report_gets_refresh(since_by_user: Mapping[int, dt.datetime]) -> int:
    """Record the CRM-report gets of these people's new report views; return deliveries added."""
    roles = dict(Membership.objects.filter(user_id__in=since_by_user).values_list("user_id", "role_id"))
    contracts: dict[int, list[GiveGetContract]] = defaultdict(list)
    for contract in GiveGetContract.objects.filter(
        role_id__in=set(roles.values()), get_kind=DeliveryKind.CRM_REPORT, is_active=True,
    ).exclude(get_crm_report=""):
        contracts[contract.role_id].append(contract)
    people = [user_id for user_id, role_id in roles.items() if contracts.get(role_id)]
    if not people:
        return 0
    earliest = min(since_by_user[user_id] for user_id in people)
    views = UsageEvent.objects.filter(user_id__in=people, kind=EventKind.REPORT_VIEWED, occurred_at__gte=earliest)
    new: list[Delivery] = []
    for event_id, user_id, occurred_at, metadata in views.values_list("pk", "user_id", "occurred_at", "metadata"):
        if occurred_at < since_by_user[user_id]:
            continue
        names = _names_in(metadata)
        for contract in contracts[roles[user_id]]:
            if contract.get_crm_report.casefold() not in names:
                continue
            new.append(Delivery(
                user_id=user_id, kind=DeliveryKind.CRM_REPORT, contract=contract,
                value_minutes=contract.get_minutes_saved, delivered_at=occurred_at, consumed_at=occurred_at,
                idempotency_key=f"crm-report:{contract.pk}:{user_id}:{_period_key(contract, event_id, occurred_at)}",
                metadata={"report": contract.get_crm_report, "event_id": event_id},
            ))
    # The earliest view of a period wins: later ones share its key and are ignored.
    new.sort(key=lambda d: d.delivered_at)
    before = Delivery.objects.filter(kind=DeliveryKind.CRM_REPORT, user_id__in=people).count()
    Delivery.objects.bulk_create(new, ignore_conflicts=True)
    return Delivery.objects.filter(kind=DeliveryKind.CRM_REPORT, user_id__in=people).count() - before

