"""Pure rules for ambassadors and kudos, tested without the database."""

import datetime as dt
from dataclasses import dataclass

from apps.core.privacy import breakdown_disclosure, may_show_aggregate


@dataclass(frozen=True)
class AdoptionShare:
    """How many of a group's scored people are net beneficiaries this week."""

    label: str
    scored: int
    net_beneficiaries: int

    @property
    def is_shown(self) -> bool:
        # Shares of tiny groups would point at individuals, as pulse aggregates would; so would a
        # share whose other side (scored − net beneficiaries) is a group of one to four people.
        return may_show_aggregate(self.scored) and breakdown_disclosure(
            total=self.scored, group_sizes={"net_beneficiaries": self.net_beneficiaries}).shown

    @property
    def pct(self) -> float | None:
        if not self.is_shown:
            return None
        return round(100 * self.net_beneficiaries / self.scored, 1)


def pooled_share(label: str, shares: list[AdoptionShare]) -> AdoptionShare:
    """Return one share for several groups together (people weighted, not teams)."""
    return AdoptionShare(
        label=label,
        scored=sum(s.scored for s in shares),
        net_beneficiaries=sum(s.net_beneficiaries for s in shares),
    )


def pilot_date_error(*, new_date: dt.date | None, current_go_live: dt.date | None) -> str | None:
    """Return why a pilot go-live date is not allowed ("not_earlier"), or None when it is.

    A pilot only ever brings an ambassador's start forward: it must be earlier than the
    go-live they have now (any date when they have none). Empty is allowed: it ends the
    pilot and puts the person back on their phase's date.
    """
    if new_date is not None and current_go_live is not None and new_date >= current_go_live:
        return "not_earlier"
    return None


def kudos_left_today(*, given_today: int, per_day: int) -> int:
    return max(0, per_day - given_today)
