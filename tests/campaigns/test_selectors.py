"""Report figures equal a direct calculation from the deal rows."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from apps.activities.models import Deal
from apps.campaigns.selectors import (
    attributable_deals,
    campaign_report,
    campaigns_overview,
    campaigns_with_deal_counts,
)
from tests import factories
from tests.campaigns.factories import CampaignFactory


@pytest.fixture
def stages(world):
    lost = factories.StageFactory(organisation=world.org, name="Lost", order=91, is_lost=True)
    return {"open": world.stages[:3], "won": world.stages[3], "lost": lost}


@pytest.fixture
def campaigns(world, stages):
    """Two campaigns and an unattributed deal, with random amounts spread over every stage."""
    rng = random.Random(7)
    account = factories.AccountFactory(organisation=world.org)
    made = [CampaignFactory(organisation=world.org, name=n, budget=Decimal(b)) for n, b in (("A", "20000"), ("B", "0"))]
    every_stage = [*stages["open"], stages["won"], stages["lost"]]
    for campaign in [*made, None]:
        for _ in range(9):
            factories.DealFactory(account=account, owner=world.rita, stage=rng.choice(every_stage), campaign=campaign,
                                  amount=Decimal(rng.randrange(1, 90) * 1000))
    return made


def _direct(deals):
    """Compute the figures the plain way, deal by deal."""
    won = [d.amount for d in deals if d.stage.is_won]
    lost = [d.amount for d in deals if d.stage.is_lost]
    open_ = [d for d in deals if not d.stage.is_closed]
    return {
        "deals": len(deals),
        "pipeline": sum((d.amount for d in open_), Decimal("0")),
        "won": sum(won, Decimal("0")),
        "lost": sum(lost, Decimal("0")),
        "won_n": len(won),
        "lost_n": len(lost),
        "by_stage": {s: sum((d.amount for d in open_ if d.stage.name == s), Decimal("0"))
                     for s in ("Lead", "Meeting", "Proposal")},
    }


def _check(figures, deals, budget):
    direct = _direct(deals)
    assert figures.deals == direct["deals"]
    assert figures.pipeline_amount == direct["pipeline"]
    assert {s.name: s.amount for s in figures.pipeline} == direct["by_stage"]
    assert (figures.won_revenue, figures.lost_amount) == (direct["won"], direct["lost"])
    closed = direct["won_n"] + direct["lost_n"]
    expected_rate = (Decimal(direct["won_n"]) * 100 / closed).quantize(Decimal("0.1")) if closed else None
    assert figures.win_rate == expected_rate
    expected_roi = ((direct["won"] - budget) * 100 / budget).quantize(Decimal("0.1")) if budget else None
    assert figures.roi == expected_roi


def test_campaign_report_equals_the_direct_calculation(world, campaigns, django_assert_max_num_queries):
    for campaign in campaigns:
        with django_assert_max_num_queries(2):
            figures = campaign_report(campaign=campaign)
        _check(figures, list(Deal.objects.filter(campaign=campaign).select_related("stage")), campaign.budget)


def test_overview_equals_the_direct_calculation_per_campaign_and_in_total(world, campaigns,
                                                                           django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        overview = campaigns_overview(organisation_id=world.org.pk)
    assert {c.name for c, _f in overview.campaigns} == {"A", "B"}
    for campaign, figures in overview.campaigns:
        _check(figures, list(Deal.objects.filter(campaign=campaign).select_related("stage")), campaign.budget)
    attributed = list(Deal.objects.filter(campaign__isnull=False).select_related("stage"))
    _check(overview.total, attributed, Decimal("20000"))


def test_overview_leaves_out_other_organisations(world, campaigns):
    CampaignFactory(name="Elsewhere")
    assert "Elsewhere" not in {c.name for c, _f in campaigns_overview(organisation_id=world.org.pk).campaigns}


def test_attributable_deals_are_the_organisation_s_and_filter_by_deal_or_account(world):
    account = factories.AccountFactory(organisation=world.org, name="Skive Staal")
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], name="Pilot",
                          engaged_on=dt.date(2026, 10, 1))
    factories.DealFactory(account=factories.AccountFactory(organisation=world.org, name="Nyborg Glas"),
                          owner=world.rita, stage=world.stages[0], name="Renewal")
    factories.DealFactory(name="Foreign pilot")
    assert {d.name for d in attributable_deals(organisation_id=world.org.pk)} == {"Pilot", "Renewal"}
    assert [d.name for d in attributable_deals(organisation_id=world.org.pk, query="skive")] == ["Pilot"]
    assert [d.name for d in attributable_deals(organisation_id=world.org.pk, query="renew")] == ["Renewal"]


def test_campaign_list_counts_each_campaigns_attributed_deals_in_one_query(world, campaigns,
                                                                         django_assert_max_num_queries):
    CampaignFactory(organisation=world.org, name="Empty")
    CampaignFactory(name="Another organisation's")
    with django_assert_max_num_queries(1):
        counts = {c.name: c.deal_count for c in campaigns_with_deal_counts(organisation_id=world.org.pk)}
    assert counts == {"A": 9, "B": 9, "Empty": 0}
