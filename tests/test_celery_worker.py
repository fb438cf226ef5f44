"""The scoring path through real services: PostgreSQL, Redis and a Celery worker process.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL. Without them these tests are skipped with a
reason; with REQUIRE_SERVICES=1 (CI) a missing service fails the run instead.
"""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record
from tests.conftest import World, services_pytestmark, wait_for

ROOT = Path(__file__).resolve().parent.parent

pytestmark = services_pytestmark()


def _wait(predicate: Any, timeout: float = 45.0) -> bool:
    return wait_for(predicate, timeout)


@pytest.fixture(scope="module")
def queue_name() -> str:
    # A queue of its own, so nothing left over in Redis from another run is consumed here.
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def celery_worker_process(queue_name: str, django_db_setup: Any, transactional_db: Any) -> Iterator[subprocess.Popen]:
    """Start `celery worker` on the test database and the test queue; stop it afterwards."""
    from crm_adoption.celery import app

    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_DEFAULT_QUEUE": queue_name,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test-key"),
    }
    log_path = ROOT / "test-artifacts" / f"worker-{queue_name}-{uuid.uuid4().hex[:6]}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crm_adoption", "worker", "--pool=solo", "-Q", queue_name,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    # Celery reads the namespaced (CELERY_*) keys from Django settings before the plain ones.
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=queue_name)
    try:
        ready = _wait(lambda: "ready." in log_path.read_text(), timeout=60)
        assert ready, "worker did not start:\n" + log_path.read_text()[-3000:]
        yield process
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous[0], CELERY_TASK_DEFAULT_QUEUE=previous[1])
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_a_logged_event_is_scored_by_the_worker_after_commit(world: World, celery_worker_process: Any) -> None:
    with transaction.atomic():
        usage_event_record(user_id=world.rita.pk, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                           source=EventSource.APP, idempotency_key="worker-1", duration_seconds=180)
        # Enqueued only after commit: nothing can have been scored inside the transaction.
        assert not ScoreSnapshot.objects.filter(user=world.rita).exists()

    assert _wait(lambda: ScoreSnapshot.objects.filter(user=world.rita).exists()), "worker never scored"
    snapshot = ScoreSnapshot.objects.get(user=world.rita)
    assert snapshot.give_minutes == Decimal("3.00")
    assert snapshot.status == "net_loser"


def test_the_reconciliation_job_runs_on_the_worker_and_is_idempotent(world: World, celery_worker_process: Any) -> None:
    from apps.scoring.tasks import reconcile_stale_scores
    from tests import factories

    factories.UsageEventFactory(user=world.ronja, duration_seconds=120)  # written without any enqueue

    reconcile_stale_scores.delay()
    assert _wait(lambda: ScoreSnapshot.objects.filter(user=world.ronja).exists())
    first = list(ScoreSnapshot.objects.filter(user=world.ronja).values("score", "give_minutes", "status"))

    reconcile_stale_scores.delay()
    reconcile_stale_scores.delay()
    time.sleep(2)
    assert list(ScoreSnapshot.objects.filter(user=world.ronja).values("score", "give_minutes", "status")) == first


def test_a_batch_of_1000_through_the_api_gets_exact_answers_and_the_worker_scores_it(
    world: World, celery_worker_process: Any,
) -> None:
    """Duplicates, malformed items and unmapped identities in one batch; held rows replay once."""
    from django.test import Client

    from apps.integrations.models import HeldEvent
    from apps.integrations.services import identity_map, integration_key_create
    from apps.usage.models import UsageEvent

    _key, secret = integration_key_create(organisation_id=world.org.pk, name="worker", scopes=["events:write"])
    now = timezone.now()
    events: list[Any] = []
    expected: list[str] = []
    for i in range(1000):
        at = (now - dt.timedelta(minutes=i)).isoformat()
        if i % 10 == 0:  # repeats the key of the item before it
            events.append({"person": world.rita.pk, "kind": "record_viewed", "occurred_at": at,
                           "idempotency_key": f"w-{i - 1}"})
            expected.append("duplicate")
        elif i % 10 == 1:
            events.append({"person": world.rita.pk, "kind": "no_such_kind", "occurred_at": at,
                           "idempotency_key": f"w-{i}"})
            expected.append("rejected")
        elif i % 10 == 2:
            events.append({"person": {"source": "salesforce", "external_id": "005000000000009AAA"},
                           "kind": "login", "occurred_at": at, "idempotency_key": f"w-{i}"})
            expected.append("held")
        else:
            person = world.rita.pk if i % 2 else world.ronja.email
            events.append({"person": person, "kind": "record_created", "occurred_at": at,
                           "idempotency_key": f"w-{i}", "duration_seconds": 30})
            expected.append("accepted")
    # The first item's "previous" key does not exist yet: it is a new event.
    expected[0] = "accepted"
    response = Client().post("/api/v1/events/", {"events": events}, content_type="application/json",
                             HTTP_AUTHORIZATION=f"Api-Key {secret}")
    assert response.status_code == 200, response.content
    assert [r["status"] for r in response.json()["results"]] == expected
    assert UsageEvent.objects.filter(source="api").exclude(kind="login").count() == expected.count("accepted")
    assert HeldEvent.objects.count() == 100

    assert identity_map(organisation_id=world.org.pk, user_id=world.sam.pk, source="salesforce",
                        external_id="005000000000009AAA") == 100
    assert identity_map(organisation_id=world.org.pk, user_id=world.sam.pk, source="salesforce",
                        external_id="005000000000009AAA") == 0
    assert UsageEvent.objects.filter(user=world.sam, kind="login", source="api").count() == 100

    # The worker drains the marks the batch and the replay wrote.
    from apps.usage.models import RefreshMark

    assert _wait(lambda: not RefreshMark.objects.exists()), "the worker never drained the batch"
    assert ScoreSnapshot.objects.filter(user=world.rita).exists()
    assert ScoreSnapshot.objects.filter(user=world.ronja).exists()
