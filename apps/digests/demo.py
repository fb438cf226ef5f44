"""Demo data for weekly digests: last week's digest for everyone promised one, not e-mailed."""

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.core.periods import week_start
from apps.digests.selectors import digest_recipient_ids
from apps.digests.services import digest_build_and_send
from apps.scoring.services import scores_compute
from apps.suggestions import demo as suggestions_demo

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext

# Enough weeks before the digest's week for "at risk" (two falls in a row) to be judged.
SCORED_WEEKS = 3


def seed_demo(ctx: "DemoContext") -> None:
    """Build last week's digest for the demo people, as the Monday job would, without e-mail."""
    this_monday = week_start(ctx.today)
    last_monday = this_monday - dt.timedelta(weeks=1)
    # Cold deals follow the configured rules' quiet days; install them first (idempotent).
    suggestions_demo.seed_demo(ctx)
    user_ids = [uid for uid in digest_recipient_ids() if uid in ctx.stories]
    # The seed scores everyone after the extensions run; the digest needs last week's score now.
    scores_compute(
        user_ids=user_ids, mondays=[last_monday - dt.timedelta(weeks=w) for w in range(SCORED_WEEKS)], close=True
    )
    monday_job = dt.datetime.combine(this_monday, dt.time(6, 0), tzinfo=timezone.get_current_timezone())
    sent = min(monday_job, timezone.now())
    for user_id in user_ids:
        digest_build_and_send(user_id=user_id, week_start=last_monday, now=sent, send_email=False)
