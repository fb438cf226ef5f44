"""Pure ambassador rules, no database."""

import datetime as dt

from apps.ambassadors.rules import AdoptionShare, kudos_left_today, pilot_date_error, pooled_share


def test_a_share_is_shown_only_for_five_or_more_scored_people() -> None:
    assert AdoptionShare("North", scored=4, net_beneficiaries=4).pct is None
    assert AdoptionShare("North", scored=5, net_beneficiaries=5).pct == 100.0
    assert AdoptionShare("North", scored=10, net_beneficiaries=5).pct == 50.0


def test_a_share_whose_other_side_is_under_five_people_is_hidden() -> None:
    # 4 of 5: the one person who is not a net beneficiary is 5 − 4 away
    assert AdoptionShare("North", scored=5, net_beneficiaries=4).pct is None
    assert AdoptionShare("North", scored=10, net_beneficiaries=3).pct is None


def test_teams_without_an_ambassador_are_pooled_by_people() -> None:
    pooled = pooled_share("Others", [AdoptionShare("A", 3, 3), AdoptionShare("B", 7, 2)])
    assert (pooled.scored, pooled.net_beneficiaries, pooled.pct) == (10, 5, 50.0)


def test_a_pilot_must_be_earlier_than_the_current_go_live() -> None:
    current = dt.date(2025, 5, 1)
    assert pilot_date_error(new_date=dt.date(2025, 4, 30), current_go_live=current) is None
    assert pilot_date_error(new_date=current, current_go_live=current) == "not_earlier"
    assert pilot_date_error(new_date=dt.date(2025, 6, 1), current_go_live=current) == "not_earlier"
    assert pilot_date_error(new_date=dt.date(2025, 6, 1), current_go_live=None) is None
    assert pilot_date_error(new_date=None, current_go_live=current) is None


def test_kudos_left_never_goes_below_zero() -> None:
    assert kudos_left_today(given_today=3, per_day=5) == 2
    assert kudos_left_today(given_today=7, per_day=5) == 0
