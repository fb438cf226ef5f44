"""Scoring at realistic volume: 10,000 people, 12 weeks, about 1.2 million usage events.

Prints the time to compute one week for everyone (the Monday period close) and the time to
refresh one person after a new event (the on-commit path).
"""

import datetime as dt
import random
import time
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets.models import Delivery, DeliveryKind
from apps.roles.models import Membership, Organisation, Role, RoleKind
from apps.scoring.services import period_close, scores_compute, scores_refresh_users
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent
from apps.usage.services import usage_event_record

PEOPLE = 10_000
WEEKS = 12
EVENTS_PER_WEEK = 10


def _build() -> list[int]:
    rng = random.Random(7)
    org = Organisation.objects.create(name="Bench org")
    role = Role.objects.create(organisation=org, kind=RoleKind.SALES_REP, name="Sales rep")
    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"scoring-bench-{i}", password="!") for i in range(PEOPLE)], batch_size=5000
    )
    ids = list(User.objects.filter(username__startswith="scoring-bench-").values_list("pk", flat=True))
    Membership.objects.bulk_create([Membership(user_id=i, organisation=org, role=role) for i in ids], batch_size=5000)
    tz = timezone.get_current_timezone()
    start = week_start(timezone.localdate()) - dt.timedelta(weeks=WEEKS - 1)
    kinds = [EventKind.CALL_LOGGED, EventKind.MEETING_LOGGED, EventKind.EMAIL_LOGGED]
    batch: list[UsageEvent] = []
    deliveries: list[Delivery] = []
    for user_id in ids:
        for week in range(WEEKS):
            monday = start + dt.timedelta(weeks=week)
            for _ in range(EVENTS_PER_WEEK):
                moment = dt.datetime.combine(monday + dt.timedelta(days=rng.randint(0, 4)), dt.time(rng.randint(8, 16)),
                                             tzinfo=tz)
                batch.append(UsageEvent(user_id=user_id, kind=rng.choice(kinds), occurred_at=moment,
                                        duration_seconds=rng.randint(20, 400) if rng.random() < 0.8 else None,
                                        source=EventSource.APP, idempotency_key=uuid.uuid4().hex))
            sent = dt.datetime.combine(monday, dt.time(7), tzinfo=tz)
            deliveries.append(Delivery(user_id=user_id, kind=DeliveryKind.WEEKLY_DIGEST, value_minutes=Decimal(60),
                                       delivered_at=sent, consumed_at=sent if rng.random() < 0.6 else None,
                                       idempotency_key=uuid.uuid4().hex))
        if len(batch) >= 50_000:
            UsageEvent.objects.bulk_create(batch, batch_size=10_000)
            batch = []
    UsageEvent.objects.bulk_create(batch, batch_size=10_000)
    Delivery.objects.bulk_create(deliveries, batch_size=10_000)
    # A live database has planner statistics; a freshly bulk-loaded one must gather them first.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids


def main() -> None:
    started = time.perf_counter()
    ids = _build()
    events = UsageEvent.objects.count()
    print(f"   built {len(ids)} people, {events} usage events in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor})")
    this_monday = week_start(timezone.localdate())

    started = time.perf_counter()
    period_close(monday=this_monday - dt.timedelta(weeks=1))
    elapsed = time.perf_counter() - started
    print(f"   period close (last week closed + this week opened), {len(ids)} people: {elapsed:.1f} s "
          f"({2 * len(ids) / elapsed:.0f} snapshots/s)")

    started = time.perf_counter()
    scores_compute(user_ids=ids[:1000], mondays=[this_monday - dt.timedelta(weeks=w) for w in range(WEEKS)])
    elapsed = time.perf_counter() - started
    print(f"   full 12-week history for 1,000 people: {elapsed:.1f} s")

    person = ids[len(ids) // 2]
    timings = []
    for i in range(20):
        usage_event_record(user_id=person, kind=EventKind.CALL_LOGGED, occurred_at=timezone.now(),
                           source=EventSource.APP, idempotency_key=f"bench-refresh-{i}", duration_seconds=60)
        started = time.perf_counter()
        scores_refresh_users(user_ids=[person])
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(f"   one person's refresh after a new event: median {1000 * timings[len(timings) // 2]:.1f} ms, "
          f"max {1000 * timings[-1]:.1f} ms")
