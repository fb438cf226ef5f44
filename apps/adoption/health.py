"""Adoption health: garbage-data signals in the CRM entries people type, as shares of groups.

Three signals over the activities (the tracker's own CRM entries) a person typed in a
period, by when they were typed (`created_at`):
- near-empty notes: an outcome or next step of fewer than NEAR_EMPTY_CHARS characters;
- repeated notes: the same text (case and surrounding spaces ignored) at least REPEAT_TIMES
  times by the same person in the period;
- back-dated batches: at least BACKDATE_BATCH entries whose `occurred_at` is BACKDATE_DAYS
  or more before they were typed, typed within BACKDATE_MINUTES of each other.
Groups (teams, roles) see shares with the previous period beside them, never who; a person
sees only their own counts. All sets are computed in the database; only ids come back.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Lag, Length, Lower, Trim
from django.utils import timezone

from apps.activities.models import Activity
from apps.adoption.figures import share
from apps.core.privacy import breakdown_disclosure

NEAR_EMPTY_CHARS = 10
REPEAT_TIMES = 3
BACKDATE_DAYS = 2
BACKDATE_BATCH = 5
BACKDATE_MINUTES = 10

SIGNALS = ("near_empty", "repeated", "backdated")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _typed_between(people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> QuerySet[Activity]:
    return Activity.objects.filter(
        owner__in=people.values("pk"),
        created_at__gte=_day_start(first_day),
        created_at__lt=_day_start(last_day + dt.timedelta(days=1)),
    )


def _near_empty(entries: QuerySet[Activity]) -> QuerySet[Activity]:
    return entries.annotate(text_length=Length(Trim("summary"))).filter(text_length__lt=NEAR_EMPTY_CHARS)


def _repeated_texts(entries: QuerySet[Activity]) -> "QuerySet[Activity, dict[str, Any]]":
    """Return (owner, text, times) rows for the texts a person typed at least REPEAT_TIMES times."""
    return (
        entries.annotate(text=Lower(Trim("summary")))
        .values("owner_id", "text")
        .annotate(times=Count("pk"))
        .filter(times__gte=REPEAT_TIMES)
        .order_by()
    )


def _backdated_batch_ends(entries: QuerySet[Activity]) -> QuerySet[Activity]:
    """Return back-dated entries that close a batch: the BACKDATE_BATCH − 1th before is minutes earlier."""
    return (
        entries.filter(occurred_at__lte=F("created_at") - dt.timedelta(days=BACKDATE_DAYS))
        .annotate(
            earlier=Window(
                Lag("created_at", offset=BACKDATE_BATCH - 1), partition_by=[F("owner_id")],
                order_by=[F("created_at").asc(), F("pk").asc()],
            )
        )
        .filter(earlier__gte=F("created_at") - dt.timedelta(minutes=BACKDATE_MINUTES))
    )


@dataclass(frozen=True)
class SignalPeople:
    loggers: set[int]  # people who typed at least one entry in the period
    flagged: dict[str, set[int]]  # signal → of them, the people with that signal


def signal_people(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> SignalPeople:
    """Return who typed entries in the period and who of them shows each signal (four queries)."""
    entries = _typed_between(people, first_day, last_day)
    return SignalPeople(
        loggers=set(entries.values_list("owner_id", flat=True).distinct()),
        flagged={
            "near_empty": set(_near_empty(entries).values_list("owner_id", flat=True).distinct()),
            "repeated": {row["owner_id"] for row in _repeated_texts(entries)},
            "backdated": set(_backdated_batch_ends(entries).values_list("owner_id", flat=True)),
        },
    )


@dataclass(frozen=True)
class SignalShare:
    loggers: int
    flagged: int
    previous_loggers: int
    previous_flagged: int

    @property
    def shown(self) -> bool:
        return breakdown_disclosure(total=self.loggers, group_sizes={"flagged": self.flagged}).shown

    @property
    def previous_shown(self) -> bool:
        return breakdown_disclosure(total=self.previous_loggers, group_sizes={"flagged": self.previous_flagged}).shown

    @property
    def pct(self) -> float | None:
        return share(self.flagged, self.loggers) if self.shown else None

    @property
    def previous_pct(self) -> float | None:
        return share(self.previous_flagged, self.previous_loggers) if self.previous_shown else None

    @property
    def trend(self) -> float | None:
        """Return the change in percentage points from the previous period (None: either side hidden)."""
        if self.pct is None or self.previous_pct is None:
            return None
        return self.pct - self.previous_pct


@dataclass(frozen=True)
class GroupHealth:
    group: str
    loggers: int
    signals: dict[str, SignalShare]

    @property
    def shown(self) -> bool:
        return any(s.shown for s in self.signals.values())


def previous_period(*, first_day: dt.date, last_day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the period of the same length that ends the day before `first_day`."""
    previous_last = first_day - dt.timedelta(days=1)
    return previous_last - (last_day - first_day), previous_last


def health_by_group(
    *, groups: dict[str, set[int]], people: QuerySet[User], first_day: dt.date, last_day: dt.date
) -> list[GroupHealth]:
    """Return each group's share of loggers with each signal, now and in the previous period.

    `groups` maps a group's label to its people's ids (see `selectors.group_members`).
    """
    now = signal_people(people=people, first_day=first_day, last_day=last_day)
    before_first, before_last = previous_period(first_day=first_day, last_day=last_day)
    before = signal_people(people=people, first_day=before_first, last_day=before_last)
    rows = []
    for name, members in sorted(groups.items()):
        loggers, previous = members & now.loggers, members & before.loggers
        rows.append(GroupHealth(group=name, loggers=len(loggers), signals={
            signal: SignalShare(
                loggers=len(loggers), flagged=len(loggers & now.flagged[signal]),
                previous_loggers=len(previous), previous_flagged=len(previous & before.flagged[signal]),
            )
            for signal in SIGNALS
        }))
    return rows


@dataclass(frozen=True)
class OwnSignals:
    entries: int  # entries the person typed in the period
    near_empty: int  # of them, near-empty
    repeated: int  # of them, in a text typed REPEAT_TIMES times or more
    backdated: int  # of them, typed BACKDATE_DAYS or more after they happened
    backdated_batch: bool  # at least one batch of BACKDATE_BATCH such entries within BACKDATE_MINUTES

    @property
    def any(self) -> bool:
        return bool(self.near_empty or self.repeated or self.backdated_batch)


def own_signals(*, user_id: int, first_day: dt.date, last_day: dt.date) -> OwnSignals:
    """Return the person's own signal counts for the period (five small queries)."""
    entries = _typed_between(User.objects.filter(pk=user_id), first_day, last_day)
    return OwnSignals(
        entries=entries.count(),
        near_empty=_near_empty(entries).count(),
        repeated=sum(row["times"] for row in _repeated_texts(entries)),
        backdated=entries.filter(occurred_at__lte=F("created_at") - dt.timedelta(days=BACKDATE_DAYS)).count(),
        backdated_batch=_backdated_batch_ends(entries).exists(),
    )
