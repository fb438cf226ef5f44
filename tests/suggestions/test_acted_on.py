"""An accepted suggestion is a get only once acted on (DESIGN.md, Net Beneficiary version 2)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import translation

from apps.activities.services import activity_log
from apps.core.periods import week_start
from apps.givegets.models import Delivery
from apps.scoring import explain, services
from apps.scoring.models import NetStatus
from apps.suggestions import services as suggestion_services
from apps.suggestions.acted_on import ACT_ON_WINDOW
from apps.suggestions.models import Suggestion
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db

MONDAY = week_start(dt.date(2026, 11, 16))


def at(days: int, hour: int = 10) -> dt.datetime:
    return factories.aware(MONDAY + dt.timedelta(days=days), hour)


def _accepted(world: World) -> tuple[Suggestion, factories.Deal]:
    """Rita logs a meeting on Monday (2 min), is suggested the next step and accepts it on Tuesday."""
    account = factories.AccountFactory(organisation=world.org)
    deal = factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1])
    activity, _ = activity_log(
        owner_id=world.rita.pk, type="meeting", account=account, deal=deal, summary="kick-off",
        occurred_at=at(0), entry_seconds=120,
    )
    [suggestion] = suggestion_services.suggestions_after_activity(activity=activity)
    suggestion_services.suggestion_decide(suggestion=suggestion, accept=True, at=at(1))
    return suggestion, deal


def _log(world: World, deal: factories.Deal, when: dt.datetime) -> None:
    activity, _ = activity_log(
        owner_id=world.rita.pk, type="call", account=deal.account, deal=deal, summary="did it",
        occurred_at=when, entry_seconds=60,
    )
    suggestion_services.suggestions_after_activity(activity=activity)


def test_accepted_but_not_done_counts_nothing_and_is_said_so(world: World) -> None:
    suggestion, _deal = _accepted(world)

    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at is None
    [snapshot] = services.scores_compute(user_ids=[world.rita.pk], mondays=[MONDAY])
    # Gave 2 min (the meeting), got nothing: the accepted suggestion is not yet a get.
    assert snapshot.rolling_get_minutes == D("0.00")
    assert snapshot.components["accepted_pending"] == 1
    assert snapshot.status == NetStatus.NET_LOSER
    with translation.override("en"):
        text = " ".join(explain.explain(snapshot))
    assert "1 suggestion accepted, not yet done" in text


def test_logging_on_the_deal_within_the_window_makes_it_a_get(world: World) -> None:
    suggestion, deal = _accepted(world)

    _log(world, deal, at(3))

    delivery = Delivery.objects.get(pk=suggestion.delivery_id)
    assert delivery.consumed_at == at(3)
    [snapshot] = services.scores_compute(user_ids=[world.rita.pk], mondays=[MONDAY])
    assert snapshot.rolling_get_minutes == D("5.00")  # the sales rep role's minutes per suggestion acted on
    assert snapshot.rolling_give_minutes == D("3.00")  # 2 min meeting + 1 min call
    assert snapshot.components["accepted_pending"] == 0


def test_logging_on_another_deal_or_after_the_window_does_not_count(world: World) -> None:
    suggestion, deal = _accepted(world)
    other = factories.DealFactory(account=deal.account, owner=world.rita, stage=world.stages[1], name="Other")

    _log(world, other, at(2))
    _log(world, deal, at(1) + ACT_ON_WINDOW + dt.timedelta(minutes=1))

    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at is None


def test_the_activity_that_prompted_the_suggestion_does_not_carry_it_out(world: World) -> None:
    suggestion, deal = _accepted(world)

    # Logged before the acceptance (backdated to Monday): not acting on it.
    _log(world, deal, at(0, hour=11))

    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at is None


def test_acting_on_it_once_counts_once(world: World) -> None:
    suggestion, deal = _accepted(world)

    _log(world, deal, at(2))
    _log(world, deal, at(3))

    assert Delivery.objects.get(pk=suggestion.delivery_id).consumed_at == at(2)
