"""The coaching figures equal an independent calculation straight from the deal rows."""

import datetime as dt
import statistics
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.activities.models import Deal, DealStageChange
from apps.coaching.selectors import team_coaching
from apps.core.periods import week_start
from apps.givegets.models import DeliveryKind
from apps.roles.models import RoleKind
from apps.scoring.models import NetStatus, ScoreSnapshot
from tests import factories
from tests.coaching.factories import random_histories


@pytest.fixture
def north_history(world):
    """Rita and a second North rep (rune) with random deal histories; ronja (South) too."""
    rune = factories.UserFactory(username="rune", first_name="Rune", last_name="Test")
    factories.MembershipFactory(user=rune, role=world.roles[RoleKind.SALES_REP], organisation=world.org)
    factories.TeamMemberFactory(team=world.north, user=rune)
    lost = factories.StageFactory(organisation=world.org, name="Lost", order=91, is_lost=True)
    account = factories.AccountFactory(organisation=world.org)
    open_stages, won = world.stages[:3], world.stages[3]
    common = {"account": account, "open_stages": open_stages, "won": won, "lost": lost}
    random_histories(owner=world.rita, deals=40, seed=1, **common)
    random_histories(owner=rune, deals=30, seed=2, forward_chance=0.5, slow_factor=3, **common)
    random_histories(owner=world.ronja, deals=20, seed=3, **common)  # another team: must not count
    return rune, lost


def independent_stage_figures(owner_ids, stage):
    """Return (exits, forward, conversion, avg days) for deals of these owners leaving `stage`."""
    exits = [c for c in DealStageChange.objects.select_related("to_stage").filter(deal__owner_id__in=owner_ids)
             if c.from_stage_id == stage.pk]
    forward = [c for c in exits if c.to_stage.is_won or (c.to_stage.order > stage.order and not c.to_stage.is_lost)]
    seconds = [c.seconds_in_from_stage for c in exits]
    return (len(exits), len(forward), len(forward) / len(exits), sum(seconds) / len(seconds) / 86400)


def independent_outcomes(owner_ids):
    deals = list(Deal.objects.select_related("stage").filter(owner_id__in=owner_ids))
    closed = [d for d in deals if d.stage.is_won or d.stage.is_lost]
    won = [d for d in deals if d.stage.is_won]
    return len(won) / len(closed), statistics.median((d.closed_on - d.engaged_on).days for d in won)


def test_stage_conversion_and_days_equal_a_calculation_from_the_rows(world, north_history):
    rune, _lost = north_history
    coaching = team_coaching(team=world.north)
    team_ids = [world.rita.pk, rune.pk, world.sam.pk]
    assert [r.user.username for r in coaching.reps] == ["rita", "rune", "sam"]  # by name, managers left out
    for stage in world.stages[:3]:
        for rep in (world.rita, rune):
            exits, forward, conversion, days = independent_stage_figures([rep.pk], stage)
            figures = coaching.rep(rep.pk).stages[stage.pk].rep
            assert (figures.exits, figures.forward) == (exits, forward)
            assert figures.conversion == pytest.approx(conversion)
            assert figures.avg_days == pytest.approx(days)
        exits, forward, conversion, days = independent_stage_figures(team_ids, stage)
        team = coaching.team_stages[stage.pk]
        assert (team.exits, team.forward) == (exits, forward)
        assert team.conversion == pytest.approx(conversion)
        assert team.avg_days == pytest.approx(days)


def test_backward_moves_and_losses_are_exits_but_not_forward(world, north_history):
    _rune, lost = north_history
    proposal, meeting = world.stages[2], world.stages[1]
    coaching = team_coaching(team=world.north)
    moves = DealStageChange.objects.filter(deal__owner=world.rita, from_stage=proposal)
    back_or_lost = moves.filter(to_stage__in=[meeting, lost]).count()
    assert back_or_lost > 0  # the random history exercises both
    figures = coaching.rep(world.rita.pk).stages[proposal.pk].rep
    assert figures.exits - figures.forward == back_or_lost


def test_win_rate_and_median_cycle_equal_a_calculation_from_the_rows(world, north_history):
    rune, _lost = north_history
    coaching = team_coaching(team=world.north)
    for rep in (world.rita, rune):
        win_rate, median_cycle = independent_outcomes([rep.pk])
        outcomes = coaching.rep(rep.pk).outcomes
        assert outcomes.win_rate == pytest.approx(win_rate)
        assert outcomes.median_cycle_days == pytest.approx(median_cycle)
    win_rate, median_cycle = independent_outcomes([world.rita.pk, rune.pk, world.sam.pk])
    assert coaching.team_outcomes.win_rate == pytest.approx(win_rate)
    assert coaching.team_outcomes.median_cycle_days == pytest.approx(median_cycle)


def test_slow_rep_gets_a_stage_topic(world, north_history):
    rune, _lost = north_history
    coaching = team_coaching(team=world.north)
    rune_row = coaching.rep(rune.pk)
    assert any(c.slow for c in rune_row.stages.values())  # three times slower on every stage
    assert rune_row.topic.startswith("Practise moving deals from")


