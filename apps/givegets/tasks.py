"""Periodic and on-demand jobs for Give-Get contracts."""

from celery import shared_task
from django.db import OperationalError

from apps.givegets import services


@shared_task(autoretry_for=(OperationalError, ConnectionError), retry_backoff=True, max_retries=5)
def classify_contracts(*, contract_ids: list[int] | None = None) -> int:
    """Store this and last week's honoured / broken / not-giving status per person and contract."""
    return services.contract_statuses_refresh_recent(contract_ids=contract_ids)
