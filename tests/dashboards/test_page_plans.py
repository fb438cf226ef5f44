"""The role pages at a few thousand people: no query they issue scans the users or the usage log.

/me/ (a rep of the large organisation), /team/ and /coaching/ (a manager of one of its teams),
/lead/ and /rollout/ (the project lead). PostgreSQL only (SQLite's planner says nothing about
PostgreSQL's): the tables are ANALYZEd, each page is requested once with its queries captured,
and every SELECT is EXPLAINed.
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

from apps.activities.models import Account, Deal, DealStageChange
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
TEAMS = 150  # teams of 20, as sales teams are
FORBIDDEN = ("Seq Scan on auth_user", "Seq Scan on usage_usageevent")


def _large_organisation(world: World) -> list[int]:
    """Add PEOPLE reps in TEAMS teams with snapshots, usage events, deals and phases; return their ids."""
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
    # mads manages the first large team as well as North.
    TeamMember.objects.create(team=teams[0], user=world.mads, is_manager=True)
    account = Account.objects.create(organisation=world.org, name="Plan account")
    first, second = world.stages[0], world.stages[1]
    deals = Deal.objects.bulk_create(
        [Deal(account=account, owner_id=i, name=f"Deal {n}", stage=second, stage_entered_at=now,
              engaged_on=now.date() - dt.timedelta(days=30)) for n, i in enumerate(ids) for _ in range(2)],
        batch_size=5000)
    DealStageChange.objects.bulk_create(
        [DealStageChange(deal=d, from_stage=first, to_stage=second, changed_at=now, seconds_in_from_stage=86400,
                         changed_by_id=d.owner_id) for d in deals], batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ids


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


def _pages(world: World, ids: list[int]) -> list[tuple[Any, str]]:
    team = Team.objects.get(organisation=world.org, name="Plan team 0")
    rep = User.objects.get(pk=TeamMember.objects.filter(team=team, is_manager=False).order_by("pk")[0].user_id)
    return [(rep, "/me/"), (world.mads, f"/team/{team.pk}/"), (world.mads, f"/coaching/team/{team.pk}/"),
            (world.lene, "/lead/"), (world.lene, "/rollout/")]


def test_role_pages_scan_neither_the_users_nor_the_usage_log(world: World) -> None:
    ids = _large_organisation(world)
    failures = []
    checked = 0
    for viewer, path in _pages(world, ids):
        client = world.client_for(viewer)
        assert client.get(path).status_code == 200  # warm: sessions, caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        plans = _plans(captured.captured_queries)
        assert plans, f"{path} issued no SELECT"
        checked += len(plans)
        failures += [f"{path}: {sql}\n{plan}" for sql, plan in plans if any(scan in plan for scan in FORBIDDEN)]
    assert checked > 30
    assert not failures, f"{len(failures)} of {checked} queries scan:\n\n" + "\n\n".join(failures)


def test_the_check_sees_a_scan_of_the_users(world: World) -> None:
    """The EXPLAIN check itself: a query that must read every user is caught."""
    User.objects.bulk_create([User(username=f"plan-{i}", password="!") for i in range(PEOPLE)], batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE auth_user")
    with CaptureQueriesContext(connection) as captured:
        list(User.objects.filter(first_name__icontains="x").values_list("pk", flat=True))
    assert any("Seq Scan on auth_user" in plan for _sql, plan in _plans(captured.captured_queries))
