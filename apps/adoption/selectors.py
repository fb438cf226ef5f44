"""Adoption figures, computed set-based in the database over the counted people."""

import datetime as dt

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.adoption.figures import Lifecycle, frequency_bucket
from apps.usage.models import UsageEvent

BUCKETS = ("daily", "weekly", "monthly", "dormant")


def counted_people(*, organisation_id: int) -> QuerySet[User]:
    """Return the people every adoption figure counts: active accounts, not internal or test users.

    This is the one place that leaves people out; every figure starts from it.
    """
    return User.objects.filter(
        memberships__organisation_id=organisation_id, is_active=True, adoption_exclusion__isnull=True
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _events_between(people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> QuerySet[UsageEvent]:
    return UsageEvent.objects.filter(
        user__in=people.values("pk"),
        occurred_at__gte=_day_start(first_day),
        occurred_at__lt=_day_start(last_day + dt.timedelta(days=1)),
    )


def active_days_by_person(*, people: QuerySet[User], first_day: dt.date, last_day: dt.date) -> dict[int, int]:
    """Return {user id: days with at least one usage event} for the people active in the period."""
    rows = (
        _events_between(people, first_day, last_day)
        .annotate(day=TruncDate("occurred_at"))
        .values("user_id")
        .annotate(days=Count("day", distinct=True))
        .values_list("user_id", "days")
    )
    return dict(rows)


def frequency_buckets(*, people: QuerySet[User], today: dt.date) -> dict[str, int]:
    """Return how many people are daily / weekly / monthly / dormant over the 30 days ending today."""
    active = active_days_by_person(people=people, first_day=today - dt.timedelta(days=29), last_day=today)
    counts = dict.fromkeys(BUCKETS, 0)
    for days in active.values():
        counts[frequency_bucket(days)] += 1
    counts["dormant"] = people.count() - sum(counts[b] for b in BUCKETS if b != "dormant")
    return counts


def weekly_lifecycle(*, people: QuerySet[User], monday: dt.date) -> Lifecycle:
    """Return the lifecycle counts for the week starting `monday`, in one query."""
    this_start, next_start = _day_start(monday), _day_start(monday + dt.timedelta(days=7))
    last_start = _day_start(monday - dt.timedelta(days=7))
    own = UsageEvent.objects.filter(user_id=OuterRef("pk"))
    annotated = people.annotate(
        this_week=Exists(own.filter(occurred_at__gte=this_start, occurred_at__lt=next_start)),
        last_week=Exists(own.filter(occurred_at__gte=last_start, occurred_at__lt=this_start)),
        first_seen=Subquery(own.order_by("occurred_at").values("occurred_at")[:1]),
    )
    totals = annotated.aggregate(
        new=Count("pk", filter=Q(this_week=True, first_seen__gte=this_start)),
        returning=Count("pk", filter=Q(this_week=True, last_week=True)),
        resurrecting=Count("pk", filter=Q(this_week=True, last_week=False, first_seen__lt=this_start)),
        dormant=Count("pk", filter=Q(this_week=False, last_week=True)),
    )
    return Lifecycle(**totals)
