"""Fault test: the broker (a Redis of this test's own) dies mid-run; writes succeed, scores catch up.

Needs PostgreSQL and a redis-server binary; a worker process runs against the private Redis.
"""

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind
from apps.usage.models import RefreshMark
from tests import factories
from tests.conftest import World, services_pytestmark, wait_for

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server")

pytestmark = services_pytestmark(also_needed="redis-server", also_present=REDIS_SERVER is not None)


def _wait(predicate: Any, timeout: float = 60.0) -> bool:
    return wait_for(predicate, timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server on a free loopback port, without persistence, that the test can stop and start."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        assert _wait(self._answers, timeout=10), "private redis did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


@pytest.fixture
def private_broker(transactional_db: Any) -> Iterator[PrivateRedis]:
    """Point this process and one worker at a private Redis; stop everything afterwards."""
    from crm_adoption.celery import app

    redis = PrivateRedis()
    redis.start()
    queue = f"outage-{uuid.uuid4().hex[:10]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis.url, "CELERY_DEFAULT_QUEUE": queue, "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-test-key"),
    }
    log_path = ROOT / "test-artifacts" / f"worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = log_path.open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crm_adoption", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    previous = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.update(CELERY_BROKER_URL=redis.url, CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=queue)
    app._pool = None  # connections made for the shared Redis must not be reused
    app.amqp._producer_pool = None
    try:
        assert _wait(lambda: "ready." in log_path.read_text()), log_path.read_text()[-3000:]
        yield redis
    finally:
        app.conf.update(CELERY_BROKER_URL=previous[0], CELERY_TASK_ALWAYS_EAGER=previous[1],
                        CELERY_TASK_DEFAULT_QUEUE=previous[2])
        app._pool = None
        app.amqp._producer_pool = None
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        redis.stop()


def test_writes_succeed_while_redis_is_down_and_scores_catch_up_when_it_returns(
    world: World, private_broker: PrivateRedis
) -> None:
    from apps.usage.tasks import drain_refresh_marks

    rita, ronja = Client(), Client()
    rita.force_login(world.rita)
    ronja.force_login(world.ronja)
    account = factories.AccountFactory(organisation=world.org)
    # Their logins are usage too: let the worker fold them in before the broker goes away.
    assert _wait(lambda: not RefreshMark.objects.exists()), "the logins were never drained"

    def gave() -> dict[int, object]:
        return dict(ScoreSnapshot.objects.filter(user_id__in=[world.rita.pk, world.ronja.pk])
                    .order_by("period_start").values_list("user_id", "give_minutes"))

    before = gave()
    private_broker.stop()  # mid-run: the worker is up, the broker is gone
    for i in range(3):
        response = rita.post("/api/events/", {"kind": EventKind.CALL_LOGGED, "idempotency_key": f"down-{i}",
                                              "occurred_at": timezone.now().isoformat(), "duration_seconds": 60},
                             content_type="application/json")
        assert response.status_code == 201, response.content
    response = ronja.post("/api/activities/", {"type": "call", "account_id": account.pk, "summary": "Called",
                                               "idempotency_key": "down-activity"},
                          content_type="application/json")
    assert response.status_code == 201, response.content
    assert set(RefreshMark.objects.values_list("user_id", flat=True)) == {world.rita.pk, world.ronja.pk}
    assert gave() == before

    private_broker.start()
    drain_refresh_marks.delay()  # what the every-minute beat entry sends
    assert _wait(lambda: not RefreshMark.objects.exists()), "the drain never caught up"
    after = gave()
    assert after[world.rita.pk] != before.get(world.rita.pk)
    assert after[world.ronja.pk] != before.get(world.ronja.pk)
