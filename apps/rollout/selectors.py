"""Reading rollout phases, who they cover, and what their gates measure.

Every measurement is a set-based query over the phase's people (a subquery, never a Python
list of ids), so a phase of 10,000 people costs the same handful of queries as one of ten.
"""

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Avg, Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets.models import DeliveryKind
from apps.pulse.models import PulseResponse
from apps.quickwins.models import QuickWinResult
from apps.quickwins.selectors import on_time_counts
from apps.roles.models import Membership, TeamMember
from apps.rollout.gates import GateMeasurements, whole_weeks_between
from apps.rollout.impact import phase_impact_of
from apps.rollout.models import GateEvaluation, PhaseEvent, PhaseStatus, RolloutPhase
from apps.scoring.models import NET_BENEFICIARY_STATUSES, ScoreSnapshot

User = get_user_model()
PULSE_WINDOW = dt.timedelta(days=30)
MAX_TREND_WEEKS = 26
# Statuses whose phase has been taken into use: their people have a go-live date.
STARTED_STATUSES = (PhaseStatus.LIVE, PhaseStatus.GATE_PASSED, PhaseStatus.GATE_FAILED, PhaseStatus.COMPLETED)


def _covered_user_ids(phase: RolloutPhase) -> QuerySet:
    """Return the user ids of the phase's team members and role holders, as one UNION.

    A UNION reads each side through its index; `pk IN (…) OR pk IN (…)` made the planner read
    every user.
    """
    in_teams: QuerySet[Any, Any] = TeamMember.objects.filter(team__phases=phase.pk).values("user_id")
    in_roles: QuerySet[Any, Any] = Membership.objects.filter(role__phases=phase.pk).values("user_id")
    return in_teams.union(in_roles)


def phase_people(phase: RolloutPhase) -> QuerySet:
    """Return the people a phase covers: members of its teams and holders of its roles."""
    # One membership per organisation, so this join cannot duplicate anyone.
    return User.objects.filter(pk__in=_covered_user_ids(phase), memberships__organisation_id=phase.organisation_id)


def phase_people_count(phase: RolloutPhase) -> int:
    """Return how many people the phase covers, counting memberships (the users table is not read)."""
    return Membership.objects.filter(organisation_id=phase.organisation_id,
                                     user_id__in=_covered_user_ids(phase)).count()


# The one definition of "net beneficiary" for every share on every page: thriving or at risk
# (NET_BENEFICIARY_STATUSES) in the week's stored snapshot, over the group's people scored that
# week (closing a week scores every person, inactive ones included). Pages label it with
# NET_BENEFICIARY_BASIS.
IS_NET_BENEFICIARY = Q(status__in=NET_BENEFICIARY_STATUSES)


def _net_beneficiary_aggregates() -> dict[str, Count]:
    return {
        "scored": Count("user_id", distinct=True),
        "net_beneficiaries": Count("user_id", distinct=True, filter=IS_NET_BENEFICIARY),
    }


def net_beneficiary_counts(snapshots: QuerySet[ScoreSnapshot], *group_by: str) -> QuerySet[Any]:
    """Return per `group_by` value the scored people and net beneficiaries among `snapshots`."""
    return snapshots.values(*group_by).annotate(**_net_beneficiary_aggregates()).order_by()


def net_beneficiary_total(snapshots: QuerySet[ScoreSnapshot]) -> dict[str, int]:
    """Return the scored people and net beneficiaries among `snapshots`, in one aggregate."""
    return snapshots.aggregate(**_net_beneficiary_aggregates())


def _people_within_teams(people: QuerySet, team_ids: Sequence[int] | None) -> QuerySet:
    """Narrow `people` to the non-manager members of `team_ids` (all of them when None)."""
    if team_ids is None:
        return people
    members = TeamMember.objects.filter(team_id__in=team_ids, is_manager=False).values("user_id")
    return people.filter(pk__in=members)


@dataclass(frozen=True)
class PhaseAdoption:
    phase: RolloutPhase
    people: int
    scored: int
    net_beneficiaries: int

    @property
    def net_beneficiary_pct(self) -> float | None:
        return 100 * self.net_beneficiaries / self.scored if self.scored else None


