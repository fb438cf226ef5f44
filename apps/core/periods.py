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


@dataclass(frozen=True)
class WeekChoice:
    """The week a dashboard shows: chosen with `?week=` (any day of it), never in the future."""

    monday: dt.date
    today: dt.date  # the day the dashboard's figures are computed for
    is_current: bool
    previous: dt.date
    next: dt.date | None


def week_choice(value: str | None, *, today: dt.date) -> WeekChoice:
    """Read `?week=` (an ISO date such as 2026-11-23, or an ISO week such as 2026-W48).

    Anything unreadable, and any week after this one, is this week. A past week's figures are
    those of its Sunday, when the week was complete.
    """
    this_monday = week_start(today)
    chosen = this_monday
    text = (value or "").strip()
    try:
        if "-W" in text.upper():
            year, week = text.upper().split("-W", 1)
            chosen = dt.date.fromisocalendar(int(year), int(week), 1)
        elif text:
            chosen = week_start(dt.date.fromisoformat(text))
    except ValueError:
        chosen = this_monday
    chosen = min(chosen, this_monday)
    is_current = chosen == this_monday
    return WeekChoice(
        monday=chosen, today=today if is_current else chosen + dt.timedelta(days=6), is_current=is_current,
        previous=chosen - dt.timedelta(weeks=1), next=None if is_current else chosen + dt.timedelta(weeks=1),
    )
