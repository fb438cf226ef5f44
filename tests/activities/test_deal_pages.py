"""The rep's own deals: open one on an account, move it through the stages (usage event, history)."""

import pytest
from django.test import Client

from apps.activities.models import Deal, DealStageChange
from apps.usage.models import UsageEvent
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db
URL = "/activities/deals/"


def test_a_rep_opens_a_deal_once_and_moves_it_with_its_history_and_usage(world: World) -> None:
    account = factories.AccountFactory(organisation=world.org, name="Fyns Fødevarer")
    client = world.client_for(world.rita)
    form = {"account": account.pk, "name": "Pilot, 20 seats", "amount": "48000", "stage": world.stages[0].pk,
            "form_token": "t1"}
    assert client.post(URL, form).status_code == 302
    assert client.post(URL, form).status_code == 302  # sent twice: one deal
    deal = Deal.objects.get(owner=world.rita)
    assert (deal.account, deal.stage, str(deal.amount)) == (account, world.stages[0], "48000.00")
    assert UsageEvent.objects.filter(user=world.rita, kind="deal_created").count() == 1
    assert "Pilot, 20 seats" in client.get(URL).content.decode()

    assert client.post(f"{URL}{deal.pk}/stage/", {"stage": world.stages[1].pk}).status_code == 302
    deal.refresh_from_db()
    assert deal.stage == world.stages[1]
    change = DealStageChange.objects.get(deal=deal)
    assert (change.from_stage_id, change.to_stage_id, change.changed_by_id) == (
        world.stages[0].pk, world.stages[1].pk, world.rita.pk)
    assert UsageEvent.objects.filter(user=world.rita, kind="deal_stage_changed").count() == 1


def test_a_new_deal_needs_an_account_of_the_organisation_and_an_open_stage(world: World) -> None:
    other = factories.AccountFactory(organisation=factories.OrganisationFactory(name="Other"))
    client = world.client_for(world.rita)
    page = client.post(URL, {"account": other.pk, "name": "X", "stage": world.stages[0].pk, "form_token": "t"})
    assert page.status_code == 200
    assert 'value="X"' in page.content.decode()  # nothing typed is lost
    won = world.stages[-1]
    account = factories.AccountFactory(organisation=world.org)
    assert client.post(URL, {"account": account.pk, "name": "Y", "stage": won.pk, "form_token": "u"}).status_code == 200
    assert not Deal.objects.exists()


@pytest.mark.parametrize("who", ["ronja", "mads", "lene"])
def test_only_the_owner_moves_a_deal(world: World, who: str) -> None:
    deal = factories.DealFactory(owner=world.rita, stage=world.stages[0],
                                 account=factories.AccountFactory(organisation=world.org))
    response = world.client_for(getattr(world, who)).post(f"{URL}{deal.pk}/stage/", {"stage": world.stages[1].pk})
    assert response.status_code == 404
    deal.refresh_from_db()
    assert deal.stage == world.stages[0]


def test_the_deal_pages_need_a_login(world: World) -> None:
    assert Client().get(URL).status_code == 302
    assert Client().post(f"{URL}1/stage/", {"stage": 1}).status_code == 302
