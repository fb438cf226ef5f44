"""The one place that decides whether an aggregate about people may be shown.

No aggregate of fewer than five people is shown. A breakdown is hidden whole when a small
group could be derived by subtraction: the total and the other groups are shown, so a hidden
group of 150 out of 250 − 100 is no secret (and neither is a group nobody listed).
"""

from collections.abc import Mapping
from dataclasses import dataclass

MIN_PEOPLE = 5


@dataclass(frozen=True)
class Disclosure:
    shown: bool
    # "" when shown; "too_few" when the total itself is too small; "derivable" when a small
    # group could be recovered from the total and the rest.
    reason: str


def may_show_aggregate(people: int, *, min_people: int = MIN_PEOPLE) -> bool:
    """Return whether an aggregate over `people` distinct people may be shown."""
    return people >= min_people


def breakdown_disclosure(*, total: int, group_sizes: Mapping[str, int], min_people: int = MIN_PEOPLE) -> Disclosure:
    """Return whether a breakdown of `total` people into `group_sizes` may be shown, whole.

    Groups of zero people reveal nobody and are fine. Any group of 1..min_people-1 people —
    including the unlisted remainder `total − sum(groups)` — hides the whole breakdown,
    because with the total shown it could be derived from the others.
    """
    if any(size < 0 for size in group_sizes.values()) or sum(group_sizes.values()) > total:
        raise ValueError("Group sizes must be non-negative and add up to at most the total.")
    if not may_show_aggregate(total, min_people=min_people):
        return Disclosure(shown=False, reason="too_few")
    remainder = total - sum(group_sizes.values())
    sizes = [*group_sizes.values(), remainder]
    if any(0 < size < min_people for size in sizes):
        return Disclosure(shown=False, reason="derivable")
    return Disclosure(shown=True, reason="")
