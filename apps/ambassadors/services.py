"""Writes for ambassadors (nominating, pilot go-live) and kudos."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.ambassadors import rules
from apps.ambassadors.models import KUDOS_MAX_LENGTH, KUDOS_PER_DAY, Kudos
from apps.ambassadors.selectors import kudos_left
from apps.core.errors import ApplicationError
from apps.givegets.models import DeliveryKind
from apps.givegets.services import deliveries_consume, delivery_record
from apps.roles.models import Membership, TeamMember
from apps.rollout.models import RolloutPhase
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record

User = get_user_model()


def _team_member(*, organisation_id: int, team_id: int, user_id: int) -> TeamMember:
    member = (
        TeamMember.objects.select_for_update(of=("self",))
        .filter(team_id=team_id, team__organisation_id=organisation_id, user_id=user_id)
        .first()
    )
    if member is None:
        raise ApplicationError(_("That person is not a member of this team."))
    return member


@transaction.atomic
def ambassador_set(*, organisation_id: int, team_id: int, user_id: int, is_ambassador: bool) -> TeamMember:
    """Nominate a team member as the team's ambassador, or withdraw the nomination."""
    member = _team_member(organisation_id=organisation_id, team_id=team_id, user_id=user_id)
    if is_ambassador and member.is_manager:
        raise ApplicationError(_("An ambassador is a respected peer, not the team's manager: pick a team member."))
    if member.is_ambassador != is_ambassador:
        member.is_ambassador = is_ambassador
        member.save(update_fields=["is_ambassador"])
    return member


def _phase_go_live(membership: Membership) -> dt.date | None:
    """Return the go-live of the earliest phase that covers the person by team or role."""
    return RolloutPhase.objects.filter(
        Q(teams__team_members__user_id=membership.user_id) | Q(roles=membership.role_id),
        organisation_id=membership.organisation_id,
    ).aggregate(first=Min("go_live_on"))["first"]


@transaction.atomic
def ambassador_pilot_set(*, organisation_id: int, user_id: int, go_live_on: dt.date | None) -> Membership:
    """Give an ambassador an earlier, pilot go-live; empty puts them back on their phase's date."""
    membership = (
        Membership.objects.select_for_update().filter(organisation_id=organisation_id, user_id=user_id).first()
    )
    is_ambassador = TeamMember.objects.filter(
        user_id=user_id, team__organisation_id=organisation_id, is_ambassador=True
    ).exists()
    if membership is None or not is_ambassador:
        raise ApplicationError(_("Only an ambassador can go live before their phase."))
    error = rules.pilot_date_error(new_date=go_live_on, current_go_live=membership.go_live_on)
    if error == "not_earlier":
        raise ApplicationError(
            _("A pilot go-live must be earlier than the current go-live (%(date)s).")
            % {"date": formats.date_format(membership.go_live_on, "j F Y")}  # type: ignore[arg-type]
        )
    new_date = go_live_on if go_live_on is not None else _phase_go_live(membership)
    if membership.go_live_on != new_date:
        membership.go_live_on = new_date
        membership.save(update_fields=["go_live_on"])
    return membership


@transaction.atomic
def kudos_give(
    *, giver_id: int, receiver_id: int, message: str, idempotency_key: str, at: dt.datetime | None = None
) -> Kudos:
    """Give a colleague kudos: a usage event for the giver, a recognition get for the receiver.

    Giving the same form (same key) twice returns the first kudos.
    """
    key = f"kudos:{giver_id}:{idempotency_key}"
    at = at or timezone.now()
    message = message.strip()
    if giver_id == receiver_id:
        raise ApplicationError(_("Kudos go to a colleague, not to yourself."))
    if not message:
        raise ApplicationError(_("Write a short message saying what you appreciate."))
    if len(message) > KUDOS_MAX_LENGTH:
        raise ApplicationError(_("Keep the message to %(max)s characters.") % {"max": KUDOS_MAX_LENGTH})
    giver_membership = Membership.objects.filter(user_id=giver_id).first()
    if giver_membership is None:
        raise ApplicationError(_("Only people with a role in an organisation give kudos."))
    if not Membership.objects.filter(user_id=receiver_id, organisation_id=giver_membership.organisation_id).exists():
        raise ApplicationError(_("Kudos go to a colleague in your own organisation."))
    # Serialise one giver's kudos so two tabs cannot pass the daily limit together, and a double
    # submit waits here, then finds the first kudos instead of hitting the unique key.
    User.objects.select_for_update().filter(pk=giver_id).first()
    existing = Kudos.objects.filter(idempotency_key=key, giver_id=giver_id).first()
    if existing is not None:
        return existing
    if kudos_left(user_id=giver_id, now=at) == 0:
        raise ApplicationError(
            _("You have given %(max)s kudos today, the daily maximum. Save this one for tomorrow.")
            % {"max": KUDOS_PER_DAY}
        )
    kudos = Kudos(
        organisation_id=giver_membership.organisation_id, giver_id=giver_id, receiver_id=receiver_id,
        message=message, created_at=at, idempotency_key=key,
    )
    kudos.full_clean(validate_constraints=False)
    kudos.save()
    usage_event_record(
        user_id=giver_id, kind=EventKind.KUDOS_GIVEN, occurred_at=at, source=EventSource.APP,
        idempotency_key=key, metadata={"kudos_id": kudos.pk, "receiver_id": receiver_id},
    )
    delivery, _created = delivery_record(
        user_id=receiver_id, kind=DeliveryKind.RECOGNITION, idempotency_key=key, delivered_at=at,
        metadata={"kudos_id": kudos.pk},
    )
    kudos.delivery = delivery
    kudos.save(update_fields=["delivery"])
    return kudos


@transaction.atomic
def kudos_read(*, receiver_id: int, at: dt.datetime | None = None) -> int:
    """Mark the receiver's unread kudos read: their recognition gets count from now. Return how many."""
    unread = Kudos.objects.filter(
        receiver_id=receiver_id, delivery__isnull=False, delivery__consumed_at__isnull=True
    ).values_list("delivery_id", flat=True)
    return deliveries_consume(user_id=receiver_id, delivery_ids=list(unread), at=at)
