"""Demo data for trust: a few recorded looks, so "who looked at my data" is not empty."""

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.trust.models import AccessRecord
from apps.trust.services import WHAT_COACHING_PAGE, WHAT_SCORE_DASHBOARD

if TYPE_CHECKING:  # the demo app imports this module, never the other way at run time
    from apps.demo.seed import DemoContext

User = get_user_model()

# (viewer, subject, days ago, hour, what): Sales East's manager following up on two reps.
LOOKS = [
    ("mads", "jonas", 16, 9, WHAT_SCORE_DASHBOARD),
    ("mads", "mette", 13, 14, WHAT_COACHING_PAGE),
    ("mads", "mette", 6, 10, WHAT_SCORE_DASHBOARD),
    ("mads", "jonas", 2, 11, WHAT_COACHING_PAGE),
    ("sofie", "thomas", 4, 15, WHAT_COACHING_PAGE),
]


def seed_demo(ctx: "DemoContext") -> None:
    """Record the demo managers' looks at their reps' pages over the last weeks."""
    tz = timezone.get_current_timezone()
    usernames = {name for look in LOOKS for name in look[:2]}
    users = User.objects.in_bulk(list(usernames), field_name="username")
    AccessRecord.objects.bulk_create(
        AccessRecord(
            viewer=users[viewer],
            subject=users[subject],
            viewed_at=dt.datetime.combine(ctx.today - dt.timedelta(days=days_ago), dt.time(hour), tzinfo=tz),
            what=what,
        )
        for viewer, subject, days_ago, hour, what in LOOKS
    )
