"""Scoring periods: ISO weeks (Monday to Sunday) in the project's time zone."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

ROLLING_WEEKS = 4


@dataclass(frozen=True)
class Period:
    """A half-open interval [start, end) of aware datetimes, with the Monday it starts on."""

    monday: dt.date
    start: dt.datetime
    end: dt.datetime


def week_start(day: dt.date) -> dt.date:
    """Return the Monday of the week that contains `day`."""
    return day - dt.timedelta(days=day.weekday())


def period_for_monday(monday: dt.date) -> Period:
    """Return the week that starts on `monday`, as aware datetimes in the current time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    return Period(monday=monday, start=start, end=end)


def rolling_window(monday: dt.date, weeks: int = ROLLING_WEEKS) -> tuple[dt.datetime, dt.datetime]:
    """Return [start, end) covering `weeks` weeks that end with the week starting `monday`."""
    first = period_for_monday(monday - dt.timedelta(weeks=weeks - 1))
    return first.start, period_for_monday(monday).end


def recent_mondays(today: dt.date, count: int) -> list[dt.date]:
    """Return the Mondays of the last `count` weeks, oldest first, ending with this week."""
    this_monday = week_start(today)
    return [this_monday - dt.timedelta(weeks=i) for i in range(count - 1, -1, -1)]
