"""Writes for integrations: keys, batch ingestion with per-item answers, held events and their replay."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.identities.normalise import normalise_external_id
from apps.identities.selectors import people_for_identities
from apps.identities.services import external_identity_add
from apps.integrations.connectors import salesforce_elf
from apps.integrations.models import HeldEvent, IntegrationKey, KeyScope
from apps.roles.models import Membership
from apps.usage.kinds import EventSource
from apps.usage.models import UsageEvent
from apps.usage.services import EventInput, usage_events_insert

ACCEPTED, DUPLICATE, HELD, REJECTED = "accepted", "duplicate", "held", "rejected"


def integration_key_create(*, organisation_id: int, name: str, scopes: list[str]) -> tuple[IntegrationKey, str]:
    """Create a key; return it and the secret, which is shown this once and stored only hashed."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("A key needs a name."))
    unknown = sorted(set(scopes) - set(KeyScope.values))
    if not scopes or unknown:
        raise ApplicationError(_("Choose scopes among: %(scopes)s.") % {"scopes": ", ".join(KeyScope.values)})
    key, secret = IntegrationKey.objects.create_key(
        organisation_id=organisation_id, name=name[:50], scopes=sorted(set(scopes)),
    )
    assert isinstance(key, IntegrationKey)
    return key, secret


def integration_key_revoke(*, prefix: str, organisation_id: int) -> None:
    """Revoke one of the organisation's keys (named by its public prefix); it is refused from now on.

    Saved one by one (not a queryset update) so the audit trail records who revoked it.
    """
    for key in IntegrationKey.objects.filter(prefix=prefix, organisation_id=organisation_id, revoked=False):
        key.revoked = True
        key.save(update_fields=["revoked"])


@dataclass(frozen=True)
class ItemResult:
    index: int
    status: str
    reason: str = ""


def _insert_events(events: list[EventInput]) -> set[tuple[str, str]]:
    """Insert events, skipping keys already recorded; return the (source, key) pairs newly inserted.

    The one call into the usage log's bulk insert (one INSERT … ON CONFLICT DO NOTHING RETURNING per batch).
    """
    return usage_events_insert(events=events)


