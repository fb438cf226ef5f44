"""Trust jobs: retention of raw usage events."""

from celery import shared_task
from django.db import OperationalError

from apps.trust import protection


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def delete_expired_usage_events() -> int:
    """Delete raw usage events older than USAGE_EVENT_RETENTION_DAYS (aggregates stay)."""
    return protection.usage_events_delete_expired()