def _covered(organisation_id: int) -> tuple[str, list[Any]]:
    """Return SQL of (phase_id, user_id) for every person each of the organisation's phases
    covers, once each, with its parameters.

    The people are worked out once for all of the organisation's phases, from the phases' teams
    and roles through their indexes (a UNION, not `pk IN (…) OR pk IN (…)`, which made the
    planner read every user); the membership join keeps the organisation's own people. Each
    branch of the UNION picks the organisation's phases itself: joined after the UNION, the
    planner guessed a few hundred rows where a phase has thousands of people and looked each
    person's membership and snapshot up one at a time.
    """
    quote = connection.ops.quote_name
    phase = quote(RolloutPhase._meta.db_table)
    phase_teams = quote(RolloutPhase.teams.through._meta.db_table)
    phase_roles = quote(RolloutPhase.roles.through._meta.db_table)
    team_member = quote(TeamMember._meta.db_table)
    membership = quote(Membership._meta.db_table)
    sql = (
        f"SELECT c.phase_id, c.user_id FROM ("  # noqa: S608 - table names are ours
        f"SELECT pt.rolloutphase_id AS phase_id, tm.user_id AS user_id FROM {phase_teams} pt "
        f"JOIN {phase} p ON p.id = pt.rolloutphase_id AND p.organisation_id = %s "
        f"JOIN {team_member} tm ON tm.team_id = pt.team_id "
        f"UNION SELECT pr.rolloutphase_id, m.user_id FROM {phase_roles} pr "
        f"JOIN {phase} p ON p.id = pr.rolloutphase_id AND p.organisation_id = %s "
        f"JOIN {membership} m ON m.role_id = pr.role_id) c "
        # One membership per organisation, so this join cannot duplicate anyone.
        f"JOIN {membership} om ON om.user_id = c.user_id AND om.organisation_id = %s"
    )
    return sql, [organisation_id] * 3


def phases_adoption(*, organisation_id: int, today: dt.date | None = None) -> list[PhaseAdoption]:
    """Return each phase with how many of its people are net beneficiaries this week, in one query.

    Each phase's people are resolved once (`_covered`) and joined to the week's snapshots.
    """
    monday = week_start(today or timezone.localdate())
    quote = connection.ops.quote_name
    phase = quote(RolloutPhase._meta.db_table)
    snapshot = quote(ScoreSnapshot._meta.db_table)
    statuses = sorted(NET_BENEFICIARY_STATUSES)
    is_nb = ", ".join(["%s"] * len(statuses))
    covered, covered_params = _covered(organisation_id)
    # Raw rows carry the three counts as attributes (the type checker cannot see them).
    phases: Any = RolloutPhase.objects.raw(
        f"WITH covered AS ({covered}), counts AS ("  # noqa: S608 - table names are ours
        "SELECT c.phase_id, COUNT(*) AS people, COUNT(s.id) AS scored, "
        f"SUM(CASE WHEN s.status IN ({is_nb}) THEN 1 ELSE 0 END) AS net_beneficiaries FROM covered c "
        f"LEFT JOIN {snapshot} s ON s.user_id = c.user_id AND s.period_start = %s GROUP BY c.phase_id) "
        f"SELECT p.*, COALESCE(counts.people, 0) AS people_count, COALESCE(counts.scored, 0) AS scored_count, "
        f"COALESCE(counts.net_beneficiaries, 0) AS net_beneficiary_count FROM {phase} p "
        f"LEFT JOIN counts ON counts.phase_id = p.id WHERE p.organisation_id = %s ORDER BY p.{quote('order')}",
        [*covered_params, *statuses, connection.ops.adapt_datefield_value(monday), organisation_id],
    )
    return [
        PhaseAdoption(phase=p, people=p.people_count, scored=p.scored_count, net_beneficiaries=p.net_beneficiary_count)
        for p in phases
    ]


