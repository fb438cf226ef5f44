"""Adoption writes: the seats the organisation pays for."""

from django.db import transaction

from apps.adoption.models import SeatAllowance


@transaction.atomic
def seats_set(*, organisation_id: int, seats: int) -> SeatAllowance:
    """Set the organisation's paid seats (the denominator of seat utilisation)."""
    allowance = SeatAllowance.objects.select_for_update().filter(organisation_id=organisation_id).first()
    if allowance is None:
        allowance = SeatAllowance(organisation_id=organisation_id, seats=seats)
    allowance.seats = seats
    allowance.full_clean(validate_unique=False)
    allowance.save()
    return allowance
