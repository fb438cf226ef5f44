"""Deal histories for coaching tests: deals with their stage-change rows written directly."""

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from apps.activities.models import Deal, DealStageChange, Stage
from tests import factories
from tests.factories import aware

DAY = 86400


def deal_with_history(
    *, owner: Any, account: Any, engaged_on: dt.date, steps: Sequence[tuple[Stage, int]], first: Stage
) -> Deal:
    """Create a deal that entered `first` on `engaged_on`, then moved along `steps` (to stage, seconds spent)."""
    moment = aware(engaged_on, 9)
    deal = factories.DealFactory(
        account=account, owner=owner, stage=first, stage_entered_at=moment, engaged_on=engaged_on
    )
    current = first
    for to_stage, seconds in steps:
        moment += dt.timedelta(seconds=seconds)
        DealStageChange.objects.create(
            deal=deal, from_stage=current, to_stage=to_stage, changed_at=moment,
            seconds_in_from_stage=seconds, changed_by=owner,
        )
        current = to_stage
    deal.stage = current
    deal.stage_entered_at = moment
    deal.closed_on = moment.date() if current.is_closed else None
    deal.save()
    return deal


def random_histories(
    *, owner: Any, account: Any, open_stages: Sequence[Stage], won: Stage, lost: Stage, deals: int, seed: int,
    forward_chance: float = 0.7, slow_factor: int = 1,
) -> list[Deal]:
    """Create `deals` deals walking the stages: forward, back one stage, lost, or staying open."""
    rng = random.Random(seed)
    created = []
    for _n in range(deals):
        engaged = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, 90))
        index, steps = 0, []
        for _hop in range(8):
            roll = rng.random()
            seconds = rng.randint(1, 12) * DAY * slow_factor + rng.randint(0, DAY - 1)
            if roll < forward_chance:
                target = open_stages[index + 1] if index + 1 < len(open_stages) else won
            elif roll < forward_chance + 0.08 and index > 0:
                target = open_stages[index - 1]
            elif roll < 0.95:
                target = lost
            else:
                break  # still open in this stage
            steps.append((target, seconds))
            if target.is_won or target.is_lost:
                break
            index = open_stages.index(target)
        created.append(
            deal_with_history(owner=owner, account=account, engaged_on=engaged, steps=steps, first=open_stages[0])
        )
    return created
