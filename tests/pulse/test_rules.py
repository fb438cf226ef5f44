"""The pulse rules are pure: no database, checked directly."""

import datetime as dt
from decimal import Decimal

import pytest

from apps.pulse import rules

NOW = dt.datetime(2025, 3, 20, 12, 0, tzinfo=dt.UTC)
ALL_FOURS = {"pu1": 4, "pu2": 4, "peou1": 4, "peou2": 4}


def test_construct_means_average_each_constructs_items() -> None:
    assert rules.construct_means({"pu1": 7, "pu2": 6, "peou1": 2, "peou2": 3}) == (Decimal("6.50"), Decimal("2.50"))


@pytest.mark.parametrize("answers", [
    {"pu1": 4, "pu2": 4, "peou1": 4},  # one missing
    {**ALL_FOURS, "extra": 4},  # an unknown item
    {**ALL_FOURS, "pu1": 0},  # below the scale
    {**ALL_FOURS, "peou2": 8},  # above the scale
    {**ALL_FOURS, "pu2": True},  # a boolean is not an answer
])
def test_construct_means_rejects_incomplete_or_off_scale_answers(answers: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"expected|scale"):
        rules.construct_means(answers)


def test_someone_never_asked_is_due() -> None:
    assert rules.is_due(enabled=True, cadence_days=14, last_answered_at=None, last_skipped_at=None, now=NOW)


def test_nobody_is_due_when_the_check_is_switched_off() -> None:
    assert not rules.is_due(enabled=False, cadence_days=14, last_answered_at=None, last_skipped_at=None, now=NOW)


def test_an_answer_or_a_skip_postpones_the_next_prompt_by_the_cadence() -> None:
    thirteen_days_ago = NOW - dt.timedelta(days=13)
    fourteen_days_ago = NOW - dt.timedelta(days=14)
    assert not rules.is_due(enabled=True, cadence_days=14, last_answered_at=thirteen_days_ago,
                            last_skipped_at=None, now=NOW)
    assert not rules.is_due(enabled=True, cadence_days=14, last_answered_at=None,
                            last_skipped_at=thirteen_days_ago, now=NOW)
    assert rules.is_due(enabled=True, cadence_days=14, last_answered_at=fourteen_days_ago,
                        last_skipped_at=None, now=NOW)
    # The later of answer and skip counts.
    assert not rules.is_due(enabled=True, cadence_days=14, last_answered_at=fourteen_days_ago,
                            last_skipped_at=thirteen_days_ago, now=NOW)


def test_a_skip_does_not_block_answering_but_a_recent_answer_does() -> None:
    assert rules.may_answer(enabled=True, cadence_days=14, last_answered_at=None, now=NOW)
    assert not rules.may_answer(enabled=True, cadence_days=21, last_answered_at=NOW - dt.timedelta(days=20), now=NOW)
    assert rules.may_answer(enabled=True, cadence_days=21, last_answered_at=NOW - dt.timedelta(days=21), now=NOW)


def test_aggregates_are_hidden_below_five_people() -> None:
    assert rules.shown_or_none(Decimal("5.5"), 4) is None
    assert rules.shown_or_none(Decimal("5.5"), 5) == Decimal("5.5")
    assert rules.shown_or_none(Decimal("5.5"), 0) is None


def test_month_buckets_run_oldest_first_across_a_year_end() -> None:
    buckets = rules.month_buckets(dt.date(2025, 2, 10), 3)
    assert [(b.start, b.end) for b in buckets] == [
        (dt.date(2024, 12, 1), dt.date(2025, 1, 1)),
        (dt.date(2025, 1, 1), dt.date(2025, 2, 1)),
        (dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
    ]


def test_fortnight_buckets_are_two_whole_weeks_ending_with_this_week() -> None:
    buckets = rules.fortnight_buckets(dt.date(2025, 3, 20), 2)  # a Thursday; its Monday is 17 March
    assert [(b.start, b.end) for b in buckets] == [
        (dt.date(2025, 2, 24), dt.date(2025, 3, 10)),
        (dt.date(2025, 3, 10), dt.date(2025, 3, 24)),
    ]
    assert all(b.start.weekday() == 0 for b in buckets)
