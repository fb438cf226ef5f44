"""Logging service cases and delivering the customer context. Each case also lands in the usage log."""

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.activities.models import Account
from apps.givegets.models import Delivery, DeliveryKind
from apps.givegets.services import delivery_record_opened
from apps.roles.models import Membership
from apps.service.models import Case, CaseChannel, CaseStatus
from apps.usage.entries import entry_for_key, entry_record
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import trusted_entry_seconds


@transaction.atomic
def case_log(
    *,
    opened_by_id: int,
    account: Account,
    subject: str,
    description: str = "",
    channel: str = CaseChannel.PHONE,
    status: str = CaseStatus.OPEN,
    opened_at: dt.datetime | None = None,
    entry_seconds: int | None = None,
    source: str = EventSource.APP,
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """Log a case and its usage event in one transaction; return (case, created).

    The same idempotency key twice returns the first case (a double-submitted form).
    """
    key = idempotency_key or f"case:{uuid.uuid4()}"
    if (earlier := entry_for_key(model=Case, source=source, idempotency_key=key)) is not None:
        return earlier, False
    if not Membership.objects.filter(user_id=opened_by_id, organisation_id=account.organisation_id).exists():
        raise ValidationError({"account": _("That account belongs to another organisation.")})
    entry_seconds = trusted_entry_seconds(entry_seconds)
    moment = opened_at or timezone.now()
    case = Case(
        account=account,
        subject=subject.strip(),
        description=description.strip(),
        channel=channel,
        status=status,
        opened_by_id=opened_by_id,
        opened_at=moment,
        solved_at=moment if status == CaseStatus.SOLVED else None,
        entry_seconds=entry_seconds,
    )
    case.full_clean(exclude=["usage_event"])
    entry_record(
        entry=case, user_id=opened_by_id, kind=EventKind.CASE_LOGGED, occurred_at=moment, source=source,
        idempotency_key=key, duration_seconds=entry_seconds, metadata={"account_id": account.pk, "channel": channel},
    )
    return case, True


@transaction.atomic
def case_set_status(*, case: Case, status: str, at: dt.datetime | None = None) -> Case:
    """Move a case to another status; solving stamps the time, reopening clears it."""
    if status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown case status.")})
    if status == case.status:
        return case
    case.status = status
    case.solved_at = (at or timezone.now()) if status == CaseStatus.SOLVED else None
    case.full_clean(exclude=["usage_event"])
    case.save(update_fields=["status", "solved_at"])
    return case


@transaction.atomic
def customer_context_deliver(*, user_id: int, account_id: int, at: dt.datetime | None = None) -> Delivery:
    """Deliver the customer context of one account to a service agent, consumed as it is opened.

    One delivery per person, account and day: reopening the same timeline the same day adds nothing.
    """
    moment = at or timezone.now()
    day = timezone.localtime(moment).date()
    return delivery_record_opened(
        user_id=user_id,
        kind=DeliveryKind.CUSTOMER_CONTEXT,
        idempotency_key=f"customer_context:{user_id}:{account_id}:{day.isoformat()}",
        at=moment,
        metadata={"account_id": account_id},
    )
