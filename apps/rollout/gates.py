"""Gate evaluation: criteria and measured values in, per-criterion results out. No database.

A gate passes only when every criterion that applies has data and meets its target: a phase
with nobody scored yet has not shown that it works, so "no data" never passes.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from apps.core.privacy import may_show_aggregate


class Criterion(StrEnum):
    NET_BENEFICIARIES = "net_beneficiaries"
    QUICKWINS_ON_TIME = "quickwins_on_time"
    WEEKS_LIVE = "weeks_live"
    PULSE = "pulse"
    PHASE_IMPACT = "phase_impact"


@dataclass(frozen=True)
class GateCriteria:
    """The targets a phase must reach before the next phase may go live."""

    min_net_beneficiary_pct: int
    min_quickwin_on_time_pct: int
    min_weeks_live: int
    min_pulse_score: Decimal | None = None
    # Net minutes a week the phase must have saved its people, judged by the 95 % interval's low end.
    min_impact_minutes: int | None = None


@dataclass(frozen=True)
class GateMeasurements:
    """What was measured for the phase's people (counts, so shares are computed exactly)."""

    scored: int
    net_beneficiaries: int
    quickwins_decided: int
    quickwins_on_time: int
    weeks_live: int | None
    pulse_responses: int = 0
    pulse_people: int = 0
    pulse_mean: Decimal | None = None
    # The phase's effect on net minutes a week per person (estimate, 95 % interval); None: not enough evidence.
    impact: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    value: float | None
    target: float
    passed: bool | None  # None: no data to judge by
    numerator: int | None = None
    denominator: int | None = None
    interval: tuple[float, float] | None = None

    @property
    def has_data(self) -> bool:
        return self.passed is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "target": self.target,
            "passed": self.passed,
            "numerator": self.numerator,
            "denominator": self.denominator,
            **({"low": self.interval[0], "high": self.interval[1]} if self.interval is not None else {}),
        }


@dataclass(frozen=True)
class GateResult:
    results: tuple[CriterionResult, ...]

    @property
    def passed(self) -> bool:
        return all(result.passed is True for result in self.results)

    def result_for(self, criterion: Criterion) -> CriterionResult | None:
        return next((r for r in self.results if r.criterion == criterion), None)

    def as_json(self) -> dict[str, dict[str, Any]]:
        return {str(result.criterion): result.as_json() for result in self.results}


def whole_weeks_between(start: dt.date, today: dt.date) -> int:
    """Return the whole weeks from `start` to `today` (0 before `start`)."""
    return max((today - start).days, 0) // 7


def _share(criterion: Criterion, part: int, whole: int, target_pct: int) -> CriterionResult:
    if whole <= 0:
        return CriterionResult(criterion, None, float(target_pct), None, part, whole)
    # Compare exact fractions: 7 of 10 meets a 70 % target, whatever floating point says.
    passed = Fraction(100 * part, whole) >= target_pct
    return CriterionResult(criterion, round(100 * part / whole, 1), float(target_pct), passed, part, whole)


def evaluate_gate(criteria: GateCriteria, measured: GateMeasurements) -> GateResult:
    """Return each criterion's value against its target, and whether the gate passes."""
    results = [
        _share(Criterion.NET_BENEFICIARIES, measured.net_beneficiaries, measured.scored,
               criteria.min_net_beneficiary_pct),
        _share(Criterion.QUICKWINS_ON_TIME, measured.quickwins_on_time, measured.quickwins_decided,
               criteria.min_quickwin_on_time_pct),
    ]
    if measured.weeks_live is None:
        results.append(CriterionResult(Criterion.WEEKS_LIVE, None, float(criteria.min_weeks_live), None))
    else:
        results.append(CriterionResult(
            Criterion.WEEKS_LIVE, float(measured.weeks_live), float(criteria.min_weeks_live),
            measured.weeks_live >= criteria.min_weeks_live,
        ))
    if criteria.min_pulse_score is not None:
        target = float(criteria.min_pulse_score)
        if measured.pulse_mean is None or not may_show_aggregate(measured.pulse_people):
            # Answers from fewer people than the charter allows: no mean is shown or judged, since
            # a small team's mean would give away one person's answers to their manager.
            results.append(CriterionResult(Criterion.PULSE, None, target, None, None, measured.pulse_people))
        else:
            mean = Decimal(measured.pulse_mean)
            results.append(CriterionResult(
                Criterion.PULSE, round(float(mean), 2), target, mean >= criteria.min_pulse_score,
                None, measured.pulse_people,
            ))
    if criteria.min_impact_minutes is not None:
        results.append(_impact(measured.impact, criteria.min_impact_minutes))
    return GateResult(results=tuple(results))


def _impact(impact: tuple[float, float, float] | None, target_minutes: int) -> CriterionResult:
    """Pass when even the low end of the 95 % interval saved at least the target minutes a week."""
    if impact is None:
        return CriterionResult(Criterion.PHASE_IMPACT, None, float(target_minutes), None)
    estimate, low, high = impact
    return CriterionResult(Criterion.PHASE_IMPACT, round(estimate, 1), float(target_minutes), low >= target_minutes,
                           interval=(round(low, 1), round(high, 1)))
