"""Opening a deal and moving its stage: one service each, a usage event each, no made-up durations."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.activities.models import DealStageChange
from apps.activities.services import StageMove, deal_create, deal_move_stage, deals_move_stage
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_rep_opens_a_deal_on_an_account_once_per_key(world: World) -> None:
    account = factories.AccountFactory(organisation=world.org, name="Acme")
    deal, created = deal_create(owner_id=world.rita.pk, account=account, name="  Pilot  ", stage=world.stages[0],
                                idempotency_key="form:1")
    again, created_again = deal_create(owner_id=world.rita.pk, account=account, name="Pilot",
                                       stage=world.stages[0], idempotency_key="form:1")
    assert (created, created_again, again.pk) == (True, False, deal.pk)
    assert (deal.name, deal.engaged_on, deal.stage_entered_at is not None) == ("Pilot", timezone.localdate(), True)
    event = UsageEvent.objects.get(kind=EventKind.DEAL_CREATED)
    assert (event.user_id, event.source, event.metadata["deal_id"]) == (world.rita.pk, EventSource.APP, deal.pk)
    with pytest.raises(ValidationError):
        deal_create(owner_id=world.rita.pk, account=account, name="Closed", stage=world.stages[3])


def test_a_move_from_a_stage_entered_at_an_unknown_moment_has_no_duration(world: World) -> None:
    deal = factories.DealFactory(account=None, owner=world.rita, stage=world.stages[0], stage_entered_at=None)
    deal_move_stage(deal=deal, to_stage=world.stages[1])
    change = DealStageChange.objects.get()
    assert change.seconds_in_from_stage is None  # not "now minus some default"
    deal.refresh_from_db()
    assert deal.stage_entered_at is not None  # entered Meeting now: from here on it is known
    deal_move_stage(deal=deal, to_stage=world.stages[1])  # the stage it is in: nothing happens
    assert DealStageChange.objects.count() == 1
    assert UsageEvent.objects.filter(kind=EventKind.DEAL_STAGE_CHANGED).count() == 1


def test_many_moves_are_one_batch_with_one_event_each(world: World, django_assert_max_num_queries) -> None:
    account = factories.AccountFactory(organisation=world.org)
    deals = [factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0],
                                   stage_entered_at=timezone.now() - dt.timedelta(days=2)) for _ in range(30)]
    for deal in deals:
        deal.stage  # noqa: B018 - loaded, as the importer loads them
    at = timezone.now()
    with django_assert_max_num_queries(12):
        changes = deals_move_stage(moves=[StageMove(deal=d, to_stage=world.stages[3], at=at) for d in deals],
                                   source=EventSource.IMPORT)
    assert len(changes) == 30
    assert all(abs(c.seconds_in_from_stage - 2 * 86400) < 5 for c in changes)
    assert UsageEvent.objects.filter(kind=EventKind.DEAL_STAGE_CHANGED, source=EventSource.IMPORT).count() == 30
    other = factories.StageFactory(organisation=factories.OrganisationFactory(), name="Elsewhere", order=1)
    with pytest.raises(ValidationError):
        deal_move_stage(deal=deals[0], to_stage=other)
