"""When an accepted suggestion counts as a get: only once the rep acted on it (DESIGN.md, version 2).

Acted on = accepted, then an activity logged on the suggestion's deal (or, for a suggestion
without a deal, its account) within ACT_ON_WINDOW after the acceptance. Until then the
suggestion's delivery stays unconsumed and counts nothing; the explanation says
"accepted, not yet done".
"""

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Q

from apps.suggestions.models import Suggestion, SuggestionStatus

# The one place the suggestion's window is defined: a week after accepting it.
ACT_ON_WINDOW = dt.timedelta(days=7)


def pending_filter(*, at: dt.datetime) -> Q:
    """Return the filter for suggestions accepted but not acted on as of `at` (delivery not consumed)."""
    return (
        Q(status=SuggestionStatus.ACCEPTED, decided_at__lte=at)
        & (Q(delivery__consumed_at__isnull=True) | Q(delivery__consumed_at__gt=at))
    )


def accepted_pending_counts(*, user_ids: Sequence[int], start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Return, per person, how many suggestions accepted in [start, end) were not yet done by `end`."""
    rows = (
        Suggestion.objects.filter(
            pending_filter(at=end), user_id__in=user_ids, decided_at__gte=start, decided_at__lt=end
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return dict(rows)


def acted_on_filter(*, user_id: int, deal_id: int | None, account_id: int, at: dt.datetime) -> Q:
    """Return the filter for this person's accepted, unconsumed suggestions an activity at `at` acts on."""
    target = Q(account_id=account_id, deal__isnull=True)
    if deal_id is not None:
        target |= Q(deal_id=deal_id)
    return (
        Q(user_id=user_id, status=SuggestionStatus.ACCEPTED, delivery__consumed_at__isnull=True)
        & Q(decided_at__lte=at, decided_at__gte=at - ACT_ON_WINDOW)
        & target
    )
