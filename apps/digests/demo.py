"""Demo data for weekly digests: last week's digest for everyone promised one, not e-mailed."""

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.core.periods import week_start
from apps.digests.selectors import digest_recipient_ids
from apps.digests.services import digest_build_and_send

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext


def seed_demo(ctx: "DemoContext") -> None:
    """Digests read finished scores; they are built in `after_scores`."""


def after_scores(ctx: "DemoContext") -> None:
    """Build last week's digest for the demo people, as the Monday job would, without e-mail."""
    this_monday = week_start(ctx.today)
    last_monday = this_monday - dt.timedelta(weeks=1)
    user_ids = [uid for uid in digest_recipient_ids() if uid in ctx.stories]
    monday_job = dt.datetime.combine(this_monday, dt.time(6, 0), tzinfo=timezone.get_current_timezone())
    sent = min(monday_job, timezone.now())
    for user_id in user_ids:
        digest_build_and_send(user_id=user_id, week_start=last_monday, now=sent, send_email=False)
