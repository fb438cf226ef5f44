"""Quick-win arithmetic: pure functions, no database."""

import datetime as dt

import pytest

from apps.quickwins.evaluation import (
    days_left,
    days_to_first_value,
    median_of_histogram,
    nudge_due,
    quickwin_status,
)
from apps.quickwins.models import QuickWinStatus

DUE = dt.date(2026, 3, 9)


@pytest.mark.parametrize(
    ("achieved_on", "today", "expected"),
    [
        (dt.date(2026, 3, 9), dt.date(2026, 3, 20), QuickWinStatus.ON_TIME),
        (dt.date(2026, 3, 10), dt.date(2026, 3, 20), QuickWinStatus.LATE),
        (None, dt.date(2026, 3, 9), QuickWinStatus.PENDING),
        (None, dt.date(2026, 3, 10), QuickWinStatus.MISSED),
    ],
)
def test_quickwin_status(achieved_on: dt.date | None, today: dt.date, expected: str) -> None:
    assert quickwin_status(due_on=DUE, achieved_on=achieved_on, today=today) == expected


def test_days_to_first_value_counts_whole_days_from_go_live() -> None:
    assert days_to_first_value(go_live_on=dt.date(2026, 3, 2), achieved_on=dt.date(2026, 3, 5)) == 3
    assert days_to_first_value(go_live_on=dt.date(2026, 3, 2), achieved_on=dt.date(2026, 3, 2)) == 0
    assert days_to_first_value(go_live_on=dt.date(2026, 3, 2), achieved_on=None) is None


@pytest.mark.parametrize(
    ("today", "status", "expected"),
    [
        (dt.date(2026, 3, 7), QuickWinStatus.PENDING, True),   # two days before
        (dt.date(2026, 3, 8), QuickWinStatus.PENDING, True),   # one day before, not yet nudged
        (dt.date(2026, 3, 9), QuickWinStatus.PENDING, True),   # due today
        (dt.date(2026, 3, 6), QuickWinStatus.PENDING, False),  # three days before: too early
        (dt.date(2026, 3, 10), QuickWinStatus.PENDING, False),  # past the deadline
        (dt.date(2026, 3, 7), QuickWinStatus.ON_TIME, False),  # already achieved
    ],
)
def test_nudge_due(today: dt.date, status: str, expected: bool) -> None:
    assert nudge_due(status=status, due_on=DUE, today=today) is expected


def test_days_left_is_negative_after_the_deadline() -> None:
    assert days_left(due_on=DUE, today=dt.date(2026, 3, 11)) == -2


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, None),
        ({3: 1}, 3.0),
        ({1: 2, 5: 1}, 1.0),
        ({1: 1, 2: 1, 4: 1, 9: 1}, 3.0),
        ({0: 3, 10: 3}, 5.0),
    ],
)
def test_median_of_histogram(counts: dict[int, int], expected: float | None) -> None:
    assert median_of_histogram(counts) == expected
