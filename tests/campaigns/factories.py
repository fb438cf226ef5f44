import datetime as dt
from decimal import Decimal

import factory

from apps.campaigns.models import Campaign
from tests.factories import OrganisationFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    starts_on = dt.date(2026, 9, 1)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=29))
    budget = Decimal("10000")
