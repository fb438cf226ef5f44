"""Factories for rollout phases and the stored figures their gates read."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from apps.core.periods import week_start
from apps.rollout.models import PhaseStatus, RolloutPhase
from apps.scoring.models import NetStatus, ScoreSnapshot
from tests.factories import OrganisationFactory


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RolloutPhase
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")
    order = factory.Sequence(lambda n: n + 1)
    planned_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(weeks=5))
    go_live_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(weeks=4))
    status = PhaseStatus.PLANNED
    min_net_beneficiary_pct = 70
    min_quickwin_on_time_pct = 80
    min_weeks_live = 2

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)


def snapshot(user, *, net: int, monday: dt.date | None = None, components: dict | None = None) -> ScoreSnapshot:
    """Store a snapshot whose rolling net minutes are `net` (positive: a net beneficiary)."""
    give, get = (Decimal(20), Decimal(20 + net)) if net > 0 else (Decimal(20 - net), Decimal(20))
    return ScoreSnapshot.objects.create(
        user=user, period_start=monday or week_start(timezone.localdate()), give_minutes=give, get_minutes=get,
        rolling_give_minutes=give, rolling_get_minutes=get, net_minutes=get - give,
        nb_index=(get - give) / (get + give), score=Decimal(50),
        status=NetStatus.THRIVING if net > 0 else NetStatus.NET_LOSER,
        components=components if components is not None else {"give": [], "get": []}, computed_at=timezone.now(),
    )
