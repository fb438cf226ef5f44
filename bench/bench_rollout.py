"""Time gate evaluation: the demo organisation, and one phase covering 10,000 people."""

import datetime as dt
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.core.periods import week_start
from apps.demo.seed import ORGANISATION_NAME
from apps.demo.seed import seed_demo as seed_demo_organisation
from apps.pulse.models import PulseResponse
from apps.quickwins.models import QuickWinMilestone, QuickWinResult, QuickWinStatus
from apps.roles.models import Membership, Organisation, Role, RoleKind, Team, TeamMember
from apps.rollout.models import PhaseStatus, RolloutPhase
from apps.rollout.selectors import net_beneficiary_trend
from apps.rollout.services import gate_evaluate
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.usage.kinds import EventKind

User = get_user_model()
PEOPLE = 10_000
TEAMS = 20
WEEKS = 8
BATCH = 2000


def _build_organisation(today: dt.date) -> RolloutPhase:
    """Create 10,000 people in 20 teams with 8 weeks of snapshots and a quick-win result each."""
    org = Organisation.objects.create(name="Bench rollout org")
    role = Role.objects.create(organisation=org, kind=RoleKind.SALES_REP, name="Sales rep")
    teams = Team.objects.bulk_create([Team(organisation=org, name=f"Team {i}") for i in range(TEAMS)])
    users = User.objects.bulk_create(
        [User(username=f"bench-rollout-{i}", password="!") for i in range(PEOPLE)], batch_size=BATCH
    )
    go_live = week_start(today) - dt.timedelta(weeks=WEEKS - 1)
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=org, role=role, go_live_on=go_live) for u in users], batch_size=BATCH
    )
    TeamMember.objects.bulk_create(
        [TeamMember(team=teams[i % TEAMS], user=u) for i, u in enumerate(users)], batch_size=BATCH
    )
    now = timezone.now()
    mondays = [week_start(today) - dt.timedelta(weeks=w) for w in range(WEEKS - 1, -1, -1)]
    snapshots = []
    for i, user in enumerate(users):
        for w, monday in enumerate(mondays):
            gaining = (i + w) % 3 != 0
            give, get = Decimal(30 + i % 40), Decimal(60 if gaining else 10)
            components = {
                "give": [{"kind": EventKind.CALL_LOGGED if i % 2 else EventKind.MEETING_LOGGED, "count": 5,
                          "measured": 5, "minutes": str(give)}],
                "get": [{"kind": "weekly_digest", "count": 1, "minutes": str(get)}] if i % 4 else [],
            }
            snapshots.append(ScoreSnapshot(
                user=user, period_start=monday, give_minutes=give, get_minutes=get, rolling_give_minutes=give,
                rolling_get_minutes=get, net_minutes=get - give, nb_index=(get - give) / (get + give),
                score=Decimal(50), status=NetStatus.THRIVING if get > give else NetStatus.NET_LOSER,
                components=components, computed_at=now,
            ))
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
    milestone = QuickWinMilestone.objects.create(role=role, name="First meeting", event_kind=EventKind.MEETING_LOGGED)
    statuses = [QuickWinStatus.ON_TIME, QuickWinStatus.ON_TIME, QuickWinStatus.LATE, QuickWinStatus.MISSED]
    QuickWinResult.objects.bulk_create([
        QuickWinResult(milestone=milestone, user=u, go_live_on=go_live, due_on=go_live + dt.timedelta(days=7),
                       status=statuses[i % len(statuses)])
        for i, u in enumerate(users)
    ], batch_size=BATCH)
    answered = timezone.now() - dt.timedelta(days=3)
    PulseResponse.objects.bulk_create([
        PulseResponse(user=u, answered_at=answered, perceived_usefulness=Decimal(4 + i % 3),
                      perceived_ease_of_use=Decimal(3 + i % 4))
        for i, u in enumerate(users[::5])
    ], batch_size=BATCH)
    phase = RolloutPhase.objects.create(
        organisation=org, name="Everyone", order=1, planned_start=go_live - dt.timedelta(weeks=1), go_live_on=go_live,
        status=PhaseStatus.LIVE, min_pulse_score=Decimal("4.5"),
    )
    phase.teams.set(teams)
    return phase


def _timed(label: str, phase: RolloutPhase, today: dt.date) -> None:
    started = time.perf_counter()
    evaluation = gate_evaluate(phase=phase, today=today)
    elapsed = time.perf_counter() - started
    verdict = "passed" if evaluation.passed else "not passed"
    figures = ", ".join(f"{name} {entry['value']}" for name, entry in evaluation.values.items())
    print(f"   gate evaluation, {label}, {evaluation.people} people: {elapsed:.2f} s ({verdict}: {figures})")


def main() -> None:
    today = timezone.localdate()
    started = time.perf_counter()
    if not Organisation.objects.filter(name=ORGANISATION_NAME).exists():
        seed_demo_organisation(today=today)
    print(f"   demo organisation ready: {time.perf_counter() - started:.1f} s")
    for phase in RolloutPhase.objects.filter(organisation__name=ORGANISATION_NAME).order_by("order"):
        _timed(f"demo {phase.name!r}", phase, today)

    started = time.perf_counter()
    with transaction.atomic():
        phase = _build_organisation(today)
    print(f"   built {PEOPLE} people with {WEEKS} weeks of snapshots: {time.perf_counter() - started:.1f} s")
    _timed("bench organisation", phase, today)
    _timed("bench organisation, second run the same day", phase, today)
    started = time.perf_counter()
    trend = net_beneficiary_trend(phase, today=today)
    print(f"   net-beneficiary trend, {len(trend)} weeks, {PEOPLE} people: {time.perf_counter() - started:.2f} s")
