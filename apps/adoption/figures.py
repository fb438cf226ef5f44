"""Pure adoption arithmetic: frequency buckets and the lifecycle warning (DESIGN.md)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

DAILY_MIN_DAYS = 13
WEEKLY_MIN_DAYS = 5
MONTHLY_MIN_DAYS = 1


def frequency_bucket(active_days_of_30: int) -> str:
    """Return the bucket for a person's active days over the last 30 days."""
    if active_days_of_30 >= DAILY_MIN_DAYS:
        return "daily"
    if active_days_of_30 >= WEEKLY_MIN_DAYS:
        return "weekly"
    if active_days_of_30 >= MONTHLY_MIN_DAYS:
        return "monthly"
    return "dormant"


@dataclass(frozen=True)
class Lifecycle:
    new: int
    returning: int
    resurrecting: int
    dormant: int

    @property
    def warning(self) -> bool:
        """Return whether more people slipped away than stayed or came back."""
        return self.dormant > self.returning + self.resurrecting


# Stickiness (DESIGN.md): the ratios are daily; the figure is their mean over the 30 days
# ending on the day shown. Reach windows: WAU = active in the 7 days ending that day, MAU 30.
STICKINESS_DAYS = 30
WEEK_DAYS = 7
MONTH_DAYS = 30

# One row of the grouped usage: a day someone was active, that person's next active day
# (None when it was their last in the window), and how many people share both days.
ActivityPair = tuple[dt.date, dt.date | None, int]


def reach_by_day(
    *, pairs: Iterable[ActivityPair], first_day: dt.date, last_day: dt.date, window: int
) -> dict[dt.date, int]:
    """Return {day: people active at least once in the `window` days ending that day}.

    Each active day covers itself and the `window − 1` days after it, up to the person's next
    active day (which covers onwards itself), so no person is counted twice on a day.
    """
    change: dict[dt.date, int] = defaultdict(int)
    for day, next_day, people in pairs:
        end = day + dt.timedelta(days=window)
        if next_day is not None and next_day < end:
            end = next_day
        change[day] += people
        change[end] -= people
    running = sum(delta for day, delta in change.items() if day < first_day)
    reach: dict[dt.date, int] = {}
    day = first_day
    while day <= last_day:
        running += change.get(day, 0)
        reach[day] = running
        day += dt.timedelta(days=1)
    return reach


def rolling_ratio(
    *, active: Mapping[dt.date, int], reach: Mapping[dt.date, int], days: Sequence[dt.date],
    window: int = STICKINESS_DAYS,
) -> dict[dt.date, float | None]:
    """Return for each of `days` the mean of active ÷ reach over the `window` days ending it.

    Days with no reach (nobody active in the month) have no ratio and are left out of the
    mean; a day whose whole window has none has no figure (None), not zero.
    """
    result: dict[dt.date, float | None] = {}
    for day in days:
        ratios = [
            active.get(d, 0) / reach[d]
            for d in (day - dt.timedelta(days=back) for back in range(window))
            if reach.get(d, 0) > 0
        ]
        result[day] = fmean(ratios) if ratios else None
    return result


def share(part: int, whole: int | None) -> float | None:
    """Return part ÷ whole as a percentage, or None when there is no whole."""
    return 100 * part / whole if whole else None
