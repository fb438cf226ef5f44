"""Quick-win status for one person: pure function, no database."""

import datetime as dt

from apps.quickwins.models import QuickWinStatus


def quickwin_status(*, due_on: dt.date, achieved_on: dt.date | None, today: dt.date) -> str:
    """Return on time / late / pending / missed; the due day itself still counts as on time."""
    if achieved_on is not None:
        return QuickWinStatus.ON_TIME if achieved_on <= due_on else QuickWinStatus.LATE
    return QuickWinStatus.PENDING if today <= due_on else QuickWinStatus.MISSED


NUDGE_DAYS_BEFORE = 2


def days_to_first_value(*, go_live_on: dt.date, achieved_on: dt.date | None) -> int | None:
    """Return whole days from go-live to the first qualifying event (0 = on go-live day)."""
    if achieved_on is None:
        return None
    return max((achieved_on - go_live_on).days, 0)


def days_left(*, due_on: dt.date, today: dt.date) -> int:
    """Return the days until the deadline; 0 on the due day, negative once it has passed."""
    return (due_on - today).days


def nudge_due(*, status: str, due_on: dt.date, today: dt.date, days_before: int = NUDGE_DAYS_BEFORE) -> bool:
    """Return whether a pending quick win is close enough to its deadline to nudge about it."""
    return status == QuickWinStatus.PENDING and 0 <= days_left(due_on=due_on, today=today) <= days_before


def median_of_histogram(counts: dict[int, int]) -> float | None:
    """Return the median of values given as {value: how many}; None when there are none."""
    total = sum(counts.values())
    if total == 0:
        return None
    ordered = sorted(counts.items())

    def nth(index: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        raise IndexError(index)

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2
