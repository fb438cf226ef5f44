"""The demo campaigns claim deals engaged while they ran, without inventing extra give."""

import datetime as dt
import random

from django.utils import timezone

from apps.activities.models import Deal
from apps.campaigns.demo import CAMPAIGNS, seed_demo
from apps.campaigns.models import Campaign
from apps.demo.seed import DemoContext
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories


def test_seed_demo_creates_the_marketers_campaigns_and_attributes_deals_of_the_organisation(world):
    for username, *_rest in CAMPAIGNS:
        marketer = factories.UserFactory(username=username)
        factories.MembershipFactory(user=marketer, role=world.roles["marketer"], organisation=world.org)
        factories.UsageEventFactory(user=marketer, kind=EventKind.CAMPAIGN_LOGGED)
    today = timezone.localdate()
    account = factories.AccountFactory(organisation=world.org)
    for days_ago in range(0, 84, 2):
        factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0],
                              engaged_on=today - dt.timedelta(days=days_ago))
    foreign = factories.DealFactory(engaged_on=today - dt.timedelta(days=20))
    events_before = UsageEvent.objects.count()
    seed_demo(DemoContext(organisation=world.org, today=today, rng=random.Random(3)))
    campaigns = list(Campaign.objects.filter(organisation=world.org))
    assert sorted(c.name for c in campaigns) == sorted(c[1] for c in CAMPAIGNS)
    assert all(c.usage_event is not None and c.usage_event.user_id == c.owner_id for c in campaigns)
    assert Deal.objects.filter(campaign__isnull=False).count() > 0
    foreign.refresh_from_db()
    assert foreign.campaign_id is None
    for deal in Deal.objects.filter(campaign__isnull=False).select_related("campaign"):
        assert deal.campaign.starts_on <= deal.engaged_on
    assert UsageEvent.objects.count() == events_before
