"""Reading deal flow and adoption signals for coaching, one grouped query per figure."""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.activities.models import Deal, DealStageChange, Stage
from apps.coaching.diagnostics import (
    SECONDS_PER_DAY,
    CoachingSignals,
    DealOutcomes,
    MissedGet,
    StageComparison,
    StageTally,
    coaching_topic,
    compare_stages,
    net_loser_reason,
    slowest_stage,
    team_outcomes,
    weakest_conversion_stage,
)
from apps.core.periods import rolling_window, week_start
from apps.givegets.models import Delivery, DeliveryKind
from apps.roles.models import Team, TeamMember
from apps.scoring.models import NetStatus, ScoreSnapshot
from apps.scoring.selectors import latest_snapshots
from apps.usage.kinds import GIVE_KINDS
from apps.usage.models import UsageEvent

User = get_user_model()


# ---------------------------------------------------------------------------------------------
# The coaching page: grouped queries in, pure diagnostics (apps.coaching.diagnostics) applied.
# ---------------------------------------------------------------------------------------------


def stage_tallies_by_rep(*, rep_ids: Sequence[int]) -> dict[int, dict[int, StageTally]]:
    """Return per rep and stage how many deals left it, how many forward, and the time they spent.

    Forward means to a later stage that is not lost, or to won. One grouped query.
    """
    forward = Q(to_stage__is_won=True) | (Q(to_stage__order__gt=F("from_stage__order")) & Q(to_stage__is_lost=False))
    rows = (
        DealStageChange.objects.filter(deal__owner_id__in=rep_ids, from_stage__isnull=False)
        .values(rep=F("deal__owner_id"), stage=F("from_stage_id"))
        .annotate(
            exits=Count("pk"),
            forward=Count("pk", filter=forward),
            timed=Count("seconds_in_from_stage"),
            seconds=Sum("seconds_in_from_stage"),
        )
    )
    tallies: dict[int, dict[int, StageTally]] = defaultdict(dict)
    for row in rows:
        tallies[row["rep"]][row["stage"]] = StageTally(
            exits=row["exits"], forward=row["forward"], timed=row["timed"], seconds=float(row["seconds"] or 0)
        )
    return dict(tallies)


def deal_outcomes_by_rep(*, rep_ids: Sequence[int], today: dt.date | None = None) -> dict[int, DealOutcomes]:
    """Return per rep the closed, won and open deals with every known cycle, age and time in stage.

    One row per deal of the reps, three dates each: the medians need the individual values.
    A date nobody stated (an import without it) leaves that deal's duration unknown.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    tallies: dict[int, dict[str, Any]] = defaultdict(lambda: {
        "closed": 0, "won": 0, "open": 0, "cycle": [], "closed_cycle": [], "age": [], "in_stage": []})
    rows = Deal.objects.filter(owner_id__in=rep_ids).values_list(
        "owner_id", "stage__is_won", "stage__is_lost", "engaged_on", "closed_on", "stage_entered_at")
    # A group of reps' deals fit in memory: no server-side cursor (DECLARE, FETCH, CLOSE per page).
    for owner_id, is_won, is_lost, engaged_on, closed_on, entered_at in rows:
        tally = tallies[owner_id]
        if is_won or is_lost:
            tally["closed"] += 1
            tally["won"] += int(is_won)
            if engaged_on is not None and closed_on is not None:
                days = (closed_on - engaged_on).days
                tally["closed_cycle"].append(days)
                if is_won:
                    tally["cycle"].append(days)
        else:
            tally["open"] += 1
            if engaged_on is not None:
                tally["age"].append(max(0, (today - engaged_on).days))
            if entered_at is not None:
                tally["in_stage"].append(max(0.0, (now - entered_at).total_seconds()) / SECONDS_PER_DAY)
    return {
        owner_id: DealOutcomes(
            closed=t["closed"], won=t["won"], cycle_days=tuple(sorted(t["cycle"])), open=t["open"],
            closed_cycle_days=tuple(sorted(t["closed_cycle"])), open_age_days=tuple(sorted(t["age"])),
            open_stage_days=tuple(sorted(t["in_stage"])),
        )
        for owner_id, t in tallies.items()
    }


@dataclass(frozen=True)
class DealFigures:
    """Days in stage, conversion, win rate, cycle time and open deals of a group of reps.

    The one source of these figures: the team page, the coaching pages and their tests all
    read them from `deal_figures`, so one rep's "days in stage" is the same number everywhere.
    """

    stages: list[Stage]
    grid: dict[int, dict[int, StageComparison]]  # rep → open stage → rep beside team
    team_stages: dict[int, StageTally]
    outcomes: dict[int, DealOutcomes]
    team_outcomes: DealOutcomes

    def outcomes_of(self, rep_id: int) -> DealOutcomes:
        return self.outcomes.get(rep_id, DealOutcomes())


def deal_figures(*, organisation_id: int, rep_ids: Sequence[int], today: dt.date | None = None) -> DealFigures:
    """Return the deal figures of these reps, each beside the group's pooled value."""
    stages = list(Stage.objects.filter(organisation_id=organisation_id, is_won=False, is_lost=False))
    grid, team_stages = compare_stages(stage_tallies_by_rep(rep_ids=rep_ids), rep_ids, [s.pk for s in stages])
    outcomes = deal_outcomes_by_rep(rep_ids=rep_ids, today=today)
    return DealFigures(stages=stages, grid=grid, team_stages=team_stages, outcomes=outcomes,
                       team_outcomes=team_outcomes(outcomes, rep_ids))


