"""Campaign pages: who may open them, validation, attribution and the report get."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.activities.models import Deal
from apps.campaigns.models import Campaign
from apps.givegets.models import Delivery, DeliveryKind
from apps.roles.models import RoleKind
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.campaigns.factories import CampaignFactory
from tests.permissions import assert_pages, client_as, get


@pytest.fixture
def campaign(world):
    return CampaignFactory(organisation=world.org, name="Webinar", owner=world.maja)


@pytest.fixture
def outsider(db):
    """A marketer of another organisation."""
    role = factories.RoleFactory(kind=RoleKind.MARKETER)
    user = factories.UserFactory(username="otto")
    factories.MembershipFactory(user=user, role=role)
    return user


def _urls(campaign):
    return {
        "list": reverse("campaigns:list"),
        "create": reverse("campaigns:create"),
        "edit": reverse("campaigns:edit", args=[campaign.pk]),
        "attribute": reverse("campaigns:attribute", args=[campaign.pk]),
        "report": reverse("campaigns:report", args=[campaign.pk]),
        "overview": reverse("campaigns:overview"),
    }


ONLY_REPORTS = {"list": 403, "create": 403, "edit": 403, "attribute": 403, "report": 200, "overview": 200}
NOTHING = dict.fromkeys(ONLY_REPORTS, 403)
# Marketers keep campaigns; managers and the project lead read the aggregate reports; others see nothing.
MATRIX = {
    "maja": dict.fromkeys(ONLY_REPORTS, 200),
    "mads": ONLY_REPORTS,
    "lene": ONLY_REPORTS,
    "rita": NOTHING,
    "sam": NOTHING,
    "otto": {"list": 200, "create": 200, "edit": 404, "attribute": 404, "report": 404, "overview": 200},
}


@pytest.mark.parametrize("person", list(MATRIX))
def test_permission_matrix(world, campaign, outsider, person):
    client = client_as(world, person, extra_people={"otto": outsider})
    assert_pages(client, {name: get(url) for name, url in _urls(campaign).items()}, MATRIX[person])


@pytest.mark.parametrize("person", ["mads", "lene", "rita", "sam"])
def test_only_marketers_may_write(world, campaign, person):
    client = world.client_for(getattr(world, person))
    deal = factories.DealFactory(account=factories.AccountFactory(organisation=world.org), owner=world.rita,
                                 stage=world.stages[0])
    assert client.post(reverse("campaigns:create"), _campaign_post(name="Sneaky")).status_code == 403
    assert client.post(reverse("campaigns:edit", args=[campaign.pk]), _campaign_post(name="Renamed")).status_code == 403
    response = client.post(reverse("campaigns:attribute", args=[campaign.pk]), {"listed": [deal.pk], "deals": [deal.pk]})
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.name == "Webinar"
    assert not Deal.objects.filter(campaign=campaign).exists()
    assert Campaign.objects.count() == 1


def test_anonymous_people_are_sent_to_log_in(world, campaign):
    for url in _urls(campaign).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_navigation_shows_campaigns_to_marketers_and_results_to_managers(world, campaign):
    maja_page = world.client_for(world.maja).get(reverse("campaigns:list")).content.decode()
    mads_page = world.client_for(world.mads).get(reverse("campaigns:overview")).content.decode()
    assert 'href="/campaigns/"' in maja_page
    assert 'href="/campaigns/results/"' in mads_page
    assert 'href="/campaigns/"' not in mads_page


def _campaign_post(**overrides):
    data = {"name": "Trade fair", "starts_on": "2026-10-01", "ends_on": "2026-10-31", "budget": "25000",
            "form_token": str(uuid.uuid4()), "shown_at": ""}
    data.update(overrides)
    return data


def test_marketer_creates_a_campaign_and_lands_on_attribution(world):
    response = world.client_for(world.maja).post(reverse("campaigns:create"), _campaign_post())
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("campaigns:attribute", args=[campaign.pk])
    assert (campaign.organisation_id, campaign.owner_id, campaign.budget) == (world.org.pk, world.maja.pk,
                                                                            Decimal("25000"))
    assert UsageEvent.objects.filter(kind=EventKind.CAMPAIGN_LOGGED, user=world.maja).count() == 1


@pytest.mark.parametrize(("overrides", "message"), [
    ({"ends_on": "2026-09-01"}, "The campaign cannot end before it starts."),
    ({"budget": "-5"}, "The budget cannot be negative."),
    ({"name": "webinar"}, "A campaign with this name already exists."),
    ({"starts_on": "soon"}, "Enter a valid date."),
])
def test_bad_campaign_input_shows_the_error_keeps_the_input_and_saves_nothing(world, campaign, overrides, message):
    data = _campaign_post(**overrides)
    response = world.client_for(world.maja).post(reverse("campaigns:create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert f'value="{data["name"]}"' in body
    assert 'aria-invalid="true"' in body
    assert Campaign.objects.count() == 1
    assert not UsageEvent.objects.exclude(kind=EventKind.LOGIN).exists()  # the login is usage


def test_editing_keeps_the_typed_values_on_error_and_saves_on_success(world, campaign):
    client = world.client_for(world.maja)
    url = reverse("campaigns:edit", args=[campaign.pk])
    response = client.post(url, _campaign_post(name="Webinar 2", ends_on="2026-01-01"))
    assert 'value="Webinar 2"' in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.name == "Webinar"
    assert client.post(url, _campaign_post(name="Webinar 2")).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.ends_on) == ("Webinar 2", dt.date(2026, 10, 31))


def test_attribution_form_ticks_the_campaign_s_deals_and_saves_the_changes(world, campaign):
    account = factories.AccountFactory(organisation=world.org, name="Skive Staal")
    already = factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], campaign=campaign)
    fresh = factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0])
    client = world.client_for(world.maja)
    url = reverse("campaigns:attribute", args=[campaign.pk])
    assert client.get(url).context["chosen"] == {already.pk}
    response = client.post(url, {"listed": [already.pk, fresh.pk], "deals": [fresh.pk]})
    assert response["Location"] == reverse("campaigns:report", args=[campaign.pk])
    assert list(Deal.objects.filter(campaign=campaign)) == [fresh]
    assert UsageEvent.objects.filter(kind=EventKind.DEAL_ATTRIBUTED).count() == 1


def test_attributing_a_deal_of_another_organisation_is_refused_whole(world, campaign):
    own = factories.DealFactory(account=factories.AccountFactory(organisation=world.org), owner=world.rita,
                                stage=world.stages[0])
    foreign = factories.DealFactory()
    response = world.client_for(world.maja).post(reverse("campaigns:attribute", args=[campaign.pk]),
                                                 {"listed": [own.pk, foreign.pk], "deals": [own.pk, foreign.pk]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["chosen"] == {own.pk, foreign.pk}
    assert not Deal.objects.filter(campaign=campaign).exists()


def test_report_shows_the_figures_as_a_chart_and_a_table_and_delivers_the_get_once_a_week(world, campaign):
    account = factories.AccountFactory(organisation=world.org)
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1], amount=Decimal("4000"),
                          campaign=campaign)
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[3], amount=Decimal("9000"),
                          campaign=campaign)
    client = world.client_for(world.maja)
    response = client.get(reverse("campaigns:report", args=[campaign.pk]))
    body = response.content.decode()
    assert '<svg class="chart"' in body
    assert 'data-testid="pipeline-table"' in body
    assert response.context["figures"].won_revenue == Decimal("9000")
    assert response.context["figures"].pipeline_amount == Decimal("4000")
    client.get(reverse("campaigns:overview"))
    delivery = Delivery.objects.get()
    assert (delivery.user_id, delivery.kind) == (world.maja.pk, DeliveryKind.CAMPAIGN_REPORT)
    assert delivery.consumed_at is not None


def test_overview_lists_every_campaign_with_its_figures(world, campaign):
    CampaignFactory(organisation=world.org, name="Trade fair")
    response = world.client_for(world.lene).get(reverse("campaigns:overview"))
    body = response.content.decode()
    assert "Webinar" in body
    assert "Trade fair" in body
    assert body.count('<svg class="chart"') == 2


def test_report_reads_in_danish(world, campaign):
    response = world.client_for(world.mads).get(reverse("campaigns:report", args=[campaign.pk]),
                                                HTTP_ACCEPT_LANGUAGE="da")
    body = response.content.decode()
    assert "Vundet omsætning" in body
    assert "Åben pipeline fordelt på fase" in body


def test_campaign_form_reads_in_danish(world):
    response = world.client_for(world.maja).get(reverse("campaigns:create"), HTTP_ACCEPT_LANGUAGE="da")
    assert "Ny kampagne" in response.content.decode()
