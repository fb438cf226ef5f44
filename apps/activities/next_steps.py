"""What to show a person right after they log an activity: the next steps it leads to.

`activities` sits below `suggestions` (suggestions read activities), so the suggestions app
registers, in its AppConfig.ready, how it answers "this activity was just logged" and "show these
again"; the log page and the activity API ask here and never import suggestions. Without a
registered source an activity simply leads to no next step.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from apps.activities.models import Activity


@dataclass(frozen=True)
class NextStep:
    """One suggested next step, as the log page and the API show it."""

    pk: int
    text: str
    reason: str
    rule: str
    deal_id: int | None
    account_id: int | None
    created_at: dt.datetime
    status: str
    status_display: str
    decided_at: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class NextStepSource:
    after_logging: Callable[[Activity], list[NextStep]]
    shown_again: Callable[[int, Sequence[int]], list[NextStep]]


_source: NextStepSource | None = None


def register_next_step_source(source: NextStepSource) -> None:
    """Called once by the suggestions app; a second call replaces the first (tests, reloads)."""
    global _source
    _source = source


def next_steps_after(*, activity: Activity) -> list[NextStep]:
    """Return the open next steps a just-logged activity leads to (and let it carry out accepted ones)."""
    return _source.after_logging(activity) if _source is not None else []


def next_steps_shown(*, user_id: int, ids: Sequence[int]) -> list[NextStep]:
    """Return the person's next steps with these ids, as they stand now (decided ones included)."""
    return _source.shown_again(user_id, ids) if _source is not None else []
