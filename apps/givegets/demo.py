"""Demo data for Give-Gets: classify every demo week so the lead's trend has history."""

import datetime as dt
from typing import TYPE_CHECKING

from apps.core.periods import week_start
from apps.givegets.models import GiveGetContract
from apps.givegets.services import contract_statuses_refresh

if TYPE_CHECKING:  # the demo app imports this module, never the other way at run time
    from apps.demo.seed import DemoContext


def seed_demo(ctx: "DemoContext") -> None:
    """Store each person's contract status for each of the demo's weeks."""
    contract_ids = list(
        GiveGetContract.objects.filter(role__organisation=ctx.organisation).values_list("pk", flat=True)
    )
    this_monday = week_start(ctx.today)
    for weeks_ago in range(ctx.weeks - 1, -1, -1):
        contract_statuses_refresh(monday=this_monday - dt.timedelta(weeks=weeks_ago), contract_ids=contract_ids)
