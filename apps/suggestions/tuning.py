"""Feedback tuning: whether a rule keeps being shown to a person. Pure functions, no database."""

from decimal import Decimal

# A rule is muted for a person once they decided on enough of its suggestions and dismissed
# almost all of them: five decisions say "this is a pattern", not a bad day.
MIN_DECISIONS = 5
MUTE_DISMISSED_SHARE = Decimal("0.8")
# Only recent decisions count, so a muted rule gets another chance after a quiet spell.
DECISION_WINDOW_DAYS = 90


def is_muted(*, accepted: int, dismissed: int) -> bool:
    """Return whether a rule should stop showing to a person with these decisions on it."""
    decisions = accepted + dismissed
    if decisions < MIN_DECISIONS:
        return False
    return Decimal(dismissed) / Decimal(decisions) >= MUTE_DISMISSED_SHARE


def acceptance_rate(*, accepted: int, dismissed: int) -> Decimal | None:
    """Return the accepted share of decisions in percent, or None when nobody decided yet."""
    decisions = accepted + dismissed
    if decisions == 0:
        return None
    return (Decimal(100) * accepted / decisions).quantize(Decimal("0.1"))
