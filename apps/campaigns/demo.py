"""Demo campaigns by the marketers, with the demo deals they brought in attributed to them."""

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from apps.activities.models import Deal
from apps.campaigns.models import Campaign
from apps.core.periods import week_start
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext

User = get_user_model()
# (owner, name, starts weeks ago, runs weeks or None while ongoing, budget)
CAMPAIGNS: list[tuple[str, str, int, int | None, Decimal]] = [
    ("nanna", "Spring webinar series", 12, 3, Decimal("150000")),
    ("emil", "Trade fair Herning", 9, 1, Decimal("400000")),
    ("signe", "LinkedIn retargeting", 7, 4, Decimal("120000")),
    ("victor", "Customer referral programme", 8, None, Decimal("60000")),
]
# Deals engaged this long after a campaign ended can still be its doing (a slow reply).
ATTRIBUTION_TAIL = dt.timedelta(days=14)
ATTRIBUTED_SHARE = 0.4


def seed_demo(ctx: "DemoContext") -> None:
    """Create the marketers' campaigns and attribute about half the deals engaged while each ran."""
    owners = {u.username: u for u in User.objects.filter(
        username__in=[c[0] for c in CAMPAIGNS], memberships__organisation=ctx.organisation)}
    logged_events = UsageEvent.objects.filter(
        user__in=owners.values(), kind=EventKind.CAMPAIGN_LOGGED, campaign__isnull=True
    ).order_by("occurred_at", "pk")
    first_event_of: dict[int, UsageEvent] = {}
    for event in logged_events:
        first_event_of.setdefault(event.user_id, event)
    monday = week_start(ctx.today)
    deals = list(Deal.objects.filter(account__organisation=ctx.organisation, campaign__isnull=True).order_by("pk"))
    for username, name, weeks_ago, weeks, budget in CAMPAIGNS:
        owner = owners.get(username)
        starts_on = monday - dt.timedelta(weeks=weeks_ago)
        ends_on = starts_on + dt.timedelta(weeks=weeks, days=-1) if weeks is not None else None
        # The base seed wrote the marketers' campaign-logged events; link one rather than count it twice.
        campaign = Campaign.objects.create(
            organisation=ctx.organisation, name=name, owner=owner, starts_on=starts_on, ends_on=ends_on,
            budget=budget, usage_event=first_event_of.pop(owner.pk, None) if owner else None,
        )
        claimed = {
            d.pk for d in deals
            if d.campaign_id is None and d.engaged_on is not None
            and starts_on <= d.engaged_on <= (ends_on or ctx.today) + ATTRIBUTION_TAIL
            and ctx.rng.random() < ATTRIBUTED_SHARE
        }
        Deal.objects.filter(pk__in=claimed).update(campaign=campaign)
        for deal in deals:
            if deal.pk in claimed:
                deal.campaign_id = campaign.pk
