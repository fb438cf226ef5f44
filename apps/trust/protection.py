"""Data protection: erasing a person without breaking figures, and the retention of raw usage events.

Erasure anonymises *who* the person was and removes what they wrote for themselves; it keeps
their membership, usage log rows, snapshots and deliveries (with no name attached), so team,
role and phase aggregates and everyone else's figures stay exactly as they were.

Retention removes raw usage events older than `USAGE_EVENT_RETENTION_DAYS` (0 keeps them), never
less than `MIN_RETENTION_DAYS`, a whole month at a time (`apps.usage.partitions`): scores are
recomputed at most 26 weeks back (plus their 4-week rolling window), so older events no longer
move any figure. Each person's first event of each kind, overall and since their go-live, is
kept: quick wins and "new vs returning" are read from it.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.apps import apps as django_apps
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
from apps.usage.partitions import expired_events_drop, retention_boundary

User = get_user_model()
logger = logging.getLogger(__name__)

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


def _kept_first_ids(*, boundary: dt.datetime) -> list[int]:
    """Return the ids of each person's first expired event of each kind, overall and since go-live."""
    old = UsageEvent.objects.filter(occurred_at__lt=boundary)
    overall = old.values("user_id", "kind").annotate(first=Min("occurred_at")).order_by()
    since_live = (old.filter(user__memberships__go_live_on__isnull=False,
                             occurred_at__date__gte=F("user__memberships__go_live_on"))
                  .values("user_id", "kind").annotate(first=Min("occurred_at")).order_by())
    firsts = sorted({(r["user_id"], r["kind"], r["first"]) for r in [*overall, *since_live]})
    ids: set[int] = set()
    for start in range(0, len(firsts), 300):
        match = models.Q(pk__in=[])
        for user_id, kind, first in firsts[start:start + 300]:
            match |= models.Q(user_id=user_id, kind=kind, occurred_at=first)
        ids.update(old.filter(match).values_list("pk", flat=True))
    return sorted(ids)


def usage_events_delete_expired(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Remove raw usage events of the months past the retention (aggregates stay); return how many.

    Whole months go: on PostgreSQL their partitions are dropped, never deleted row by row.
    Each person's first event of each kind stays (see the module's docstring); their day
    rollups already hold every event (written with it), and the rollup rebuild starts after
    the boundary (`raw_log_horizon`).
    """
    boundary = retention_boundary(now=now, days=days)
    if boundary is None:
        return 0
    with transaction.atomic():
        dropped, removed = expired_events_drop(boundary=boundary, kept_ids=_kept_first_ids(boundary=boundary))
    logger.info("expired usage events removed", extra={"data": {
        "before": boundary.isoformat(), "removed": removed, "months_dropped": [f"{m:%Y-%m}" for m in dropped]}})
    return removed
