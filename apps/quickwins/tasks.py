from celery import shared_task
from django.db import OperationalError

from apps.quickwins import services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def refresh_quickwin_results() -> int:
    """Store every person's quick-win status (deadlines pass by the hour)."""
    return services.quickwin_results_refresh()
