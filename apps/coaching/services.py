"""Delivering the coaching diagnostic: the manager's weekly get, consumed as the coaching page opens."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets.models import Delivery, DeliveryKind
from apps.givegets.services import delivery_record_opened


@transaction.atomic
def coaching_diagnostic_deliver(*, user_id: int, at: dt.datetime | None = None) -> Delivery:
    """Deliver the coaching diagnostic to a manager, consumed as it is opened; once per person per week."""
    moment = at or timezone.now()
    monday = week_start(timezone.localtime(moment).date())
    return delivery_record_opened(
        user_id=user_id,
        kind=DeliveryKind.COACHING_DIAGNOSTIC,
        idempotency_key=f"coaching_diagnostic:{user_id}:{monday.isoformat()}",
        at=moment,
    )
