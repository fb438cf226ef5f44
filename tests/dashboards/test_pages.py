"""Dashboards render their figures, in English and Danish."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.core.periods import week_start
from apps.scoring.services import scores_compute
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world: World) -> World:
    factories.UsageEventFactory(user=world.rita, duration_seconds=600)
    factories.DeliveryFactory(user=world.rita, value_minutes=60)
    factories.UsageEventFactory(user=world.ronja, duration_seconds=900)
    scores_compute(user_ids=[world.rita.pk, world.ronja.pk], mondays=[week_start(timezone.localdate())])
    return world


def test_rep_dashboard_shows_score_with_its_explanation(scored: World) -> None:
    body = scored.client_for(scored.rita).get("/me/").content.decode()
    assert "you gave 10 min logging 1 entry" in body
    assert "You got back 60 min" in body
    assert "Thriving" in body
    assert "<svg" in body  # the 8-week trend chart


def test_rep_dashboard_in_danish(scored: World) -> None:
    body = scored.client_for(scored.rita).get("/me/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Er CRM det værd for dig?" in body
    assert "De seneste 4 uger gav du 10 min" in body


def test_manager_sees_only_own_team_with_stalls(scored: World) -> None:
    stage = scored.stages[0]
    account = factories.AccountFactory(organisation=scored.org)
    long_ago = timezone.now() - dt.timedelta(days=40)
    for _ in range(2):
        factories.DealFactory(account=account, owner=scored.rita, stage=stage, stage_entered_at=long_ago)
    body = scored.client_for(scored.mads).get("/team/").content.decode()
    assert "Rita Test" in body
    assert "Ronja" not in body
    assert "Net loser" not in body or "Ronja" not in body


def test_lead_dashboard_shows_aggregates_only(scored: World) -> None:
    body = scored.client_for(scored.lene).get("/lead/").content.decode()
    assert "Rollout: does each portion work?" in body
    assert "Rita" not in body


def test_lead_dashboard_counts_last_weeks_stored_contract_statuses(world: World) -> None:
    from apps.givegets.models import ContractStatus, ContractStatusKind

    contract = factories.ContractFactory(role=world.roles["sales_rep"])
    last_monday = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    for person, status in ((world.rita, ContractStatusKind.BROKEN), (world.ronja, ContractStatusKind.HONOURED)):
        ContractStatus.objects.create(contract=contract, user=person, period_start=last_monday, status=status)
    ContractStatus.objects.create(contract=contract, user=world.rita, period_start=last_monday + dt.timedelta(weeks=1),
                                  status=ContractStatusKind.NOT_GIVING)

    response = world.client_for(world.lene).get("/lead/")

    [row] = response.context["contracts"]
    assert (row.honoured, row.broken, row.not_giving) == (1, 1, 0)
    assert row.honoured_pct == 50