def _existing_keys(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    if not pairs:
        return set()
    condition = Q()
    for source in {pair[0] for pair in pairs}:
        condition |= Q(source=source, idempotency_key__in=[k for s, k in pairs if s == source])
    return set(UsageEvent.objects.filter(condition).values_list("source", "idempotency_key"))


@transaction.atomic
def events_ingest(
    *, organisation_id: int, items: list[dict[str, Any]], source: str = EventSource.API,
) -> list[ItemResult]:
    """Record a batch of validated items for people of the organisation; answer index by index.

    Each item has `index`, `person` (id, e-mail or {source, external_id}), kind, occurred_at,
    idempotency_key and optional duration_seconds and metadata. People outside the organisation
    are rejected as unknown (no existence leak); unmapped identities are held.
    """
    members = Membership.objects.filter(organisation_id=organisation_id)
    ids = {p for item in items if isinstance(p := item["person"], int)}
    emails = {p.casefold() for item in items if isinstance(p := item["person"], str)}
    by_id = set(members.filter(user_id__in=ids).values_list("user_id", flat=True))
    by_email: dict[str, int] = {}
    for email, member_id in members.annotate(email_lower=Lower("user__email")).filter(
        email_lower__in={e.lower() for e in emails},
    ).values_list("user__email", "user_id"):
        by_email[email.casefold()] = member_id
    identity_pairs = [(p["source"], p["external_id"]) for item in items if isinstance(p := item["person"], dict)]
    by_identity = people_for_identities(organisation_id=organisation_id, identities=identity_pairs)

    results: dict[int, ItemResult] = {}
    to_insert: list[tuple[int, EventInput]] = []
    to_hold: list[tuple[int, HeldEvent]] = []
    for item in items:
        index, person = item["index"], item["person"]
        user_id: int | None
        if isinstance(person, int):
            user_id = person if person in by_id else None
        elif isinstance(person, str):
            user_id = by_email.get(person.casefold())
        else:
            user_id = by_identity.get((person["source"], person["external_id"]))
            if user_id is None:
                to_hold.append((index, HeldEvent(
                    organisation_id=organisation_id, identity_source=person["source"],
                    external_id=normalise_external_id(person["source"], person["external_id"]),
                    kind=item["kind"], occurred_at=item["occurred_at"], duration_seconds=item.get("duration_seconds"),
                    source=source, idempotency_key=_scoped_key(organisation_id, item["idempotency_key"]),
                    metadata=item.get("metadata") or {},
                )))
                continue
        if user_id is None:
            results[index] = ItemResult(index, REJECTED, _("Unknown person."))
            continue
        to_insert.append((index, EventInput(
            user_id=user_id, kind=item["kind"], occurred_at=item["occurred_at"], source=source,
            idempotency_key=_scoped_key(organisation_id, item["idempotency_key"]),
            duration_seconds=item.get("duration_seconds"), metadata=item.get("metadata") or {},
        )))

    seen: set[tuple[str, str]] = set()
    unique: list[EventInput] = []
    for _position, event in to_insert:
        if (event.source, event.idempotency_key) not in seen:
            seen.add((event.source, event.idempotency_key))
            unique.append(event)
    inserted = _insert_events(unique)
    for index, event in to_insert:
        pair = (event.source, event.idempotency_key)
        status = ACCEPTED if pair in inserted else DUPLICATE
        inserted.discard(pair)  # a key repeated inside the batch is a duplicate after its first
        results[index] = ItemResult(index, status)
    for index, held_status in _hold(organisation_id, to_hold, source).items():
        results[index] = ItemResult(index, held_status)
    return [results[i] for i in sorted(results)]


def _scoped_key(organisation_id: int, key: str) -> str:
    # Keys are namespaced per organisation so one organisation's key never answers for another's.
    # A key that no longer fits with its prefix is hashed, never cut: two cut keys could collide.
    scoped = f"org{organisation_id}:{key}"
    if len(scoped) <= 200:
        return scoped
    return f"org{organisation_id}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def _hold(organisation_id: int, held: list[tuple[int, HeldEvent]], source: str) -> dict[int, str]:
    keys = {h.idempotency_key for _position, h in held}
    existing = set(
        HeldEvent.objects.filter(organisation_id=organisation_id, idempotency_key__in=keys)
        .values_list("idempotency_key", flat=True)
    ) | {key for _source, key in _existing_keys({(source, k) for k in keys})}
    answers: dict[int, str] = {}
    new: list[HeldEvent] = []
    for index, event in held:
        if event.idempotency_key in existing:
            answers[index] = DUPLICATE
            continue
        existing.add(event.idempotency_key)
        new.append(event)
        answers[index] = HELD
    HeldEvent.objects.bulk_create(new, ignore_conflicts=True)
    return answers


@transaction.atomic
def identity_map(*, organisation_id: int, user_id: int, source: str, external_id: str) -> int:
    """Map an identity to a person and replay its held events into the log, once; return how many."""
    if not Membership.objects.filter(organisation_id=organisation_id, user_id=user_id).exists():
        raise ApplicationError(_("Unknown person."))
    identity = external_identity_add(
        organisation_id=organisation_id, user_id=user_id, source=source, external_id=external_id,
    )
    held = list(
        HeldEvent.objects.select_for_update().filter(
            organisation_id=organisation_id, identity_source=source, external_id=identity.external_id,
            replayed_at__isnull=True,
        )
    )
    events = [
        EventInput(
            user_id=user_id, kind=h.kind, occurred_at=h.occurred_at, source=h.source,
            idempotency_key=h.idempotency_key, duration_seconds=h.duration_seconds, metadata=h.metadata,
        )
        for h in held
    ]
    inserted = _insert_events(events)
    HeldEvent.objects.filter(pk__in=[h.pk for h in held]).update(replayed_at=timezone.now())
    return len(inserted)


CONNECTORS = {"salesforce-elf": salesforce_elf.parse}


@dataclass(frozen=True)
class ImportSummary:
    accepted: int
    duplicate: int
    held: int
    skipped: int
    problems: list[tuple[int, str]]


def crm_usage_import(*, organisation_id: int, fmt: str, text: str) -> ImportSummary:
    """Import a CRM's own log file; re-importing the same file adds nothing. Problems are per row."""
    if fmt not in CONNECTORS:
        raise ApplicationError(_("Unknown format “%(format)s”.") % {"format": fmt})
    parsed = CONNECTORS[fmt](text)
    items = [
        {"index": i, "person": {"source": e.identity_source, "external_id": e.external_id}, "kind": e.kind,
         "occurred_at": e.occurred_at, "idempotency_key": e.idempotency_key, "metadata": e.metadata}
        for i, e in enumerate(parsed.events)
    ]
    counts = {ACCEPTED: 0, DUPLICATE: 0, HELD: 0, REJECTED: 0}
    for start in range(0, len(items), 1000):
        for result in events_ingest(
            organisation_id=organisation_id, items=items[start:start + 1000], source=EventSource.CRM_EXPORT,
        ):
            counts[result.status] += 1
    return ImportSummary(
        accepted=counts[ACCEPTED], duplicate=counts[DUPLICATE], held=counts[HELD], skipped=parsed.skipped,
        problems=parsed.problems,
    )
