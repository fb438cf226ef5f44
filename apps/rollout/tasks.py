from celery import shared_task
from django.db import OperationalError

from apps.rollout import services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def evaluate_gates() -> int:
    """Evaluate and store every live or failed phase's gate for today (a rerun overwrites today's row)."""
    return services.gates_evaluate_due()
