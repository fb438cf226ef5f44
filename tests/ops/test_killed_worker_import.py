"""A worker killed in the middle of a spreadsheet import loses nothing, stalls nothing and counts
nothing twice: the next worker to start resumes the job at once, after its last committed chunk.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) and starts real `celery worker` processes.
Without them the test is skipped with a reason; with REQUIRE_SERVICES=1 (CI) it fails instead.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from apps.activities.models import Activity
from apps.imports import services
from apps.imports.models import ImportJob, ImportStatus
from apps.usage.kinds import EventSource
from apps.usage.models import UsageEvent
from tests.conftest import World, services_pytestmark, wait_for
from tests.imports.factories import csv_upload, previewed_job

ROOT = Path(__file__).resolve().parents[2]
ROWS = 3 * services.CHUNK_ROWS + 500  # four chunks: killed after the first, three left to resume

pytestmark = services_pytestmark()


@pytest.fixture
def start_worker(tmp_path: Path, settings: Any, transactional_db: Any) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start `celery worker` processes on the test database, a queue of their own and a shared
    MEDIA_ROOT (the uploaded file); every one still alive is stopped afterwards."""
    from crm_adoption.celery import app

    queue = f"test-kill-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_ROOT = tmp_path / "media"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_DEFAULT_QUEUE": queue, "CELERY_IMPORTS_QUEUE": queue, "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DEBUG": "false", "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test-key"),
    }
    logs = ROOT / "test-artifacts"
    logs.mkdir(exist_ok=True)
    processes: list[tuple[subprocess.Popen, Any]] = []

    def start() -> subprocess.Popen:
        log_path = logs / f"worker-{queue}-{len(processes)}.log"
        log = log_path.open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crm_adoption", "worker", "--pool=solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        assert wait_for(lambda: "ready." in log_path.read_text(), timeout=60), log_path.read_text()[-3000:]
        return process

    def route(routes: Any) -> None:
        # Celery reads the namespaced (CELERY_*) keys first and caches its router: rebuild it.
        app.conf.update(CELERY_TASK_ROUTES=routes)
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)

    previous = (app.conf.task_always_eager, app.conf.task_routes)
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)
    route({"apps.imports.tasks.*": {"queue": queue}})
    try:
        yield start
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous[0])
        route(previous[1])
        for process, log in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
            log.close()


def test_a_worker_killed_mid_import_is_resumed_by_the_next_worker_with_every_row_once(
    world: World, start_worker: Any,
) -> None:
    rows = [["Dato", "Type", "Kunde", "Resumé"]]
    rows += [[f"{1 + i % 28:02d}-{1 + i % 12:02d}-2024", ("Møde", "Opkald", "mail")[i % 3], f"Kunde {i % 40}",
              f"Række {i}"] for i in range(ROWS)]
    job = previewed_job(world.rita, csv_upload(rows))
    assert job.preview["would_import"] == ROWS

    first = start_worker()
    services.import_job_start(job=job, language="en")  # its task goes to the first worker on commit

    def progress() -> tuple[str, int]:
        job.refresh_from_db()
        return job.status, job.processed_rows

    # Killed after its first chunk committed, in the middle of the rest (no warm shutdown).
    assert wait_for(lambda: progress()[1] >= services.CHUNK_ROWS, timeout=60, interval=0.05), f"no chunk written: {progress()}"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = progress()
    assert killed_at[0] == ImportStatus.RUNNING, f"the import ended before the kill: {killed_at}"
    assert 0 < killed_at[1] < ROWS

    started = time.monotonic()
    start_worker()
    assert wait_for(lambda: progress()[0] == ImportStatus.DONE, timeout=90), (
        f"not resumed: {progress()} (killed at {killed_at})")
    resumed_in = time.monotonic() - started
    print(f"killed at {killed_at[1]} of {ROWS} rows; done {resumed_in:.1f} s after the new worker started")

    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows, job.imported_rows, job.skipped_duplicates, job.error_rows) == (
        ROWS, ROWS, ROWS, 0, 0)
    # Every row exactly once: the chunk the kill interrupted was rolled back, not half kept.
    assert Activity.objects.filter(owner=world.rita).count() == ROWS
    events = UsageEvent.objects.filter(user=world.rita, source=EventSource.IMPORT)
    assert events.count() == ROWS
    assert events.values("idempotency_key").distinct().count() == ROWS
    assert ImportJob.objects.get(pk=job.pk).finished_at is not None
