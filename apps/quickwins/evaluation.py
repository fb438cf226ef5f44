"""Quick-win status for one person: pure function, no database."""

import datetime as dt

from apps.quickwins.models import QuickWinStatus


def quickwin_status(*, due_on: dt.date, achieved_on: dt.date | None, today: dt.date) -> str:
    """Return on time / late / pending / missed; the due day itself still counts as on time."""
    if achieved_on is not None:
        return QuickWinStatus.ON_TIME if achieved_on <= due_on else QuickWinStatus.LATE
    return QuickWinStatus.PENDING if today <= due_on else QuickWinStatus.MISSED
