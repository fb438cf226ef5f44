"""Without services: a worker that starts sends resume_running_imports, which resumes every
running import at once, however recently it started (tests/ops/test_killed_worker_import.py runs
the same against real workers, one of them killed mid-import)."""

from pathlib import Path
from typing import Any

import pytest
from celery.signals import worker_ready

from apps.activities.models import Activity
from apps.imports import services
from apps.imports.models import ImportStatus
from tests.conftest import World
from tests.imports.factories import csv_upload, previewed_job

pytestmark = pytest.mark.django_db

ROWS = [["Dato", "Type", "Kunde", "Note"], ["20-10-2023", "Møde", "Acme", "Demo"],
        ["21-10-2023", "Opkald", "Acme", "Opfølgning"]]


def test_a_starting_worker_resumes_an_import_that_started_a_moment_ago(
    world: World, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    job = previewed_job(world.rita, csv_upload(ROWS))
    with django_capture_on_commit_callbacks(execute=False):  # its task was lost with its worker
        services.import_job_start(job=job, language="en")
    assert services.import_jobs_resume_stalled() == []  # the periodic job would wait 30 minutes

    with django_capture_on_commit_callbacks(execute=True):
        worker_ready.send(sender=None)  # tasks run in-process here (eager)
    job.refresh_from_db()
    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 2)

    with django_capture_on_commit_callbacks(execute=True):
        worker_ready.send(sender=None)
    assert Activity.objects.filter(owner=world.rita).count() == 2  # a finished job is left alone
