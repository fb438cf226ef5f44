"""Creating and editing campaigns, attributing deals, and the campaign-report get."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.activities.models import Deal
from apps.campaigns.models import Campaign
from apps.campaigns.services import (
    campaign_attribute_deals,
    campaign_create,
    campaign_report_deliver,
    campaign_set_deals,
    campaign_update,
)
from apps.givegets.models import Delivery, DeliveryKind
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from tests import factories
from tests.campaigns.factories import CampaignFactory
from tests.factories import aware


def _create(world, **overrides):
    values = {"organisation_id": world.org.pk, "owner_id": world.maja.pk, "name": "Webinar",
              "starts_on": dt.date(2026, 10, 1), "ends_on": dt.date(2026, 10, 31), "budget": Decimal("5000")}
    values.update(overrides)
    return campaign_create(**values)


def test_campaign_create_records_the_campaign_logged_event_once_per_key(world):
    campaign, created = _create(world, entry_seconds=75, idempotency_key="form:1")
    again, created_again = _create(world, entry_seconds=75, idempotency_key="form:1")
    assert created
    assert not created_again
    assert again.pk == campaign.pk
    event = UsageEvent.objects.get(kind=EventKind.CAMPAIGN_LOGGED)
    assert (event.user_id, event.duration_seconds, campaign.usage_event_id) == (world.maja.pk, 75, event.pk)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"ends_on": dt.date(2026, 9, 30)}, "ends_on"),
    ({"budget": Decimal("-1")}, "budget"),
    ({"name": "  webinar "}, "name"),
])
def test_campaign_create_rejects_broken_rules_per_field_and_saves_nothing(world, overrides, field):
    _create(world, name="Webinar")
    with pytest.raises(ValidationError) as caught:
        _create(world, **{"name": "Other", **overrides})
    assert field in caught.value.message_dict
    assert Campaign.objects.count() == 1
    assert UsageEvent.objects.filter(kind=EventKind.CAMPAIGN_LOGGED).count() == 1


def test_the_same_name_is_fine_in_another_organisation(world):
    CampaignFactory(name="Webinar")
    campaign, _ = _create(world, name="Webinar")
    assert campaign.pk


def test_campaign_update_changes_the_fields_or_nothing(world):
    campaign, _ = _create(world)
    campaign_update(campaign=campaign, name="Webinar II", starts_on=dt.date(2026, 10, 2), ends_on=None,
                    budget=Decimal("7000"))
    campaign.refresh_from_db()
    assert (campaign.name, campaign.ends_on, campaign.budget) == ("Webinar II", None, Decimal("7000"))
    with pytest.raises(ValidationError):
        campaign_update(campaign=campaign, name="Webinar III", starts_on=dt.date(2026, 10, 2),
                        ends_on=dt.date(2026, 10, 1), budget=Decimal("7000"))
    campaign.refresh_from_db()
    assert campaign.name == "Webinar II"


def test_attributing_records_one_event_per_newly_attributed_deal_and_is_idempotent(world):
    campaign = CampaignFactory(organisation=world.org)
    account = factories.AccountFactory(organisation=world.org)
    deals = [factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0]) for _ in range(3)]
    ids = [d.pk for d in deals]
    assert campaign_attribute_deals(campaign=campaign, deal_ids=ids[:2], actor_id=world.maja.pk) == 2
    assert campaign_attribute_deals(campaign=campaign, deal_ids=ids, actor_id=world.maja.pk) == 1
    assert campaign_attribute_deals(campaign=campaign, deal_ids=ids, actor_id=world.maja.pk) == 0
    events = UsageEvent.objects.filter(kind=EventKind.DEAL_ATTRIBUTED, user=world.maja)
    assert sorted(e.metadata["deal_id"] for e in events) == sorted(ids)
    assert set(Deal.objects.filter(campaign=campaign).values_list("pk", flat=True)) == set(ids)


def test_attributing_a_foreign_deal_changes_nothing(world):
    campaign = CampaignFactory(organisation=world.org)
    own = factories.DealFactory(account=factories.AccountFactory(organisation=world.org), owner=world.rita,
                                stage=world.stages[0])
    foreign = factories.DealFactory()
    with pytest.raises(ValidationError):
        campaign_attribute_deals(campaign=campaign, deal_ids=[own.pk, foreign.pk], actor_id=world.maja.pk)
    assert not Deal.objects.filter(campaign=campaign).exists()
    assert not UsageEvent.objects.filter(kind=EventKind.DEAL_ATTRIBUTED).exists()


def test_set_deals_attributes_the_ticked_and_detaches_the_unticked_listed_deals(world):
    campaign = CampaignFactory(organisation=world.org)
    other = CampaignFactory(organisation=world.org)
    account = factories.AccountFactory(organisation=world.org)
    kept, dropped, moved, unlisted = (
        factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], campaign=c)
        for c in (campaign, campaign, other, campaign)
    )
    change = campaign_set_deals(campaign=campaign, listed_ids=[kept.pk, dropped.pk, moved.pk],
                                chosen_ids=[kept.pk, moved.pk], actor_id=world.maja.pk)
    assert (change.attributed, change.detached) == (1, 1)
    assert set(Deal.objects.filter(campaign=campaign).values_list("pk", flat=True)) == {kept.pk, moved.pk, unlisted.pk}
    with pytest.raises(ValidationError):
        campaign_set_deals(campaign=campaign, listed_ids=[kept.pk], chosen_ids=[dropped.pk], actor_id=world.maja.pk)


def test_campaign_report_get_is_delivered_and_consumed_once_per_person_per_week(world):
    factories.ContractFactory(role=world.roles["marketer"], give_kind=EventKind.DEAL_ATTRIBUTED,
                              get_kind=DeliveryKind.CAMPAIGN_REPORT, get_minutes_saved=Decimal("45"))
    monday, friday = aware(dt.date(2026, 11, 16)), aware(dt.date(2026, 11, 20))
    first = campaign_report_deliver(user_id=world.maja.pk, at=monday)
    same_week = campaign_report_deliver(user_id=world.maja.pk, at=friday)
    next_week = campaign_report_deliver(user_id=world.maja.pk, at=aware(dt.date(2026, 11, 23)))
    assert first.pk == same_week.pk != next_week.pk
    assert (first.consumed_at, first.value_minutes) == (monday, Decimal("45"))
    assert Delivery.objects.filter(kind=DeliveryKind.CAMPAIGN_REPORT).count() == 2
