"""Demo data for Give-Gets: classify every demo week so the lead's trend has history."""

import datetime as dt

from apps.core.periods import week_start
from apps.demo.seed import WEEKS, DemoContext
from apps.givegets.models import GiveGetContract
from apps.givegets.services import contract_statuses_refresh


def seed_demo(ctx: DemoContext) -> None:
    """Store each person's contract status for each of the demo's weeks."""
    contract_ids = list(
        GiveGetContract.objects.filter(role__organisation=ctx.organisation).values_list("pk", flat=True)
    )
    this_monday = week_start(ctx.today)
    for weeks_ago in range(WEEKS - 1, -1, -1):
        contract_statuses_refresh(monday=this_monday - dt.timedelta(weeks=weeks_ago), contract_ids=contract_ids)
