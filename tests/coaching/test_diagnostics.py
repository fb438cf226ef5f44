"""Pure coaching diagnostics: sample minimums, team pooling, net-loser sentences, topic rules."""

from decimal import Decimal

import pytest
from django.utils import translation

from apps.coaching.diagnostics import (
    MIN_STAGE_EXITS,
    CoachingSignals,
    DealOutcomes,
    MissedGet,
    StageComparison,
    StageTally,
    biggest_missed_get,
    coaching_topic,
    compare_stages,
    net_loser_reason,
    slowest_stage,
    team_outcomes,
    weakest_conversion_stage,
)

DAY = 86400


def tally(exits: int, forward: int, avg_days: float) -> StageTally:
    return StageTally(exits=exits, forward=forward, timed=exits, seconds=exits * avg_days * DAY)


def test_conversion_and_days_come_from_the_tally():
    t = StageTally(exits=8, forward=6, timed=8, seconds=8 * 3 * DAY)
    assert t.conversion == pytest.approx(0.75)
    assert t.avg_days == pytest.approx(3.0)


def test_below_the_minimum_sample_a_rep_is_never_flagged_however_slow():
    team = tally(40, 30, 4.0)
    few = StageComparison(rep=tally(MIN_STAGE_EXITS - 1, 0, 40.0), team=team)
    enough = StageComparison(rep=tally(MIN_STAGE_EXITS, 0, 40.0), team=team)
    assert not few.rep.enough_for_conversion
    assert not few.rep.enough_for_days
    assert not few.slow
    assert not few.low_conversion
    assert enough.slow
    assert enough.low_conversion


def test_slow_needs_both_the_factor_and_a_whole_day():
    team = tally(40, 30, 1.0)
    # 1.9 days is 1.9 × the team but less than a day longer: not worth a coaching talk.
    assert not StageComparison(rep=tally(6, 4, 1.9), team=team).slow
    assert StageComparison(rep=tally(6, 4, 2.1), team=team).slow


def test_team_values_pool_every_exit_of_the_team():
    per_rep = {1: {10: tally(5, 5, 2.0)}, 2: {10: tally(15, 3, 6.0)}}
    grid, team = compare_stages(per_rep, [1, 2, 3], [10, 11])
    assert team[10].exits == 20
    assert team[10].forward == 8
    assert team[10].avg_days == pytest.approx((5 * 2 + 15 * 6) / 20)
    assert grid[3][10].rep == StageTally()  # a rep without deals is still listed, with nothing
    assert team[11] == StageTally()


def test_outcomes_win_rate_median_and_team_pool():
    a = DealOutcomes(closed=4, won=3, cycle_days=(10, 30, 20))
    b = DealOutcomes(closed=6, won=1, cycle_days=(100,))
    assert a.win_rate == pytest.approx(0.75)
    assert a.median_cycle_days == 20
    assert not a.enough_for_win_rate
    assert a.enough_for_cycle
    team = team_outcomes({1: a, 2: b}, [1, 2, 3])
    assert (team.closed, team.won) == (10, 4)
    assert team.median_cycle_days == 25  # median of 10, 20, 30, 100
    assert DealOutcomes().win_rate is None
    assert DealOutcomes().median_cycle_days is None


HAND_COMPONENTS = {
    "give": [
        {"kind": "meeting_logged", "count": 4, "measured": 4, "minutes": "20.00"},
        {"kind": "call_logged", "count": 70, "measured": 70, "minutes": "140.00"},
    ],
    "get": [{"kind": "next_action", "count": 4, "minutes": "20.00"}],
}


def test_net_loser_reason_names_top_give_per_week_gets_and_the_biggest_missing_get():
    missed = [
        MissedGet(kind="next_action", delivered=10, consumed=4, missed_minutes=Decimal("30")),
        MissedGet(kind="weekly_digest", delivered=4, consumed=0, missed_minutes=Decimal("240")),
    ]
    with translation.override("en"):
        reason = net_loser_reason(components=HAND_COMPONENTS, rolling_get_minutes=Decimal("20"), missed=missed)
    assert reason == (
        "Gives 35 min/week logging calls, gets 5 min/week back: never opens the weekly digest (4 delivered)."
    )


def test_net_loser_reason_with_partly_used_gets_and_with_nothing_delivered():
    partly = [MissedGet(kind="next_action", delivered=10, consumed=4, missed_minutes=Decimal("30"))]
    with translation.override("en"):
        assert net_loser_reason(
            components=HAND_COMPONENTS, rolling_get_minutes=Decimal("20"), missed=partly
        ).endswith("uses only 4 of 10 × Next-action suggestion.")
        assert net_loser_reason(components=HAND_COMPONENTS, rolling_get_minutes=Decimal("0"), missed=[]) == (
            "Gives 35 min/week logging calls, gets 0 min/week back: nothing was delivered to them in return."
        )


def test_net_loser_reason_in_danish():
    missed = [MissedGet(kind="weekly_digest", delivered=4, consumed=0, missed_minutes=Decimal("240"))]
    with translation.override("da"):
        reason = net_loser_reason(components=HAND_COMPONENTS, rolling_get_minutes=Decimal("20"), missed=missed)
    assert "opkald" in reason
    assert "ugentlige" in reason


def test_biggest_missed_get_ignores_fully_used_gets():
    used = MissedGet(kind="weekly_digest", delivered=3, consumed=3, missed_minutes=Decimal("0"))
    assert biggest_missed_get([used]) is None


STAGES = [(1, "Lead"), (2, "Meeting"), (3, "Proposal")]


def test_slowest_stage_names_the_next_stage_and_won_after_the_last():
    team = tally(40, 30, 4.0)
    comparisons = {
        1: StageComparison(rep=tally(6, 5, 7.0), team=team),
        3: StageComparison(rep=tally(6, 5, 12.0), team=team),
    }
    assert slowest_stage(comparisons, STAGES, "Won") == ("Proposal", "Won")
    assert slowest_stage({1: comparisons[1]}, STAGES, "Won") == ("Lead", "Meeting")
    assert slowest_stage({}, STAGES, "Won") is None


def test_weakest_conversion_stage_picks_the_biggest_gap():
    team = tally(40, 32, 4.0)  # 80 %
    comparisons = {1: StageComparison(rep=tally(10, 5, 4.0), team=team),  # 50 %
                   2: StageComparison(rep=tally(10, 2, 4.0), team=team)}  # 20 %
    assert weakest_conversion_stage(comparisons, STAGES) == "Meeting"


@pytest.mark.parametrize(
    ("signals", "expected_start"),
    [
        (CoachingSignals(never_opens_digest=True, avg_entry_seconds=400, slowest_stage=("A", "B")),
         "Show them the weekly report"),
        (CoachingSignals(avg_entry_seconds=400, slowest_stage=("A", "B")), "Show the quick logging shortcuts"),
        (CoachingSignals(avg_entry_seconds=60, slowest_stage=("Lead", "Meeting"), weakest_conversion_stage="Lead"),
         "Practise moving deals from Lead to Meeting"),
        (CoachingSignals(weakest_conversion_stage="Lead"), "Qualification"),
    ],
)
def test_topic_rule_table_first_match_wins(signals, expected_start):
    with translation.override("en"):
        assert coaching_topic(signals).startswith(expected_start)


def test_no_topic_when_nothing_stands_out():
    assert coaching_topic(CoachingSignals(avg_entry_seconds=45)) is None
