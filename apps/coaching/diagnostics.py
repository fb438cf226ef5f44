"""Where deals stall: pure functions over per-rep stage durations (no database)."""

import statistics
from collections.abc import Mapping
from dataclasses import dataclass

# A rep's average counts as a stall when it is this much slower than the team median
# and rests on enough deals not to over-read one slow deal.
STALL_FACTOR = 1.5
MIN_DEALS = 2


@dataclass(frozen=True)
class StageCell:
    avg_days: float | None
    deals: int
    team_median: float | None
    stalls: bool


def team_medians(per_rep: Mapping[int, Mapping[int, tuple[float, int]]], stage_ids: list[int]) -> dict[int, float | None]:
    """Return, per stage, the median of the reps' average days (reps with enough deals only)."""
    medians: dict[int, float | None] = {}
    for stage_id in stage_ids:
        values = [cells[stage_id][0] for cells in per_rep.values() if cells.get(stage_id, (0, 0))[1] >= MIN_DEALS]
        medians[stage_id] = statistics.median(values) if values else None
    return medians


def stall_grid(
    per_rep: Mapping[int, Mapping[int, tuple[float, int]]], stage_ids: list[int]
) -> dict[int, dict[int, StageCell]]:
    """Return per rep and stage the average days, the team median and whether it stalls."""
    medians = team_medians(per_rep, stage_ids)
    grid: dict[int, dict[int, StageCell]] = {}
    for rep_id, cells in per_rep.items():
        grid[rep_id] = {}
        for stage_id in stage_ids:
            avg, deals = cells.get(stage_id, (None, 0))
            median = medians[stage_id]
            stalls = (
                avg is not None and median is not None and deals >= MIN_DEALS and avg > STALL_FACTOR * median
                and avg - median >= 1
            )
            grid[rep_id][stage_id] = StageCell(avg_days=avg, deals=deals, team_median=median, stalls=stalls)
    return grid
