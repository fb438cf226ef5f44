"""Thin Celery tasks for imports: ids in, one service call, safe to run twice."""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError
from django.utils import timezone

from apps.core.enqueue import task_send
from apps.imports import services

TRANSIENT = (OperationalError, ConnectionError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def resume_stalled_imports() -> list[int]:
    """Re-enqueue imports still running long after they started (lost tasks)."""
    return services.import_jobs_resume_stalled()


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def resume_running_imports() -> list[int]:
    """Re-enqueue every import still running, however recently it started; return their ids.

    Sent each time a worker starts. A worker killed outright (OOM, SIGKILL, a lost container)
    leaves its import "running" with the task unacknowledged in Redis until the visibility
    timeout (20 minutes); the worker started in its place resumes it at once instead, after its
    last committed chunk. A run still alive elsewhere is not disturbed: each chunk is written only
    by the run that expects the job's position, so no row is imported twice.
    """
    # Every job started before now counts as stalled.
    return services.import_jobs_resume_stalled(now=timezone.now() + services.STALLED_AFTER)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def run_import(job_id: int) -> int:
    """Import a started job in chunks; a retry resumes after the last committed chunk."""
    return services.import_job_run(job_id=job_id).imported_rows


@worker_ready.connect
def _resume_imports_when_a_worker_starts(**_kwargs: Any) -> None:
    # Sent, not run here: the worker's main process keeps no database connection of its own.
    task_send(resume_running_imports)
