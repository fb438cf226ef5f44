"""The Net Beneficiary equation, version 2 (see DESIGN.md). Pure functions, no database."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from apps.scoring.models import NetStatus

ZERO = Decimal("0")
LIKERT_MIDPOINT = Decimal("4")
LIKERT_HALF_RANGE = Decimal("3")
DEFAULT_PULSE_WEIGHT = Decimal("0.3")


def nb_index(*, give: Decimal, get: Decimal) -> Decimal:
    """Return (get − give) / (get + give) in [−1, 1]; 0 when both are 0."""
    total = get + give
    if total == 0:
        return ZERO
    return ((get - give) / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def score(
    *,
    index: Decimal,
    usefulness: Decimal | None = None,
    ease_of_use: Decimal | None = None,
    pulse_weight: Decimal = DEFAULT_PULSE_WEIGHT,
) -> Decimal:
    """Return the 0–100 score; blend in perceived value when a recent pulse answer exists."""
    if usefulness is None or ease_of_use is None:
        blended = index
    else:
        perceived = ((usefulness + ease_of_use) / 2 - LIKERT_MIDPOINT) / LIKERT_HALF_RANGE
        blended = (1 - pulse_weight) * index + pulse_weight * perceived
    return (50 + 50 * blended).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def status(*, give: Decimal, get: Decimal, contributed: int, recent_scores: Sequence[Decimal]) -> str:
    """Classify a person from their rolling give/get, contributions and scores, oldest first.

    Only a contributor (`contributed` ≥ 1 CRM entry, CONTRIBUTION_KINDS) with net > 0 is a net
    beneficiary; someone who contributed nothing but got something is "not contributing".
    `recent_scores` ends with the current score; "at risk" is a net beneficiary whose score
    fell in each of the last two periods.
    """
    net = get - give
    if give == 0 and get == 0:
        return NetStatus.INACTIVE
    if net <= 0:
        return NetStatus.NET_LOSER
    if contributed == 0:
        # Got more than they gave, but logged no CRM entry (at most a pulse answer): reads what others log.
        return NetStatus.NOT_CONTRIBUTING
    if len(recent_scores) >= 3 and recent_scores[-3] > recent_scores[-2] > recent_scores[-1]:
        return NetStatus.AT_RISK
    return NetStatus.THRIVING
