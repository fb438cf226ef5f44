"""Reading Give-Get contracts and whether they are honoured."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q

from apps.givegets.models import Delivery, GiveGetContract
from apps.usage.models import UsageEvent

User = get_user_model()


@dataclass(frozen=True)
class ContractHonour:
    contract: GiveGetContract
    people: int
    honoured: int
    broken: int
    not_giving: int

    @property
    def honoured_pct(self) -> float | None:
        givers = self.honoured + self.broken
        return 100 * self.honoured / givers if givers else None


def contract_honour(*, contract: GiveGetContract, start: dt.datetime, end: dt.datetime) -> ContractHonour:
    """Classify the role's people for [start, end): honoured, broken by us, or not giving."""
    gave = UsageEvent.objects.filter(
        user_id=OuterRef("pk"), kind=contract.give_kind, occurred_at__gte=start, occurred_at__lt=end
    )
    got = Delivery.objects.filter(
        user_id=OuterRef("pk"), kind=contract.get_kind, consumed_at__gte=start, consumed_at__lt=end
    )
    counts = (
        User.objects.filter(memberships__role_id=contract.role_id)
        .annotate(gave=Exists(gave), got=Exists(got))
        .aggregate(
            people=Count("pk"),
            honoured=Count("pk", filter=Q(gave=True, got=True)),
            broken=Count("pk", filter=Q(gave=True, got=False)),
            not_giving=Count("pk", filter=Q(gave=False)),
        )
    )
    return ContractHonour(contract=contract, **counts)


def contracts_honour(*, organisation_id: int, start: dt.datetime, end: dt.datetime) -> list[ContractHonour]:
    """Return every active contract of the organisation with its honour counts, broken first."""
    contracts = GiveGetContract.objects.filter(role__organisation_id=organisation_id, is_active=True).select_related(
        "role"
    )
    rows = [contract_honour(contract=c, start=start, end=end) for c in contracts]
    return sorted(rows, key=lambda r: (-r.broken, r.contract.role.name))
