"""Backlog: 100,000 events waiting to be folded into scores, then one more event: seconds until
that one is in its person's score, with one real Celery worker on PostgreSQL and Redis.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL; without them it says so and prints no ratio.
The bench starts the worker itself (one process, solo pool) on a queue of its own, after the
backlog is written, and sends the one event once the worker is draining. Volumes: env
BENCH_PEOPLE (default 10,000 people) and BENCH_BACKLOG (default 100,000 events, spread over
the last BACKLOG_WEEKS weeks: late events, as an import or a CRM log connector sends them).
Prints `ratio backlog=…` (seconds; the goal is ≤ 5) last.
"""

import datetime as dt
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.core.periods import week_start
from apps.roles.models import Membership, Organisation, Role, RoleKind
from apps.scoring.models import ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import RefreshMark, UsageEvent
from apps.usage.services import EventInput, usage_event_record, usage_events_insert

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "100000"))
BACKLOG_WEEKS = 4
HISTORY_WEEKS = 8
HISTORY_PER_WEEK = 5
SEND_BATCH = 1000  # events per write, as the batch events API accepts them
KINDS = [EventKind.CALL_LOGGED, EventKind.EMAIL_LOGGED, EventKind.NOTE_LOGGED]
PROBE_KIND = EventKind.MEETING_LOGGED  # nobody else has one: its line in the score is the probe's


def _people() -> list[int]:
    org = Organisation.objects.create(name="Backlog bench org")
    role = Role.objects.create(organisation=org, kind=RoleKind.SALES_REP, name="Sales rep")
    User = get_user_model()
    User.objects.bulk_create([User(username=f"backlog-bench-{i}", password="!") for i in range(PEOPLE)],
                             batch_size=5000)
    ids = list(User.objects.filter(username__startswith="backlog-bench-").order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create([Membership(user_id=i, organisation=org, role=role) for i in ids], batch_size=5000)
    return ids


def _history(ids: list[int], rng: random.Random) -> None:
    """Old, already-scored events (bulk-loaded: rollups, no marks)."""
    tz = timezone.get_current_timezone()
    start = week_start(timezone.localdate()) - dt.timedelta(weeks=HISTORY_WEEKS + BACKLOG_WEEKS)
    batch: list[UsageEvent] = []
    for user_id in ids:
        for week in range(HISTORY_WEEKS):
            for _ in range(HISTORY_PER_WEEK):
                day = start + dt.timedelta(weeks=week, days=rng.randint(0, 4))
                batch.append(UsageEvent(user_id=user_id, kind=rng.choice(KINDS), source=EventSource.APP,
                                        occurred_at=dt.datetime.combine(day, dt.time(rng.randint(8, 16)), tzinfo=tz),
                                        duration_seconds=rng.randint(20, 400), idempotency_key=uuid.uuid4().hex))
        if len(batch) >= 50_000:
            UsageEvent.objects.bulk_create(batch, batch_size=10_000)
            batch = []
    UsageEvent.objects.bulk_create(batch, batch_size=10_000)


def _send_backlog(ids: list[int], rng: random.Random) -> float:
    """Write BACKLOG events in API-sized batches (each marks its people and asks for a drain)."""
    now = timezone.now()
    oldest = timezone.localtime(now) - dt.timedelta(weeks=BACKLOG_WEEKS)
    span = (now - oldest).total_seconds()
    started = time.perf_counter()
    for start in range(0, BACKLOG, SEND_BATCH):
        usage_events_insert(events=[
            EventInput(user_id=rng.choice(ids), kind=rng.choice(KINDS), source=EventSource.API,
                       occurred_at=oldest + dt.timedelta(seconds=rng.uniform(0, span)),
                       duration_seconds=rng.randint(20, 400) if rng.random() < 0.5 else None,
                       idempotency_key=f"backlog-{start + i}")
            for i in range(min(SEND_BATCH, BACKLOG - start))
        ])
    return time.perf_counter() - started


def _start_worker(queue: str) -> tuple[subprocess.Popen[bytes], Path]:
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_DEFAULT_QUEUE": queue, "DEBUG": "false",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-key")}
    log_path = ROOT / "test-artifacts" / f"bench-worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    process = subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter, our worker
        [sys.executable, "-m", "celery", "-A", "crm_adoption", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    return process, log_path


def _wait(predicate: object, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


def _probe_scored(user_id: int, monday: dt.date) -> bool:
    snapshot = ScoreSnapshot.objects.filter(user_id=user_id, period_start=monday).only("components").first()
    return snapshot is not None and any(line["kind"] == PROBE_KIND for line in snapshot.components.get("give", []))


def main() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        print("   skipped: needs DATABASE_URL=postgres://… and REDIS_URL (a real worker drains the backlog)")
        return
    from crm_adoption.celery import app

    rng = random.Random(13)
    started = time.perf_counter()
    ids = _people()
    _history(ids, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"   {PEOPLE} people, {UsageEvent.objects.count()} events of history "
          f"(built in {time.perf_counter() - started:.1f} s)")

    queue = f"bench-backlog-{uuid.uuid4().hex[:8]}"
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=queue)
    worker = None
    try:
        sent = _send_backlog(ids, rng)
        marked = RefreshMark.objects.count()
        print(f"   backlog: {BACKLOG} events over the last {BACKLOG_WEEKS} weeks written in {sent:.1f} s; "
              f"{marked} people marked, {BACKLOG // SEND_BATCH} drain tasks queued")
        worker, log_path = _start_worker(queue)
        if not _wait(lambda: "ready." in log_path.read_text(), timeout=90, step=0.2):
            raise RuntimeError("worker did not start:\n" + log_path.read_text()[-3000:])
        drain_started = time.perf_counter()
        # Send the one event while the worker is visibly in the middle of the backlog.
        _wait(lambda: RefreshMark.objects.count() < marked, timeout=120)
        person = ids[len(ids) // 3]
        waiting = RefreshMark.objects.count()
        sent_at = time.perf_counter()
        usage_event_record(user_id=person, kind=PROBE_KIND, occurred_at=timezone.now(), source=EventSource.APP,
                           idempotency_key="backlog-probe", duration_seconds=123)
        monday = week_start(timezone.localdate())
        if not _wait(lambda: _probe_scored(person, monday), timeout=300):
            raise RuntimeError("the probe event never reached its score:\n" + log_path.read_text()[-3000:])
        latency = time.perf_counter() - sent_at
        left = RefreshMark.objects.count()
        print(f"   one more event sent with {waiting} people still marked: in its person's score after "
              f"{latency:.2f} s ({left} people still marked then)")
        _wait(lambda: not RefreshMark.objects.exists(), timeout=1800, step=0.5)
        drained = time.perf_counter() - drain_started
        print(f"   whole backlog drained by one worker in {drained:.1f} s ({marked / drained:.0f} people/s)")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=60)
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=previous[0], CELERY_TASK_DEFAULT_QUEUE=previous[1])
    print(f"ratio backlog={latency:.2f}")
