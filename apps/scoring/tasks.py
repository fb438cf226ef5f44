"""Thin Celery tasks for scoring: ids in, one service call, safe to run twice."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from apps.core.periods import week_start
from apps.scoring import services

TRANSIENT = (OperationalError, ConnectionError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def recompute_user_scores(*, user_ids: list[int]) -> int:
    """Recompute the given users' snapshots for every week their new data touches."""
    return services.scores_refresh_users(user_ids=user_ids)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def close_previous_period() -> int:
    """Close last week for everyone (final figures, inactive people included)."""
    last_monday = week_start(timezone.localdate()) - dt.timedelta(weeks=1)
    return services.period_close(monday=last_monday)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def reconcile_stale_scores() -> int:
    """Recompute anyone whose events are newer than their latest snapshot."""
    return services.scores_refresh_users(user_ids=services.stale_user_ids())


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def backfill_score_history() -> int:
    """Score imported history older than the refresh horizon, a few hundred people per run."""
    return services.history_backfill_run()
