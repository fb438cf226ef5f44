"""The one task that brings marked people's derived figures up to date."""

from celery import shared_task
from django.db import OperationalError

from apps.usage import partitions, services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def drain_refresh_marks() -> int:
    """Hand every marked person to the refresh consumers; return how many were handled."""
    return services.refresh_marks_drain()


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def maintain_partitions() -> int:
    """Make the usage log's months ahead and move caught events into their months; return months made."""
    return len(partitions.partitions_maintain())
