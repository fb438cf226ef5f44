"""Writing campaigns and deal attribution; each campaign logged and deal attributed lands in the usage log."""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Deal
from apps.campaigns.models import Campaign
from apps.givegets.models import Delivery, DeliveryKind
from apps.givegets.services import weekly_delivery_opened
from apps.usage.entries import entry_for_key, entry_record
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import (
    EventInput,
    trusted_entry_seconds,
    usage_events_record_many,
)


def _validate(campaign: Campaign) -> None:
    """Raise field errors for the campaign's rules, so a form can show each beside its field."""
    errors: dict[str, str] = {}
    if campaign.ends_on is not None and campaign.starts_on is not None and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    if campaign.budget is not None and campaign.budget < 0:
        errors["budget"] = _("The budget cannot be negative.")
    duplicate = Campaign.objects.filter(organisation_id=campaign.organisation_id, name__iexact=campaign.name.strip())
    if campaign.pk is not None:
        duplicate = duplicate.exclude(pk=campaign.pk)
    if duplicate.exists():
        errors["name"] = _("A campaign with this name already exists.")
    if errors:
        raise ValidationError(errors)
    campaign.full_clean(exclude=["usage_event"])


@transaction.atomic
def campaign_create(
    *,
    organisation_id: int,
    owner_id: int,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    budget: Decimal = Decimal("0"),
    entry_seconds: int | None = None,
    source: str = EventSource.APP,
    idempotency_key: str | None = None,
) -> tuple[Campaign, bool]:
    """Create a campaign and its usage event in one transaction; return (campaign, created)."""
    key = idempotency_key or f"campaign:{uuid.uuid4()}"
    if (earlier := entry_for_key(model=Campaign, source=source, idempotency_key=key)) is not None:
        return earlier, False
    entry_seconds = trusted_entry_seconds(entry_seconds)
    campaign = Campaign(
        organisation_id=organisation_id, owner_id=owner_id, name=name.strip(), starts_on=starts_on,
        ends_on=ends_on, budget=budget,
    )
    _validate(campaign)
    entry_record(
        entry=campaign, user_id=owner_id, kind=EventKind.CAMPAIGN_LOGGED, occurred_at=timezone.now(),
        source=source, idempotency_key=key, duration_seconds=entry_seconds, metadata={"name": campaign.name},
    )
    return campaign, True


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, name: str, starts_on: dt.date, ends_on: dt.date | None, budget: Decimal
) -> Campaign:
    """Change a campaign's name, dates and budget; all or nothing."""
    campaign.name = name.strip()
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.budget = budget
    _validate(campaign)
    campaign.save(update_fields=["name", "starts_on", "ends_on", "budget"])
    return campaign


def _organisation_deal_ids(campaign: Campaign, deal_ids: Iterable[int]) -> set[int]:
    """Return the ids unchanged; raise when any is not a deal of the campaign's organisation."""
    wanted = set(deal_ids)
    in_organisation = Deal.objects.filter(pk__in=wanted, account__organisation_id=campaign.organisation_id)
    found = set(in_organisation.values_list("pk", flat=True))
    if found != wanted:
        raise ValidationError({"deals": _("Some of those deals belong to another organisation or no longer exist.")})
    return wanted


@transaction.atomic
def campaign_attribute_deals(
    *, campaign: Campaign, deal_ids: Iterable[int], actor_id: int, at: dt.datetime | None = None
) -> int:
    """Attribute deals to the campaign; return how many were newly attributed.

    One DEAL_ATTRIBUTED event per newly attributed deal, keyed by deal and campaign, so running
    this twice (or re-attributing a deal that was moved away and back) records nothing new.
    """
    wanted = _organisation_deal_ids(campaign, deal_ids)
    new_ids = sorted(
        Deal.objects.filter(pk__in=wanted).exclude(campaign_id=campaign.pk).values_list("pk", flat=True)
    )
    if not new_ids:
        return 0
    Deal.objects.filter(pk__in=new_ids).update(campaign=campaign)
    moment = at or timezone.now()
    usage_events_record_many(events=[
        EventInput(
            user_id=actor_id, kind=EventKind.DEAL_ATTRIBUTED, occurred_at=moment, source=EventSource.APP,
            idempotency_key=f"attribution:{deal_id}:{campaign.pk}",
            metadata={"deal_id": deal_id, "campaign_id": campaign.pk},
        )
        for deal_id in new_ids
    ])
    return len(new_ids)


@transaction.atomic
def campaign_detach_deals(*, campaign: Campaign, deal_ids: Iterable[int]) -> int:
    """Remove the campaign from these deals (a correction); return how many were detached."""
    return Deal.objects.filter(pk__in=set(deal_ids), campaign=campaign).update(campaign=None)


@dataclass(frozen=True)
class AttributionChange:
    attributed: int
    detached: int


@transaction.atomic
def campaign_set_deals(
    *, campaign: Campaign, listed_ids: Iterable[int], chosen_ids: Iterable[int], actor_id: int
) -> AttributionChange:
    """Make the chosen deals of those listed belong to the campaign and the unchosen ones not."""
    listed = set(listed_ids)
    chosen = set(chosen_ids)
    if not chosen <= listed:
        raise ValidationError({"deals": _("Pick deals from the list shown.")})
    attributed = campaign_attribute_deals(campaign=campaign, deal_ids=chosen, actor_id=actor_id)
    detached = campaign_detach_deals(campaign=campaign, deal_ids=listed - chosen)
    return AttributionChange(attributed=attributed, detached=detached)


def campaign_report_deliver(*, user_id: int, at: dt.datetime | None = None) -> Delivery:
    """Deliver the closed-loop campaign report, consumed as it is opened; once per person per week."""
    return weekly_delivery_opened(user_id=user_id, kind=DeliveryKind.CAMPAIGN_REPORT, at=at)
