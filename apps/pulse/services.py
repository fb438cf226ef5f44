"""Writes for the pulse check: answering, skipping and the organisation's cadence."""

import datetime as dt
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.pulse import rules
from apps.pulse.models import MIN_CADENCE_DAYS, PulseResponse, PulseSettings, PulseSkip
from apps.pulse.selectors import last_answered_at, live_since, pulse_settings_for
from apps.roles.models import Membership
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record

User = get_user_model()


def _membership(user_id: int) -> Membership:
    membership = Membership.objects.filter(user_id=user_id).first()
    if membership is None:
        raise ApplicationError(_("Only people with a role in an organisation answer the pulse check."))
    return membership


@transaction.atomic
def pulse_answer(
    *, user_id: int, answers: Mapping[str, int], form_token: str, at: dt.datetime | None = None
) -> PulseResponse:
    """Store one answer to the check and record it as a usage event, so the score recomputes.

    Submitting the same form (same token) twice returns the first response.
    """
    key = f"pulse:{user_id}:{form_token}"
    membership = _membership(user_id)
    # Serialise one person's submissions so two tabs cannot both pass the cadence check, and a
    # double submit waits here, then finds the first response instead of failing the cadence.
    User.objects.select_for_update().filter(pk=user_id).first()
    existing = PulseResponse.objects.filter(idempotency_key=key, user_id=user_id).first()
    if existing is not None:
        return existing
    at = at or timezone.now()
    settings = pulse_settings_for(organisation_id=membership.organisation_id)
    if not rules.live_long_enough(live_since=live_since(user_id=user_id), today=timezone.localtime(at).date()):
        raise ApplicationError(_("The pulse check starts after your first week with the CRM."))
    if not rules.may_answer(enabled=settings.enabled, cadence_days=settings.cadence_days,
                            last_answered_at=last_answered_at(user_id=user_id), now=at):
        raise ApplicationError(_("You have answered the pulse check recently; the next one comes later."))
    try:
        usefulness, ease_of_use = rules.construct_means(answers)
    except ValueError as error:
        raise ApplicationError(_("Answer every statement on the 1–7 scale.")) from error
    response = PulseResponse(
        user_id=user_id, answered_at=at, perceived_usefulness=usefulness, perceived_ease_of_use=ease_of_use,
        answers=dict(answers), idempotency_key=key,
    )
    response.full_clean()
    response.save()
    usage_event_record(
        user_id=user_id, kind=EventKind.PULSE_ANSWERED, occurred_at=at, source=EventSource.APP,
        idempotency_key=key, metadata={"pulse_response_id": response.pk},
    )
    return response


@transaction.atomic
def pulse_skip(*, user_id: int, at: dt.datetime | None = None) -> PulseSkip:
    """Record that the person skipped the check; skipping again before it is due changes nothing."""
    at = at or timezone.now()
    membership = _membership(user_id)
    User.objects.select_for_update().filter(pk=user_id).first()
    latest = PulseSkip.objects.filter(user_id=user_id).order_by("-skipped_at").first()
    settings = pulse_settings_for(organisation_id=membership.organisation_id)
    if latest is not None and not rules.is_due(
        enabled=True, cadence_days=settings.cadence_days, last_answered_at=None,
        last_skipped_at=latest.skipped_at, now=at,
    ):
        return latest
    skip = PulseSkip(user_id=user_id, skipped_at=at)
    skip.full_clean()
    skip.save()
    return skip


@transaction.atomic
def pulse_settings_update(*, organisation_id: int, cadence_days: int, enabled: bool) -> PulseSettings:
    """Set how often the organisation's people are asked; never more often than every 14 days."""
    if cadence_days < MIN_CADENCE_DAYS:
        raise ValidationError(
            {"cadence_days": _("Leave at least %(days)s days between checks: asking more often wears people out.")
             % {"days": MIN_CADENCE_DAYS}}
        )
    settings, _created = PulseSettings.objects.select_for_update().get_or_create(organisation_id=organisation_id)
    settings.cadence_days = cadence_days
    settings.enabled = enabled
    settings.full_clean()
    settings.save(update_fields=["cadence_days", "enabled"])
    return settings