def missed_gets_by_user(
    *, user_ids: Sequence[int], start: dt.datetime, end: dt.datetime
) -> dict[int, list[MissedGet]]:
    """Return per user and get kind what was delivered in [start, end) and how much went unused."""
    rows = (
        Delivery.objects.filter(user_id__in=user_ids, delivered_at__gte=start, delivered_at__lt=end)
        .values("user_id", "kind")
        .annotate(
            delivered=Count("pk"),
            consumed=Count("consumed_at"),
            missed_minutes=Sum("value_minutes", filter=Q(consumed_at__isnull=True)),
        )
        .order_by("user_id", "kind")
    )
    missed: dict[int, list[MissedGet]] = defaultdict(list)
    for row in rows:
        missed[row["user_id"]].append(
            MissedGet(
                kind=row["kind"], delivered=row["delivered"], consumed=row["consumed"],
                missed_minutes=Decimal(row["missed_minutes"] or 0),
            )
        )
    return dict(missed)


def avg_entry_seconds_by_user(*, user_ids: Sequence[int], start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Return per user the average measured entry time of what they logged in [start, end)."""
    rows = (
        UsageEvent.objects.filter(
            user_id__in=user_ids, kind__in=GIVE_KINDS, occurred_at__gte=start, occurred_at__lt=end,
            duration_seconds__isnull=False,
        )
        .values("user_id")
        .annotate(avg_seconds=Avg("duration_seconds"))
    )
    return {row["user_id"]: float(row["avg_seconds"]) for row in rows}


def team_reps(*, team: Team) -> list[Any]:
    """Return the team's members who do not manage it, by name: the people a manager coaches.

    Two queries whatever the team's size: the ids through the team's index, then those users by
    primary key. As one join the planner read every user of a large organisation to find a team.
    """
    rep_ids = list(TeamMember.objects.filter(team=team, is_manager=False).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=rep_ids).order_by("first_name", "last_name", "username"))


@dataclass(frozen=True)
class RepCoaching:
    """Everything the coaching page shows about one person, each figure beside the team's."""

    user: Any
    stages: dict[int, StageComparison]
    outcomes: DealOutcomes
    snapshot: ScoreSnapshot | None
    net_loser_reason: str | None
    topic: str | None

    @property
    def is_net_loser(self) -> bool:
        return self.snapshot is not None and self.snapshot.status == NetStatus.NET_LOSER


@dataclass(frozen=True)
class TeamCoaching:
    team: Team
    stages: list[Stage]
    won_stage_name: str
    reps: list[RepCoaching]
    team_stages: dict[int, StageTally]
    team_outcomes: DealOutcomes
    window_start: dt.date
    window_end: dt.date

    @property
    def net_losers(self) -> list[RepCoaching]:
        return [rep for rep in self.reps if rep.is_net_loser]

    def rep(self, user_id: int) -> RepCoaching | None:
        return next((rep for rep in self.reps if rep.user.pk == user_id), None)


def team_coaching(*, team: Team, today: dt.date | None = None) -> TeamCoaching:
    """Return the coaching figures for every rep of the team, the team's values and net losers.

    Net losers and the adoption signals use this week's snapshot and its rolling 4-week window.
    """
    today = today or timezone.localdate()
    monday = week_start(today)
    start, end = rolling_window(monday)
    reps = team_reps(team=team)
    rep_ids = [rep.pk for rep in reps]
    figures = deal_figures(organisation_id=team.organisation_id, rep_ids=rep_ids, today=today)
    stages, grid = figures.stages, figures.grid
    won_stage = Stage.objects.filter(organisation_id=team.organisation_id, is_won=True).order_by("order").first()
    won_stage_name = won_stage.name if won_stage else str(_("won"))
    named_stages = [(stage.pk, stage.name) for stage in stages]
    snapshots = {s.user_id: s for s in latest_snapshots(user_ids=rep_ids, today=today)}
    missed = missed_gets_by_user(user_ids=rep_ids, start=start, end=end)
    entry_seconds = avg_entry_seconds_by_user(user_ids=rep_ids, start=start, end=end)

    rows = []
    for rep in reps:
        snapshot = snapshots.get(rep.pk)
        rep_missed = missed.get(rep.pk, [])
        is_net_loser = snapshot is not None and snapshot.status == NetStatus.NET_LOSER
        signals = CoachingSignals(
            never_opens_digest=any(m.kind == DeliveryKind.WEEKLY_DIGEST and m.never_used for m in rep_missed),
            avg_entry_seconds=entry_seconds.get(rep.pk),
            slowest_stage=slowest_stage(grid[rep.pk], named_stages, won_stage_name),
            weakest_conversion_stage=weakest_conversion_stage(grid[rep.pk], named_stages),
        )
        rows.append(
            RepCoaching(
                user=rep,
                stages=grid[rep.pk],
                outcomes=figures.outcomes_of(rep.pk),
                snapshot=snapshot,
                net_loser_reason=net_loser_reason(
                    components=snapshot.components or {},
                    rolling_get_minutes=snapshot.rolling_get_minutes,
                    missed=rep_missed,
                ) if snapshot is not None and is_net_loser else None,
                topic=coaching_topic(signals),
            )
        )
    return TeamCoaching(
        team=team,
        stages=stages,
        won_stage_name=won_stage_name,
        reps=rows,
        team_stages=figures.team_stages,
        team_outcomes=figures.team_outcomes,
        window_start=start.date(),
        window_end=(end - dt.timedelta(days=1)).date(),
    )
