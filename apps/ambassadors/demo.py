"""Demo kudos: colleagues thanking each other, some read (counted as a get), some still new."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.ambassadors.services import kudos_give
from apps.givegets.services import delivery_consume

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext

# (giver, receiver, days ago, message, read by the receiver)
KUDOS = [
    ("rasmus", "camilla", 20, "Your call notes on Aarhus Maskinfabrik saved me a meeting. Thank you!", True),
    ("camilla", "rasmus", 18, "Thanks for showing me the two-minute call log – I use it every day now.", True),
    ("kasper", "louise", 12, "Great proposal follow-up on Thisted Vindkraft, and all in the CRM.", True),
    ("lars", "karen", 9, "The case history you logged let me help the customer without asking again.", True),
    ("mads", "ida", 6, "Your pipeline is the cleanest in the team. Thank you for keeping it current.", False),
    ("louise", "kasper", 3, "Thanks for the pilot tips – the weekly digest really does save the hour.", False),
    ("nanna", "lars", 2, "Your campaign feedback from service customers was spot on.", False),
]


def seed_demo(ctx: "DemoContext") -> None:
    """Give a handful of kudos between demo people through the real service."""
    users: dict[str, Any] = ctx.users
    today: dt.date = ctx.today
    tz = timezone.get_current_timezone()
    for index, (giver, receiver, days_ago, message, read) in enumerate(KUDOS):
        at = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(14, 5), tzinfo=tz)
        kudos = kudos_give(giver_id=users[giver].pk, receiver_id=users[receiver].pk, message=message,
                           idempotency_key=f"demo-{index}", at=at)
        if read and kudos.delivery is not None:
            delivery_consume(delivery=kudos.delivery, at=at + dt.timedelta(hours=3))
