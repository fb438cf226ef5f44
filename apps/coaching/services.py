"""Delivering the coaching diagnostic: the manager's weekly get, consumed as the coaching page opens."""

import datetime as dt

from apps.givegets.models import Delivery, DeliveryKind
from apps.givegets.services import weekly_delivery_opened


def coaching_diagnostic_deliver(*, user_id: int, at: dt.datetime | None = None) -> Delivery:
    """Deliver the coaching diagnostic to a manager, consumed as it is opened; once per person per week."""
    return weekly_delivery_opened(user_id=user_id, kind=DeliveryKind.COACHING_DIAGNOSTIC, at=at)
