"""The account list and one account's timeline across roles."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.activities.models import Activity, ActivityType, DealStageChange
from apps.service.models import CaseStatus
from apps.service.selectors import account_resolve, account_timeline, accounts_search
from tests import factories
from tests.campaigns.factories import CampaignFactory
from tests.factories import aware
from tests.service.factories import CaseFactory


def _history(world, account, deals: int = 1):
    """Give `account` an activity by rita, a deal with a stage move and a campaign, and a case by sam."""
    campaign = CampaignFactory(organisation=world.org, name="Webinar", starts_on=dt.date(2026, 10, 1), owner=world.maja)
    for n in range(deals):
        deal = factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1], name=f"Pilot {n}",
                                     engaged_on=dt.date(2026, 10, 5), amount=Decimal("1000"), campaign=campaign)
        DealStageChange.objects.create(deal=deal, from_stage=world.stages[0], to_stage=world.stages[1],
                                       changed_at=aware(dt.date(2026, 10, 8)), changed_by=world.rita)
        Activity.objects.create(owner=world.rita, type=ActivityType.MEETING, account=account, deal=deal,
                                summary=f"Demo went well {n}", occurred_at=aware(dt.date(2026, 10, 10)))
        CaseFactory(account=account, opened_by=world.sam, subject=f"Invoice wrong {n}",
                    opened_at=aware(dt.date(2026, 10, 12)))
    return campaign


def test_timeline_holds_every_role_s_entries_newest_first(world):
    account = factories.AccountFactory(organisation=world.org)
    _history(world, account)
    timeline = account_timeline(account=account)
    assert [e.kind for e in timeline.entries] == ["case", "activity", "stage_change", "deal_opened", "campaign"]
    assert [e.who for e in timeline.entries][:2] == ["Sam Test", "Rita Test"]
    assert timeline.entries[4].title == "Webinar"
    assert timeline.entries[4].detail == "Pilot 0"
    assert [c.name for c in timeline.campaigns] == ["Webinar"]
    assert len(timeline.open_cases) == 1
    assert timeline.open_pipeline == Decimal("1000")
    assert timeline.people == ["Maja Test", "Rita Test", "Sam Test"]


def test_timeline_leaves_out_other_accounts(world):
    account = factories.AccountFactory(organisation=world.org)
    other = factories.AccountFactory(organisation=world.org)
    _history(world, other)
    assert account_timeline(account=account).entries == []


@pytest.mark.parametrize("deals", [1, 6])
def test_timeline_costs_six_queries_however_long_the_history(world, deals, django_assert_num_queries):
    account = factories.AccountFactory(organisation=world.org)
    _history(world, account, deals=deals)
    with django_assert_num_queries(6):
        timeline = account_timeline(account=account)
        # Reading every name shown must not trigger further queries.
        _ = [(e.who, e.title, e.detail, getattr(e.obj, "deal", None)) for e in timeline.entries]
    assert len(timeline.entries) == 4 * deals + 1


def test_accounts_search_annotates_open_cases_and_last_touch(world, django_assert_max_num_queries):
    bryghus = factories.AccountFactory(organisation=world.org, name="Bornholm Bryghus")
    factories.AccountFactory(organisation=world.org, name="Aarhus Maskinfabrik")
    factories.AccountFactory(name="Bornholm Elsewhere")  # another organisation
    CaseFactory(account=bryghus, opened_by=world.sam, opened_at=aware(dt.date(2026, 10, 1)))
    CaseFactory(account=bryghus, opened_by=world.sam, status=CaseStatus.SOLVED,
                solved_at=aware(dt.date(2026, 10, 3)), opened_at=aware(dt.date(2026, 10, 2)))
    Activity.objects.create(owner=world.rita, type=ActivityType.CALL, account=bryghus, summary="x",
                            occurred_at=aware(dt.date(2026, 10, 5)))
    with django_assert_max_num_queries(1):
        found = list(accounts_search(organisation_id=world.org.pk, query="bornholm"))
    assert [a.name for a in found] == ["Bornholm Bryghus"]
    assert found[0].open_cases == 1
    assert found[0].last_case_at == aware(dt.date(2026, 10, 2))
    assert found[0].last_activity_at == aware(dt.date(2026, 10, 5))


def test_account_resolve_takes_an_exact_name_or_the_only_partial_match(world):
    factories.AccountFactory(organisation=world.org, name="Nyborg Glas")
    factories.AccountFactory(organisation=world.org, name="Nyborg Glasværk")
    factories.AccountFactory(organisation=world.org, name="Skive Staal")
    assert account_resolve(organisation_id=world.org.pk, text="nyborg glas")[0].name == "Nyborg Glas"
    assert account_resolve(organisation_id=world.org.pk, text="skive")[0].name == "Skive Staal"
    assert account_resolve(organisation_id=world.org.pk, text="nyborg") == (None, ["Nyborg Glas", "Nyborg Glasværk"])
    assert account_resolve(organisation_id=world.org.pk, text="Atlantis") == (None, [])


def test_timeline_totals_count_every_deal_beyond_the_entries_shown(world, monkeypatch):
    from decimal import Decimal

    from apps.service import selectors

    account = factories.AccountFactory(organisation=world.org)
    won = world.stages[-1]
    for _ in range(3):
        factories.DealFactory(account=account, owner=world.rita, stage=won, amount=Decimal("100"))
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[0], amount=Decimal("40"))
    monkeypatch.setattr(selectors, "TIMELINE_LIMIT_PER_KIND", 1)

    timeline = selectors.account_timeline(account=account)

    assert timeline.won_revenue == Decimal("300")
    assert timeline.open_pipeline == Decimal("40")
