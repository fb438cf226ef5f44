"""Recording gets delivered to people and their consumption."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.givegets.models import Delivery, DeliveryKind, GiveGetContract
from apps.roles.models import Membership


def _value_for(*, user_id: int, kind: str) -> tuple[GiveGetContract | None, Decimal]:
    """Return the contract that promises this get to the user's role, and its minutes."""
    membership = Membership.objects.select_related("role").filter(user_id=user_id).first()
    if membership is None:
        return None, Decimal("0")
    contract = (
        GiveGetContract.objects.filter(role_id=membership.role_id, get_kind=kind, is_active=True)
        .order_by("-get_minutes_saved")
        .first()
    )
    if contract is not None:
        return contract, contract.get_minutes_saved
    if kind == DeliveryKind.NEXT_ACTION:
        return None, membership.role.suggestion_accepted_minutes
    if kind == DeliveryKind.RECOGNITION:
        return None, membership.role.recognition_minutes
    return None, Decimal("0")


def delivery_record(
    *,
    user_id: int,
    kind: str,
    idempotency_key: str,
    delivered_at: dt.datetime | None = None,
    metadata: dict[str, Any] | None = None,
) -> tuple[Delivery, bool]:
    """Record that a get was delivered; the same key twice returns the first delivery."""
    existing = Delivery.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    contract, minutes = _value_for(user_id=user_id, kind=kind)
    delivery = Delivery.objects.create(
        user_id=user_id,
        kind=kind,
        contract=contract,
        value_minutes=minutes,
        delivered_at=delivered_at or timezone.now(),
        idempotency_key=idempotency_key,
        metadata=metadata or {},
    )
    return delivery, True


@transaction.atomic
def delivery_consume(*, delivery: Delivery, at: dt.datetime | None = None) -> Delivery:
    """Mark a delivery consumed (opened, accepted) once; later calls change nothing."""
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.consumed_at is None:
        locked.consumed_at = at or timezone.now()
        locked.save(update_fields=["consumed_at"])
        from apps.scoring.tasks import recompute_user_scores

        user_ids = [locked.user_id]
        transaction.on_commit(lambda: recompute_user_scores.delay(user_ids=user_ids))
    return locked
