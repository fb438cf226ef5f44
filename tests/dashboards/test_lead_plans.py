"""/lead/ at a few thousand people: no query the page issues scans the users or the usage log.

PostgreSQL only (SQLite's planner says nothing about PostgreSQL's): the page is requested once
with its queries captured, the tables are ANALYZEd, and every SELECT is EXPLAINed.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.periods import week_start
from apps.roles.models import Membership, RoleKind, Team, TeamMember
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent
from tests.conftest import World
from tests.rollout.factories import PhaseFactory

User = get_user_model()

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL's plans"),
]

PEOPLE = 3000
TEAMS = 30
FORBIDDEN = ("Seq Scan on auth_user", "Seq Scan on usage_usageevent")


def _large_organisation(world: World) -> None:
    User.objects.bulk_create([User(username=f"plan-{i}", password="!") for i in range(PEOPLE)], batch_size=1000)
    ids = list(User.objects.filter(username__startswith="plan-").order_by("pk").values_list("pk", flat=True))
    rep = world.roles[RoleKind.SALES_REP]
    Membership.objects.bulk_create([Membership(user_id=i, organisation=world.org, role=rep) for i in ids])
    teams = Team.objects.bulk_create([Team(organisation=world.org, name=f"Plan team {t}") for t in range(TEAMS)])
    TeamMember.objects.bulk_create([TeamMember(team=teams[n % TEAMS], user_id=i) for n, i in enumerate(ids)])
    monday = week_start(timezone.localdate())
    statuses = [NetStatus.THRIVING, NetStatus.NET_LOSER, NetStatus.INACTIVE]
    snapshots = []
    for week in range(4):
        for n, i in enumerate(ids):
            snapshots.append(ScoreSnapshot(
                user_id=i, period_start=monday - dt.timedelta(weeks=week), give_minutes=Decimal(1),
                get_minutes=Decimal(2), rolling_give_minutes=Decimal(1), rolling_get_minutes=Decimal(2),
                net_minutes=Decimal(1), nb_index=Decimal("0.3"), score=Decimal(60), status=statuses[n % 3],
                components={}, computed_at=timezone.now()))
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    now = timezone.now()
    UsageEvent.objects.bulk_create(
        [UsageEvent(user_id=i, kind=EventKind.CALL_LOGGED, occurred_at=now - dt.timedelta(days=d), duration_seconds=60,
                    source=EventSource.APP, idempotency_key=uuid.uuid4().hex) for i in ids for d in range(5)],
        batch_size=5000)
    PhaseFactory(organisation=world.org, order=1, teams=teams[:10])
    PhaseFactory(organisation=world.org, order=2, teams=teams[10:20], roles=[world.roles[RoleKind.MANAGER]])
    PhaseFactory(organisation=world.org, order=3, roles=[rep])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _plans(queries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute("EXPLAIN " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def test_lead_page_scans_neither_the_users_nor_the_usage_log(world: World) -> None:
    _large_organisation(world)
    client = world.client_for(world.lene)
    assert client.get("/lead/").status_code == 200  # warm: sessions, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/lead/")
    assert response.status_code == 200
    assert "Phase" in response.content.decode()

    plans = _plans(captured.captured_queries)
    assert plans, "the page issued no SELECT"
    bad = [(sql, plan) for sql, plan in plans if any(scan in plan for scan in FORBIDDEN)]
    assert not bad, f"{len(bad)} of {len(plans)} queries scan: " + "\n\n".join(f"{sql}\n{plan}" for sql, plan in bad)
