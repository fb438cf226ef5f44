"""The one place that decides whether an aggregate about people may be shown.

No aggregate of fewer than five people is shown. A breakdown is hidden whole when a small
group could be derived by subtraction: the total and the other groups are shown, so a hidden
group of 150 out of 250 − 100 is no secret (and neither is a group nobody listed).
"""

from collections.abc import Collection, Mapping
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


def breakdown_disclosure(
    *, total: int, group_sizes: Mapping[str, int], min_people: int = MIN_PEOPLE, hidden: Collection[str] = (),
) -> Disclosure:
    """Return whether a breakdown of `total` people into `group_sizes` may be shown, whole.

    Groups of zero people reveal nobody and are fine. Any group of 1..min_people-1 people —
    including the unlisted remainder `total − sum(groups)` — hides the whole breakdown,
    because with the total shown it could be derived from the others. `hidden` names groups
    withheld for another reason (their own figure is suppressed): when exactly one of them
    has people, total − the shown rest gives it away (250 − 100 = 150), so the whole
    breakdown is hidden too; two or more large withheld groups reveal only their sum.
    """
    if any(size < 0 for size in group_sizes.values()) or sum(group_sizes.values()) > total:
        raise ValueError("Group sizes must be non-negative and add up to at most the total.")
    if not set(hidden) <= set(group_sizes):
        raise ValueError("Hidden groups must be among the groups.")
    if not may_show_aggregate(total, min_people=min_people):
        return Disclosure(shown=False, reason="too_few")
    remainder = total - sum(group_sizes.values())
    sizes = [*group_sizes.values(), remainder]
    if any(0 < size < min_people for size in sizes):
        return Disclosure(shown=False, reason="derivable")
    if sum(1 for name in hidden if group_sizes[name] > 0) == 1:
        return Disclosure(shown=False, reason="derivable")
    return Disclosure(shown=True, reason="")