def gate_measurements(
    phase: RolloutPhase, *, today: dt.date, team_ids: Sequence[int] | None = None
) -> tuple[int, GateMeasurements]:
    """Return (people covered, what the gate measures) for the phase, or for some of its teams."""
    covered = _people_within_teams(phase_people(phase), team_ids)
    people = covered.values("pk")
    scores = net_beneficiary_total(ScoreSnapshot.objects.filter(user__in=people, period_start=week_start(today)))
    quickwins_on_time, quickwins_decided = on_time_counts(QuickWinResult.objects.filter(user__in=people))
    window_end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    # Halve the mean of the sums in Python: SQLite would divide each whole-number sum as an integer.
    pulse = PulseResponse.objects.filter(
        user__in=people, answered_at__gte=window_end - PULSE_WINDOW, answered_at__lt=window_end
    ).aggregate(
        responses=Count("pk"),
        people=Count("user_id", distinct=True),
        mean_sum=Avg(F("perceived_usefulness") + F("perceived_ease_of_use")),
    )
    started = phase.status in STARTED_STATUSES
    # The effect is the whole phase's against the not-yet-live; a subset of its teams has none.
    estimate = phase_impact_of(phase, today=today) if phase.min_impact_minutes is not None and not team_ids else None
    measured = GateMeasurements(
        scored=scores["scored"],
        net_beneficiaries=scores["net_beneficiaries"],
        quickwins_decided=quickwins_decided,
        quickwins_on_time=quickwins_on_time,
        weeks_live=whole_weeks_between(phase.go_live_on, today) if started else None,
        pulse_responses=pulse["responses"],
        pulse_people=pulse["people"],
        pulse_mean=(Decimal(str(pulse["mean_sum"])) / 2).quantize(Decimal("0.01"))
        if pulse["mean_sum"] is not None else None,
        impact=(estimate.minutes_per_week, estimate.low, estimate.high) if estimate is not None else None,
    )
    return covered.count(), measured


def net_beneficiary_misses(phase: RolloutPhase, *, today: dt.date) -> dict[str, Any]:
    """Return, in aggregate only, why the phase's non-beneficiaries are not gaining.

    Reads one row per person (their stored snapshot components), never their events, and
    returns counts without names: leads see aggregates only.
    """
    people = phase_people(phase).values("pk")
    rows = ScoreSnapshot.objects.filter(
        user__in=people, period_start=week_start(today)
    ).exclude(IS_NET_BENEFICIARY).values_list("components", flat=True)
    top_give: Counter[str] = Counter()
    gave_nothing = 0
    no_digest = 0
    count = 0
    for components in rows:
        count += 1
        give_lines = (components or {}).get("give", [])
        get_kinds = {line["kind"] for line in (components or {}).get("get", [])}
        if give_lines:
            # Components list give lines largest first: the first is where most time went.
            top_give[give_lines[0]["kind"]] += 1
        else:
            gave_nothing += 1
        if DeliveryKind.WEEKLY_DIGEST not in get_kinds:
            no_digest += 1
    return {
        "not_beneficiaries": count,
        "gave_nothing": gave_nothing,
        "no_digest": no_digest,
        "top_give_kinds": [[kind, n] for kind, n in top_give.most_common(3)],
    }


@dataclass(frozen=True)
class WeekShare:
    monday: dt.date
    scored: int
    net_beneficiaries: int

    @property
    def pct(self) -> float | None:
        return round(100 * self.net_beneficiaries / self.scored, 1) if self.scored else None


def net_beneficiary_trend(phase: RolloutPhase, *, today: dt.date | None = None) -> list[WeekShare]:
    """Return the phase's net-beneficiary share per week since go-live, in one grouped query."""
    this_monday = week_start(today or timezone.localdate())
    first = max(week_start(phase.go_live_on), this_monday - dt.timedelta(weeks=MAX_TREND_WEEKS - 1))
    if first > this_monday:
        return []
    rows = {
        row["period_start"]: row
        for row in net_beneficiary_counts(ScoreSnapshot.objects.filter(
            user__in=phase_people(phase).values("pk"), period_start__gte=first, period_start__lte=this_monday
        ), "period_start")
    }
    weeks = (this_monday - first).days // 7 + 1
    shares = []
    for i in range(weeks):
        monday = first + dt.timedelta(weeks=i)
        row = rows.get(monday, {"scored": 0, "net_beneficiaries": 0})
        shares.append(WeekShare(monday=monday, scored=row["scored"], net_beneficiaries=row["net_beneficiaries"]))
    return shares


def latest_evaluations(phases: Sequence[RolloutPhase]) -> dict[int, GateEvaluation]:
    """Return each phase's most recent stored evaluation by phase id, reading one row per phase."""
    latest_ids = (
        RolloutPhase.objects.filter(pk__in=[p.pk for p in phases])
        .annotate(latest_id=Subquery(
            GateEvaluation.objects.filter(phase=OuterRef("pk")).order_by("-evaluated_on").values("pk")[:1]
        ))
        .exclude(latest_id=None)
        .values_list("latest_id", flat=True)
    )
    return {e.phase_id: e for e in GateEvaluation.objects.filter(pk__in=latest_ids)}


