"""Pure rules for the pulse check: scoring the items, when to ask, what may be shown.

No database here, so every rule is tested on its own.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from apps.core.periods import week_start
from apps.core.privacy import may_show_aggregate
from apps.pulse.items import EASE_OF_USE, PULSE_ITEMS, SCALE_MAX, SCALE_MIN, USEFULNESS

T = TypeVar("T")


def construct_means(answers: Mapping[str, int]) -> tuple[Decimal, Decimal]:
    """Return (perceived usefulness, perceived ease of use): the mean of each construct's items.

    Raise ValueError when an item is missing, unknown or outside the 1–7 scale.
    """
    expected = {item.key for item in PULSE_ITEMS}
    if set(answers) != expected:
        raise ValueError(f"expected answers to {sorted(expected)}, got {sorted(answers)}")
    for key, value in answers.items():
        if isinstance(value, bool) or not isinstance(value, int) or not SCALE_MIN <= value <= SCALE_MAX:
            raise ValueError(f"{key}: {value!r} is not on the {SCALE_MIN}–{SCALE_MAX} scale")

    def mean(construct: str) -> Decimal:
        values = [answers[item.key] for item in PULSE_ITEMS if item.construct == construct]
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))

    return mean(USEFULNESS), mean(EASE_OF_USE)


# Nobody is asked whether the CRM is worth it before they have used it for a week.
MIN_DAYS_LIVE = 7


def live_long_enough(*, live_since: dt.date | None, today: dt.date, min_days: int = MIN_DAYS_LIVE) -> bool:
    """Return whether the person has been live for at least `min_days` days (never when not live)."""
    return live_since is not None and (today - live_since).days >= min_days


def next_check_at(last_asked_at: dt.datetime | None, cadence_days: int) -> dt.datetime | None:
    """Return when the person may be asked again; None when they were never asked."""
    if last_asked_at is None:
        return None
    return last_asked_at + dt.timedelta(days=cadence_days)


def is_due(
    *,
    enabled: bool,
    cadence_days: int,
    last_answered_at: dt.datetime | None,
    last_skipped_at: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    """Return whether to prompt the person: enabled, and neither answered nor skipped within the cadence."""
    if not enabled:
        return False
    asked = [moment for moment in (last_answered_at, last_skipped_at) if moment is not None]
    due_at = next_check_at(max(asked) if asked else None, cadence_days)
    return due_at is None or now >= due_at


def may_answer(*, enabled: bool, cadence_days: int, last_answered_at: dt.datetime | None, now: dt.datetime) -> bool:
    """Return whether an answer is accepted now: a skip does not block answering, an answer does."""
    return is_due(enabled=enabled, cadence_days=cadence_days, last_answered_at=last_answered_at,
                  last_skipped_at=None, now=now)


def shown_or_none(value: T, people: int) -> T | None:
    """Return the aggregate when it rests on enough people, otherwise None (hidden)."""
    return value if may_show_aggregate(people) else None


@dataclass(frozen=True)
class Bucket:
    """A reporting period [start, end) in local dates."""

    start: dt.date
    end: dt.date


def month_buckets(today: dt.date, count: int) -> list[Bucket]:
    """Return the last `count` calendar months, oldest first, ending with this month."""
    year, month = today.year, today.month
    buckets: list[Bucket] = []
    for _ in range(count):
        start = dt.date(year, month, 1)
        end = dt.date(year + (month == 12), month % 12 + 1, 1)
        buckets.append(Bucket(start=start, end=end))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return buckets[::-1]


def fortnight_buckets(today: dt.date, count: int) -> list[Bucket]:
    """Return the last `count` two-week periods (Monday to Sunday twice), oldest first, ending with this week."""
    last_start = week_start(today) - dt.timedelta(weeks=1)
    buckets = []
    for i in range(count - 1, -1, -1):
        start = last_start - dt.timedelta(weeks=2 * i)
        buckets.append(Bucket(start=start, end=start + dt.timedelta(weeks=2)))
    return buckets
