"""Reads for the pulse check: who is due, a person's own answers, anonymity-safe aggregates."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils import timezone

from apps.core.privacy import may_show_aggregate
from apps.pulse import rules
from apps.pulse.models import PulseResponse, PulseSettings, PulseSkip
from apps.roles.golive import live_since
from apps.roles.models import Team
from apps.roles.policies import AnyUser, membership_of


def pulse_settings_for(*, organisation_id: int) -> PulseSettings:
    """Return the organisation's settings, or the defaults (unsaved) when none were set."""
    found = PulseSettings.objects.filter(organisation_id=organisation_id).first()
    return found or PulseSettings(organisation_id=organisation_id)


def last_answered_at(*, user_id: int) -> dt.datetime | None:
    return PulseResponse.objects.filter(user_id=user_id).aggregate(last=Max("answered_at"))["last"]


def last_skipped_at(*, user_id: int) -> dt.datetime | None:
    return PulseSkip.objects.filter(user_id=user_id).aggregate(last=Max("skipped_at"))["last"]


@dataclass(frozen=True)
class PulseStatus:
    enabled: bool
    due: bool
    may_answer: bool
    next_answer_at: dt.datetime | None
    live_long_enough: bool = True
    asked_from: dt.date | None = None


def pulse_status(user: AnyUser, *, now: dt.datetime | None = None) -> PulseStatus:
    """Return whether the person is due a prompt, may answer now, and when they may next answer."""
    membership = membership_of(user)
    if membership is None:
        return PulseStatus(enabled=False, due=False, may_answer=False, next_answer_at=None)
    now = now or timezone.now()
    settings = pulse_settings_for(organisation_id=membership.organisation_id)
    answered = last_answered_at(user_id=membership.user_id)
    skipped = last_skipped_at(user_id=membership.user_id)
    since = live_since(user_id=membership.user_id)
    long_enough = rules.live_long_enough(live_since=since, today=timezone.localtime(now).date())
    return PulseStatus(
        enabled=settings.enabled,
        due=long_enough and rules.is_due(enabled=settings.enabled, cadence_days=settings.cadence_days,
                                         last_answered_at=answered, last_skipped_at=skipped, now=now),
        may_answer=long_enough and rules.may_answer(enabled=settings.enabled, cadence_days=settings.cadence_days,
                                                    last_answered_at=answered, now=now),
        next_answer_at=rules.next_check_at(answered, settings.cadence_days),
        live_long_enough=long_enough,
        asked_from=since + dt.timedelta(days=rules.MIN_DAYS_LIVE) if since is not None else None,
    )


def pulse_due(user: AnyUser, *, now: dt.datetime | None = None) -> bool:
    """Return whether to show the person the pulse prompt now."""
    return pulse_status(user, now=now).due


def own_responses(*, user_id: int) -> QuerySet[PulseResponse]:
    """Return the person's own answers, newest first (only ever shown to that person)."""
    return PulseResponse.objects.filter(user_id=user_id).order_by("-answered_at")


@dataclass(frozen=True)
class PulseAggregate:
    """Mean answers of a group; the means are None when too few people answered to show them."""

    label: str
    answers: int
    people: int
    usefulness: Decimal | None
    ease_of_use: Decimal | None

    @property
    def is_shown(self) -> bool:
        return may_show_aggregate(self.people)


def _aggregate(label: str, answers: int, people: int, pu: Any, peou: Any) -> PulseAggregate:
    def rounded(value: Any) -> Decimal | None:
        shown = rules.shown_or_none(value, people)
        return None if shown is None else Decimal(shown).quantize(Decimal("0.01"))

    return PulseAggregate(label=label, answers=answers if may_show_aggregate(people) else 0,
                          people=people, usefulness=rounded(pu), ease_of_use=rounded(peou))


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def pulse_trend(*, people: QuerySet, buckets: list[rules.Bucket], labels: list[str]) -> list[PulseAggregate]:
    """Return the group's mean PU and PEOU per period, in one grouped query."""
    aggregates: dict[str, Any] = {}
    for i, bucket in enumerate(buckets):
        in_bucket = Q(answered_at__gte=_local_start(bucket.start), answered_at__lt=_local_start(bucket.end))
        aggregates[f"n{i}"] = Count("pk", filter=in_bucket)
        aggregates[f"people{i}"] = Count("user", filter=in_bucket, distinct=True)
        aggregates[f"pu{i}"] = Avg("perceived_usefulness", filter=in_bucket)
        aggregates[f"peou{i}"] = Avg("perceived_ease_of_use", filter=in_bucket)
    row = PulseResponse.objects.filter(user__in=people).aggregate(**aggregates)
    return [
        _aggregate(labels[i], row[f"n{i}"], row[f"people{i}"], row[f"pu{i}"], row[f"peou{i}"])
        for i in range(len(buckets))
    ]


def pulse_by_team(*, teams: QuerySet[Team], start: dt.date, end: dt.date) -> list[PulseAggregate]:
    """Return each team's mean PU and PEOU over [start, end), counting its non-manager members."""
    team_list = list(teams.order_by("name"))
    rows = {
        row["user__team_memberships__team_id"]: row
        for row in PulseResponse.objects.filter(
            user__team_memberships__team__in=team_list,
            user__team_memberships__is_manager=False,
            answered_at__gte=_local_start(start),
            answered_at__lt=_local_start(end),
        )
        .values("user__team_memberships__team_id")
        .annotate(n=Count("pk"), people=Count("user", distinct=True),
                  pu=Avg("perceived_usefulness"), peou=Avg("perceived_ease_of_use"))
    }
    empty = {"n": 0, "people": 0, "pu": None, "peou": None}
    aggregates = []
    for team in team_list:
        row = rows.get(team.pk, empty)
        aggregates.append(_aggregate(team.name, row["n"], row["people"], row["pu"], row["peou"]))
    return aggregates


@dataclass(frozen=True)
class Distribution:
    """How many answers fell on each point of the 1–7 scale, per construct; None when hidden."""

    people: int
    usefulness: list[int] | None
    ease_of_use: list[int] | None


def pulse_distribution(*, people: QuerySet, start: dt.date, end: dt.date) -> Distribution:
    """Return the spread of PU and PEOU (each rounded to the nearest scale point) in one query."""
    half = Decimal("0.5")
    aggregates: dict[str, Any] = {"people": Count("user", distinct=True)}
    for point in range(1, 8):
        for field, prefix in (("perceived_usefulness", "pu"), ("perceived_ease_of_use", "peou")):
            # A mean of x.5 rounds up, as people read 3.5 as "about 4".
            near = Q(**{f"{field}__gte": point - half}) & Q(**{f"{field}__lt": point + half})
            aggregates[f"{prefix}{point}"] = Count("pk", filter=near)
    row = PulseResponse.objects.filter(
        user__in=people, answered_at__gte=_local_start(start), answered_at__lt=_local_start(end)
    ).aggregate(**aggregates)
    shown = may_show_aggregate(row["people"])
    return Distribution(
        people=row["people"],
        usefulness=[row[f"pu{p}"] for p in range(1, 8)] if shown else None,
        ease_of_use=[row[f"peou{p}"] for p in range(1, 8)] if shown else None,
    )
