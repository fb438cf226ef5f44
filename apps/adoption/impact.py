"""Phase impact: difference-in-differences against people not yet live, with a bootstrap interval.

Pure: the caller gives, for each person, their weekly values before and after the phase's
go-live, over the same weeks for the phase's people and the not-yet-live comparison people.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

MIN_GROUP_PEOPLE = 5
RESAMPLES = 1000
MIN_RESAMPLES = 200
# Resampling costs people × resamples picks; large groups take fewer (still ≥ 200) resamples,
# whose interval is as good because the spread of a mean over thousands of people is smooth.
DRAW_BUDGET = 2_000_000


@dataclass(frozen=True)
class PersonWeeks:
    before: Sequence[float]
    after: Sequence[float]


@dataclass(frozen=True)
class Impact:
    estimate: float
    low: float
    high: float
    phase_people: int
    comparison_people: int

    @property
    def size(self) -> float:
        """Return the estimate without its sign (the wording says which way)."""
        return abs(self.estimate)

    @property
    def excludes_zero(self) -> bool:
        """Return whether the interval lies wholly on one side of no change."""
        return self.low > 0 or self.high < 0


def _changes(people: Sequence[PersonWeeks]) -> list[float]:
    """Return each person's after-minus-before mean; people without both sides are left out."""
    return [fmean(p.after) - fmean(p.before) for p in people if p.before and p.after]


def _percentile(sorted_values: list[float], share: float) -> float:
    index = share * (len(sorted_values) - 1)
    lower = int(index)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (index - lower)


def phase_impact(
    *,
    phase: Sequence[PersonWeeks],
    comparison: Sequence[PersonWeeks],
    min_group_people: int = MIN_GROUP_PEOPLE,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Impact | None:
    """Return the difference-in-differences estimate with a 95 % bootstrap interval.

    None means not enough evidence yet: either group has fewer than `min_group_people`
    people with weeks on both sides of the go-live. The bootstrap resamples people (not
    weeks) within each group, seeded, so the same data gives the same interval.
    """
    treated, control = _changes(phase), _changes(comparison)
    if len(treated) < min_group_people or len(control) < min_group_people:
        return None
    estimate = fmean(treated) - fmean(control)
    resamples = min(resamples, max(MIN_RESAMPLES, DRAW_BUDGET // (len(treated) + len(control))))
    rng = random.Random(seed)  # noqa: S311 - a reproducible bootstrap, not a secret
    draws = sorted(
        fmean(rng.choices(treated, k=len(treated))) - fmean(rng.choices(control, k=len(control)))
        for _ in range(resamples)
    )
    return Impact(
        estimate=estimate,
        low=_percentile(draws, 0.025),
        high=_percentile(draws, 0.975),
        phase_people=len(treated),
        comparison_people=len(control),
    )
