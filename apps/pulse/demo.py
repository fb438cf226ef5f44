"""Demo pulse data: the organisation's cadence and earlier rounds of the check, for the trends.

The base seed gives people one recent answer; this adds the rounds before it (every four
weeks, the stories' moods drifting as their use did) so the overview has months to compare.
"""

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from apps.pulse.models import PulseResponse, PulseSettings
from apps.pulse.rules import construct_means

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext

# Its own generator, so adding pulse history never shifts the other demo modules' data.
RANDOM_SEED = 20240214
ROUNDS_WEEKS_AGO = (12, 8, 4)
MOOD = {"thriving": 6, "steady": 5, "declining": 5, "net_loser": 3}


def _answers(rng: random.Random, base: int) -> dict[str, int]:
    return {key: min(7, max(1, base + rng.choice([-1, 0, 0, 1]))) for key in ("pu1", "pu2", "peou1", "peou2")}


def seed_demo(ctx: "DemoContext") -> None:
    """Add the pulse settings and three earlier rounds of answers to the demo organisation."""
    organisation = ctx.organisation
    today: dt.date = ctx.today
    stories = ctx.stories
    PulseSettings.objects.update_or_create(organisation=organisation, defaults={"cadence_days": 14, "enabled": True})
    rng = random.Random(RANDOM_SEED)  # noqa: S311 - deterministic demo data, not security
    tz = timezone.get_current_timezone()
    rows = []
    for user_id, story in sorted(stories.items()):
        if story.never_logs:
            continue
        for weeks_ago in ROUNDS_WEEKS_AGO:
            if rng.random() < 0.2:
                continue
            base = MOOD.get(story.name, 4)
            if story.name == "declining" and weeks_ago <= 4:
                base -= 1  # their mood falls with their use
            answers = _answers(rng, base)
            pu, peou = construct_means(answers)
            day = today - dt.timedelta(weeks=weeks_ago, days=rng.randint(0, 4))
            rows.append(PulseResponse(
                user_id=user_id, answered_at=dt.datetime.combine(day, dt.time(11, 30), tzinfo=tz),
                perceived_usefulness=pu, perceived_ease_of_use=peou, answers=answers,
            ))
    PulseResponse.objects.bulk_create(rows)