def evaluation_history(phase: RolloutPhase, *, limit: int = 12) -> list[GateEvaluation]:
    """Return the phase's most recent stored evaluation of each week, oldest first."""
    by_week: dict[dt.date, GateEvaluation] = {}
    for evaluation in phase.evaluations.order_by("-evaluated_on")[: limit * 7]:
        by_week.setdefault(week_start(evaluation.evaluated_on), evaluation)
    return [by_week[monday] for monday in sorted(by_week)[-limit:]]


def phase_events(phase: RolloutPhase) -> QuerySet[PhaseEvent]:
    return phase.events.select_related("actor").order_by("-happened_at", "-pk")


def _status_since() -> Subquery:
    """Return when the outer phase entered its present status (its latest event to that status)."""
    return Subquery(
        PhaseEvent.objects.filter(phase=OuterRef("pk"), to_status=OuterRef("status"))
        .order_by("-happened_at").values("happened_at")[:1]
    )


def phase_status_since(phase: RolloutPhase) -> dt.datetime | None:
    """Return when the phase entered its present status: its status is history, dated."""
    return (
        phase.events.filter(to_status=phase.status).order_by("-happened_at").values_list("happened_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class PhaseRow:
    """A phase with its status (history: when the gate passed, with that date) and its latest
    stored evaluation (the gate measured now), two different things shown apart."""

    phase: RolloutPhase
    people: int
    evaluation: GateEvaluation | None
    is_first: bool
    is_last: bool
    status_since: dt.datetime | None = None

    @property
    def passed_earlier_not_now(self) -> bool:
        return self.phase.status == PhaseStatus.GATE_PASSED and self.evaluation is not None \
            and not self.evaluation.passed


def phase_people_counts(*, organisation_id: int) -> dict[int, int]:
    """Return how many people each of the organisation's phases covers, by phase id, in one query.

    The same (phase, person) set as `phases_adoption` (`_covered`): every phase's people
    worked out once, through the indexes of its teams and roles. A phase covering nobody is absent.
    """
    covered, params = _covered(organisation_id)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT covered.phase_id, COUNT(*) FROM ({covered}) covered "  # noqa: S608 - ours
                       "GROUP BY covered.phase_id", params)
        return dict(cursor.fetchall())


def phase_rows(*, organisation_id: int) -> list[PhaseRow]:
    """Return the organisation's phases in order, with people covered and the stored gate result."""
    phases = list(RolloutPhase.objects.filter(organisation_id=organisation_id).annotate(status_since=_status_since()))
    people = phase_people_counts(organisation_id=organisation_id)
    latest = latest_evaluations(phases)
    return [
        PhaseRow(phase=p, people=people.get(p.pk, 0), evaluation=latest.get(p.pk),
                 is_first=i == 0, is_last=i == len(phases) - 1, status_since=p.status_since)
        for i, p in enumerate(phases)
    ]


def previous_phase(phase: RolloutPhase) -> RolloutPhase | None:
    return (
        RolloutPhase.objects.filter(organisation_id=phase.organisation_id, order__lt=phase.order)
        .order_by("-order").first()
    )


def go_live_needs_override(phase: RolloutPhase) -> bool:
    """Return whether going live needs an override: the previous phase's gate has not passed."""
    previous = previous_phase(phase)
    return previous is not None and previous.status not in (PhaseStatus.GATE_PASSED, PhaseStatus.COMPLETED)


def phases_due_for_evaluation() -> QuerySet[RolloutPhase]:
    """Return the phases whose gate the daily job evaluates: live ones and failed ones."""
    return RolloutPhase.objects.filter(status__in=[PhaseStatus.LIVE, PhaseStatus.GATE_FAILED])


def phases_covering_teams(*, team_ids: Sequence[int]) -> QuerySet[RolloutPhase]:
    return RolloutPhase.objects.filter(teams__id__in=team_ids).distinct().order_by("organisation_id", "order")


def phase_go_live_for(membership: Membership) -> dt.date | None:
    """The go-live of the earliest started phase covering the person through a team or their role."""
    team_ids = TeamMember.objects.filter(user_id=membership.user_id).values("team_id")
    return (
        RolloutPhase.objects.filter(organisation_id=membership.organisation_id)
        .exclude(status=PhaseStatus.PLANNED)
        .filter(Q(teams__in=team_ids) | Q(roles=membership.role_id))
        .aggregate(first=Min("go_live_on"))["first"]
    )


def organisation_runs_phases(organisation_id: int) -> bool:
    return RolloutPhase.objects.filter(organisation_id=organisation_id).exists()
