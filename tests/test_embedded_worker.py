"""`make run` without Redis: a real worker and the beat schedule over kombu's filesystem transport.

Runs as `make run` does, on a SQLite file of its own: the web side (here a `manage.py shell`
process) records an event, the worker scores it, and beat sends its every-minute job. Needs no
service, so it runs in every CI pass.
"""

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RECORD_AN_EVENT = """
from django.db import transaction
from django.utils import timezone
from apps.roles.models import RoleKind
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record
from tests import factories

org = factories.OrganisationFactory()
role = factories.RoleFactory(organisation=org, kind=RoleKind.SALES_REP)
user = factories.UserFactory(username="embedded")
factories.MembershipFactory(user=user, organisation=org, role=role)
with transaction.atomic():
    usage_event_record(user_id=user.pk, kind=EventKind.MEETING_LOGGED, occurred_at=timezone.now(),
                       source=EventSource.APP, idempotency_key="embedded-1", duration_seconds=120)
print(user.pk)
"""


def _wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path, Path]]:
    """Migrate a SQLite file and start `celery worker --beat` on the filesystem transport."""
    database = tmp_path / "db.sqlite3"
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({
        "DATABASE_URL": f"sqlite:///{database}",
        "EMBEDDED_WORKER": "true",
        "CELERY_EMBEDDED_DIR": str(tmp_path / "celery"),
        "DEBUG": "false",
        "SECRET_KEY": "embedded-test-key",
    })
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=180)
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crm_adoption", "worker", "--beat", "--pool=solo",
             "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            assert _wait_for(lambda: "ready." in log_path.read_text(), 60), log_path.read_text()[-3000:]
            yield env, database, log_path
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


def test_make_run_scores_events_on_a_worker_and_runs_the_beat_schedule(
    embedded: tuple[dict[str, str], Path, Path],
) -> None:
    env, database, log_path = embedded
    recorded = subprocess.run([sys.executable, "manage.py", "shell", "-c", RECORD_AN_EVENT], cwd=ROOT, env=env,
                              check=False, timeout=120, capture_output=True, text=True)
    assert recorded.returncode == 0, recorded.stderr[-3000:]
    user_id = int(recorded.stdout.strip().splitlines()[-1])

    def scored() -> bool:
        with sqlite3.connect(database, timeout=20) as db:
            rows = db.execute("SELECT give_minutes FROM scoring_scoresnapshot WHERE user_id = ?", [user_id])
            return rows.fetchone() is not None

    # Not eager: the recording process only wrote a file to the queue; the worker did the scoring.
    assert _wait_for(scored, 60), "the worker never scored the event:\n" + log_path.read_text()[-3000:]
    assert "Task apps.usage.tasks.drain_refresh_marks" in log_path.read_text()
    # Beat sends the every-minute drain at the next minute boundary.
    assert _wait_for(lambda: "Sending due task drain-refresh-marks" in log_path.read_text(), 75), \
        log_path.read_text()[-3000:]