def test_net_loser_reason_from_this_weeks_snapshot_and_deliveries(world):
    today = timezone.localdate()
    monday = week_start(today)
    ScoreSnapshot.objects.create(
        user=world.rita, period_start=monday, give_minutes=Decimal("40"), get_minutes=Decimal("0"),
        rolling_give_minutes=Decimal("160"), rolling_get_minutes=Decimal("20"), net_minutes=Decimal("-140"),
        nb_index=Decimal("-0.7778"), score=Decimal("11.11"), status=NetStatus.NET_LOSER,
        components={"give": [{"kind": "call_logged", "count": 70, "measured": 70, "minutes": "140.00"},
                             {"kind": "meeting_logged", "count": 4, "measured": 4, "minutes": "20.00"}],
                    "get": [{"kind": "next_action", "count": 4, "minutes": "20.00"}]},
        computed_at=timezone.now(),
    )
    for weeks_ago in range(3):
        factories.DeliveryFactory(
            user=world.rita, kind=DeliveryKind.WEEKLY_DIGEST, consumed_at=None,
            delivered_at=timezone.now() - dt.timedelta(weeks=weeks_ago),
        )
    # Older than the rolling four weeks: not part of the reason.
    factories.DeliveryFactory(user=world.rita, kind=DeliveryKind.WEEKLY_DIGEST, consumed_at=None,
                              delivered_at=timezone.now() - dt.timedelta(weeks=6))
    coaching = team_coaching(team=world.north)
    assert [r.user.username for r in coaching.net_losers] == ["rita"]
    rita = coaching.rep(world.rita.pk)
    assert rita.net_loser_reason == (
        "Gives 35 min/week logging calls, gets 5 min/week back: never opens the weekly digest (3 delivered)."
    )
    assert rita.topic.startswith("Show them the weekly report")


def test_unknown_time_in_stage_is_counted_as_unknown_never_as_a_number(world):
    """A move seen only in an import has no duration: it is an exit, and no stay length is made up."""
    from apps.activities.services import StageMove, deals_move_stage
    from apps.coaching.selectors import deal_figures

    account = factories.AccountFactory(organisation=world.org)
    lead, meeting = world.stages[0], world.stages[1]
    known = factories.DealFactory(account=account, owner=world.rita, stage=lead,
                                  stage_entered_at=timezone.now() - dt.timedelta(days=4))
    unknown = factories.DealFactory(account=None, owner=world.rita, stage=lead, stage_entered_at=None,
                                    engaged_on=None)
    deals_move_stage(moves=[StageMove(deal=known, to_stage=meeting, at=timezone.now())])
    deals_move_stage(moves=[StageMove(deal=unknown, to_stage=meeting, at=timezone.now(), at_is_known=False)])
    figures = deal_figures(organisation_id=world.org.pk, rep_ids=[world.rita.pk])
    tally = figures.grid[world.rita.pk][lead.pk].rep
    assert (tally.exits, tally.timed, tally.untimed) == (2, 1, 1)
    assert tally.avg_days == pytest.approx(4, abs=0.001)  # the known stay only, not (4 + ?) / 2
    outcomes = figures.outcomes_of(world.rita.pk)
    # Both are open in Meeting: one entered it now, the other at a moment nobody stated.
    assert (outcomes.open, len(outcomes.open_stage_days), outcomes.open_stage_unknown) == (2, 1, 1)
    assert outcomes.open_age_unknown == 1  # the deal without an engage date


def test_cycle_time_is_labelled_by_basis_and_deals_without_dates_are_unknown(world):
    from apps.coaching.selectors import deal_figures

    lost = factories.StageFactory(organisation=world.org, name="Lost", order=91, is_lost=True)
    won = world.stages[3]
    account = factories.AccountFactory(organisation=world.org)

    def closed(stage, engaged, days):
        closed_on = None if engaged is None else engaged + dt.timedelta(days=days)
        return factories.DealFactory(account=account, owner=world.rita, stage=stage, engaged_on=engaged,
                                     closed_on=closed_on)

    start = dt.date(2025, 1, 1)
    closed(won, start, 10)
    closed(won, start, 30)
    closed(lost, start, 2)
    closed(lost, start, 4)
    closed(won, None, 0)  # closed, dates unknown
    outcomes = deal_figures(organisation_id=world.org.pk, rep_ids=[world.rita.pk]).outcomes_of(world.rita.pk)
    assert (outcomes.won, outcomes.lost, outcomes.closed, outcomes.open) == (3, 2, 5, 0)
    assert outcomes.win_rate == pytest.approx(3 / 5)
    assert outcomes.median_cycle_days == 20  # won only: 10 and 30
    assert outcomes.median_closed_cycle_days == 7  # all closed: 2, 4, 10, 30
    assert (outcomes.cycle_unknown, outcomes.closed_cycle_unknown) == (1, 1)
