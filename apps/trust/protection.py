"""Data protection: erasing a person without breaking figures, and the retention of raw usage events.

Erasure anonymises *who* the person was and removes what they wrote for themselves; it keeps
their membership, usage log rows, snapshots and deliveries (with no name attached), so team,
role and phase aggregates and everyone else's figures stay exactly as they were.

Retention deletes raw usage events older than `USAGE_EVENT_RETENTION_DAYS` (0 keeps them), never
less than `MIN_RETENTION_DAYS`: scores are recomputed at most 26 weeks back (plus their 4-week
rolling window), so older events no longer move any figure. Each person's first event of each
kind, overall and since their go-live, is kept: quick wins and "new vs returning" are read from it.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.identities.models import ExternalIdentity
from apps.roles.models import Membership
from apps.trust.models import AuditEntry
from apps.usage.models import UsageEvent

User = get_user_model()

# 26 weeks of score backfill + a 4-week rolling window, rounded up to 13 months.
MIN_RETENTION_DAYS = 400
ERASED_FIRST_NAME = "Erased"


@dataclass(frozen=True)
class ErasureResult:
    user_id: int
    identities_removed: int
    events_scrubbed: int
    kudos_cleared: int
    digests_cleared: int
    audit_entries_scrubbed: int
    sessions_ended: int


def erased_username(user_id: int) -> str:
    return f"erased-{user_id}"


@transaction.atomic
def person_erase(*, user_id: int, organisation_id: int) -> ErasureResult:
    """Anonymise one person of the organisation (a leaver, or on request); keep every figure.

    Name, e-mail, user name and password go; so do their ids in other systems, the free text
    of kudos they gave or got, their digests' content, their usage events' metadata and their
    name in the audit trail. Rows that figures are computed from stay, tied to the anonymous
    account, which can no longer log in. Raise ValidationError for someone outside the organisation.
    """
    if not Membership.objects.filter(user_id=user_id, organisation_id=organisation_id).exists():
        raise ValidationError(_("This person is not in your organisation."))
    user = User.objects.select_for_update().get(pk=user_id)
    user.username = erased_username(user_id)
    user.first_name, user.last_name, user.email = ERASED_FIRST_NAME, f"#{user_id}", ""
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["username", "first_name", "last_name", "email", "is_active", "password"])

    identities = ExternalIdentity.objects.filter(user_id=user_id)
    identities_removed = identities.count()
    identities.delete()
    # The usage log is append-only; erasure is one of its two sanctioned exceptions (with
    # retention). Metadata may hold record names or search terms; kind, time and duration stay.
    events_scrubbed = models.QuerySet.update(
        UsageEvent.objects.filter(user_id=user_id).exclude(metadata={}), metadata={})
    # Kudos and digests live in apps above trust's layer: looked up by name, not imported.
    kudos, digests = django_apps.get_model("ambassadors", "Kudos"), django_apps.get_model("digests", "Digest")
    kudos_cleared = kudos.objects.filter(models.Q(giver_id=user_id) | models.Q(receiver_id=user_id)).exclude(
        message="").update(message="")
    digests_cleared = digests.objects.filter(user_id=user_id).exclude(content={}).update(content={}, emailed_to="")
    about = AuditEntry.objects.filter(additional_data__user_id=user_id)
    audit_entries_scrubbed = about.update(object_repr=str(user), serialized_data=None, remote_addr=None)
    # A row about them names them in its own "user" field (the name at the time): that value goes.
    for entry in about.filter(changes__has_key="user").only("pk", "changes"):
        changes = {name: value for name, value in entry.changes.items() if name != "user"}
        AuditEntry.objects.filter(pk=entry.pk).update(changes=changes, changes_text="")
    # Other systems' ids were personal identifiers: their old values go from the trail too.
    about.filter(content_type__model="externalidentity").update(changes={}, changes_text="")
    AuditEntry.objects.filter(actor_id=user_id).update(actor_email=None, remote_addr=None)
    sessions_ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            sessions_ended += 1
    return ErasureResult(user_id=user_id, identities_removed=identities_removed, events_scrubbed=events_scrubbed,
                         kudos_cleared=kudos_cleared, digests_cleared=digests_cleared,
                         audit_entries_scrubbed=audit_entries_scrubbed, sessions_ended=sessions_ended)


def retention_days() -> int:
    """Return the configured retention of raw usage events in days (0: kept), never below the minimum."""
    days = int(getattr(settings, "USAGE_EVENT_RETENTION_DAYS", 0) or 0)
    return 0 if days <= 0 else max(days, MIN_RETENTION_DAYS)


def _kept_firsts(old: "models.QuerySet[UsageEvent]") -> models.Q:
    """Return a filter matching each person's first old event of each kind, overall and since go-live."""
    firsts: set[tuple[int, str, dt.datetime]] = set()
    overall = old.values("user_id", "kind").annotate(first=Min("occurred_at"))
    since_live = (old.filter(user__memberships__go_live_on__isnull=False,
                             occurred_at__date__gte=F("user__memberships__go_live_on"))
                  .values("user_id", "kind").annotate(first=Min("occurred_at")))
    for row in [*overall, *since_live]:
        firsts.add((row["user_id"], row["kind"], row["first"]))
    keep = models.Q(pk__in=[])
    for user_id, kind, first in firsts:
        keep |= models.Q(user_id=user_id, kind=kind, occurred_at=first)
    return keep


def usage_events_delete_expired(*, now: dt.datetime | None = None, days: int | None = None,
                                batch_size: int = 5000) -> int:
    """Delete raw usage events older than the retention (snapshots and other aggregates stay); return how many.

    Deletes in batches of primary keys, each its own transaction, so a long backlog never holds
    one huge lock.
    """
    days = retention_days() if days is None else (0 if days <= 0 else max(days, MIN_RETENTION_DAYS))
    if days == 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted = 0
    for user_id in sorted(set(UsageEvent.objects.filter(occurred_at__lt=cutoff).values_list("user_id", flat=True))):
        old = UsageEvent.objects.filter(user_id=user_id, occurred_at__lt=cutoff)
        doomed = old.exclude(_kept_firsts(old)).values_list("pk", flat=True)
        while True:
            with transaction.atomic():
                ids = list(doomed[:batch_size])
                if not ids:
                    break
                # The second sanctioned exception to the append-only log (see person_erase).
                deleted += _raw_delete(UsageEvent.objects.filter(pk__in=ids))
    return deleted


def _raw_delete(queryset: Any) -> int:
    """Delete without signals or the append-only guard: nothing refers to a usage event."""
    return int(queryset._raw_delete(queryset.db))
