"""Thin Celery tasks for next-action suggestions: one service call, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from apps.suggestions import services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def suggest_for_idle_deals() -> int:
    """Suggest a touch on every deal quiet for longer than its rule allows; return how many are new."""
    return services.suggestions_for_idle_deals()
