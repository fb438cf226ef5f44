"""Thin Celery tasks for imports: ids in, one service call, safe to run twice."""

from celery import shared_task
from django.db import OperationalError

from apps.imports import services

TRANSIENT = (OperationalError, ConnectionError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def resume_stalled_imports() -> list[int]:
    """Re-enqueue imports still running long after they started (lost tasks)."""
    return services.import_jobs_resume_stalled()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def run_import(job_id: int) -> int:
    """Import a started job in chunks; a retry resumes after the last committed chunk."""
    return services.import_job_run(job_id=job_id).imported_rows
