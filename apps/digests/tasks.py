"""Thin Celery tasks for weekly digests: ids in, one service call, safe to run twice."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from apps.core.periods import week_start as monday_of
from apps.digests import selectors, services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def send_weekly_digests() -> int:
    """Queue one small task per person promised a weekly digest, for last week; return how many."""
    last_week = monday_of(timezone.localdate()) - dt.timedelta(weeks=1)
    user_ids = selectors.digest_recipient_ids()
    for user_id in user_ids:
        send_digest.delay(user_id, last_week.isoformat())
    return len(user_ids)


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def send_digest(user_id: int, week_start: str) -> int:
    """Build and send one person's digest of the week starting `week_start` (ISO date); once only."""
    return services.digest_build_and_send(user_id=user_id, week_start=dt.date.fromisoformat(week_start)).pk
