"""Pure adoption arithmetic: frequency buckets and the lifecycle warning (DESIGN.md)."""

from dataclasses import dataclass

DAILY_MIN_DAYS = 13
WEEKLY_MIN_DAYS = 5
MONTHLY_MIN_DAYS = 1


def frequency_bucket(active_days_of_30: int) -> str:
    """Return the bucket for a person's active days over the last 30 days."""
    if active_days_of_30 >= DAILY_MIN_DAYS:
        return "daily"
    if active_days_of_30 >= WEEKLY_MIN_DAYS:
        return "weekly"
    if active_days_of_30 >= MONTHLY_MIN_DAYS:
        return "monthly"
    return "dormant"


@dataclass(frozen=True)
class Lifecycle:
    new: int
    returning: int
    resurrecting: int
    dormant: int

    @property
    def warning(self) -> bool:
        """Return whether more people slipped away than stayed or came back."""
        return self.dormant > self.returning + self.resurrecting
