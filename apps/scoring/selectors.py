"""Reading scores for pages and the API."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone

from apps.core.periods import recent_mondays, week_start
from apps.scoring.models import ScoreSnapshot


def current_snapshot(*, user_id: int, today: dt.date | None = None) -> ScoreSnapshot | None:
    """Return the user's snapshot for this week, or their latest one."""
    monday = week_start(today or timezone.localdate())
    return (
        ScoreSnapshot.objects.filter(user_id=user_id, period_start__lte=monday).order_by("-period_start").first()
    )


def score_trend(*, user_id: int, weeks: int = 8, today: dt.date | None = None) -> list[ScoreSnapshot | None]:
    """Return the last `weeks` weekly snapshots, oldest first, None for a missing week."""
    mondays = recent_mondays(today or timezone.localdate(), weeks)
    found = {
        s.period_start: s
        for s in ScoreSnapshot.objects.filter(user_id=user_id, period_start__in=mondays)
    }
    return [found.get(m) for m in mondays]


def trends_for_users(
    *, user_ids: Sequence[int], weeks: int = 8, today: dt.date | None = None
) -> dict[int, list[ScoreSnapshot | None]]:
    """Return each user's last `weeks` snapshots in one query, oldest first, without their explanations.

    `components` (the explanation, JSON) is left unread: a trend shows figures, and decoding eight
    weeks of explanations for a whole team was a sizeable part of `/team/`.
    """
    mondays = recent_mondays(today or timezone.localdate(), weeks)
    by_user: dict[int, dict[dt.date, ScoreSnapshot]] = defaultdict(dict)
    for snapshot in ScoreSnapshot.objects.filter(user_id__in=user_ids, period_start__in=mondays).defer("components"):
        by_user[snapshot.user_id][snapshot.period_start] = snapshot
    return {uid: [by_user[uid].get(m) for m in mondays] for uid in user_ids}


def latest_snapshots(*, user_ids: Sequence[int] | QuerySet, today: dt.date | None = None) -> QuerySet[ScoreSnapshot]:
    """Return each user's snapshot for the current week."""
    monday = week_start(today or timezone.localdate())
    return ScoreSnapshot.objects.filter(user_id__in=user_ids, period_start=monday)
