"""Reading deal flow for coaching: how long each rep's deals spend in each stage."""

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Avg, Count, F
from django.utils import timezone

from apps.activities.models import Deal, DealStageChange, Stage
from apps.coaching.diagnostics import StageCell, stall_grid, team_medians

SECONDS_PER_DAY = 86400


def stage_days_by_rep(*, rep_ids: Sequence[int]) -> dict[int, dict[int, tuple[float, int]]]:
    """Return per rep and stage (average days in stage, number of deal stays).

    Finished stays come from the stage-change log; open deals count with their time so far,
    so a deal stuck today shows up before it moves.
    """
    sums: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    finished = (
        DealStageChange.objects.filter(deal__owner_id__in=rep_ids, seconds_in_from_stage__isnull=False)
        .exclude(from_stage__isnull=True)
        .values(rep=F("deal__owner_id"), stage=F("from_stage_id"))
        .annotate(avg_seconds=Avg("seconds_in_from_stage"), n=Count("pk"))
    )
    for row in finished:
        cell = sums[row["rep"]][row["stage"]]
        cell[0] += float(row["avg_seconds"]) * row["n"]
        cell[1] += row["n"]
    now = timezone.now()
    # Open deals: age in the current stage, one small row per open deal of the team.
    ages = Deal.objects.filter(owner_id__in=rep_ids, stage__is_won=False, stage__is_lost=False).values_list(
        "owner_id", "stage_id", "stage_entered_at"
    )
    for owner_id, stage_id, entered in ages:
        cell = sums[owner_id][stage_id]
        cell[0] += max(0.0, (now - entered).total_seconds())
        cell[1] += 1
    return {
        rep: {stage: (total / n / SECONDS_PER_DAY, int(n)) for stage, (total, n) in stages.items() if n}
        for rep, stages in sums.items()
    }


def stage_diagnostic(
    *, organisation_id: int, rep_ids: Sequence[int]
) -> tuple[list[Stage], dict[int, dict[int, StageCell]], dict[int, float | None]]:
    """Return the open stages, per rep each stage's average days, and the team medians."""
    stages = list(Stage.objects.filter(organisation_id=organisation_id, is_won=False, is_lost=False))
    per_rep = stage_days_by_rep(rep_ids=rep_ids)
    for rep_id in rep_ids:
        per_rep.setdefault(rep_id, {})
    stage_ids = [s.pk for s in stages]
    return stages, stall_grid(per_rep, stage_ids), team_medians(per_rep, stage_ids)
