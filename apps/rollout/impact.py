"""What a phase did for its people compared with those not yet live, as a gate may judge it.

`rollout` sits below `adoption`, which estimates the effect (a difference in differences with a
bootstrap interval, `apps.adoption.selectors.phase_impact_report`); the adoption app registers
its estimate here in its AppConfig.ready, and the gate asks here. Without a registered reader
there is no estimate, and a gate that asks for one has no data (it does not pass).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from apps.rollout.models import RolloutPhase


@dataclass(frozen=True)
class ImpactEstimate:
    """Net minutes a week per person the phase changed, against the not-yet-live, with its 95 % interval."""

    minutes_per_week: float
    low: float
    high: float


ImpactReader = Callable[[RolloutPhase, dt.date], ImpactEstimate | None]
_reader: ImpactReader | None = None


def register_impact_reader(reader: ImpactReader) -> None:
    """Called once by the adoption app; a second call replaces the first (tests, reloads)."""
    global _reader
    _reader = reader


def phase_impact_of(phase: RolloutPhase, *, today: dt.date) -> ImpactEstimate | None:
    """Return the phase's estimated effect on net minutes, or None while there is not enough evidence."""
    return _reader(phase, today) if _reader is not None else None
