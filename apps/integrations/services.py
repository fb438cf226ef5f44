"""Writes for integrations: keys, batch ingestion with per-item answers, held events and their replay."""

import codecs
import datetime as dt
import hashlib
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.identities.normalise import normalise_external_id
from apps.identities.selectors import people_for_identities
from apps.identities.services import external_identity_add
from apps.integrations.connectors import generic_csv
from apps.integrations.connectors.base import Parsed, ParsedEvent
from apps.integrations.connectors.registry import CONNECTORS, connector_parse
from apps.integrations.models import HeldEvent, IntegrationKey, KeyScope, UsageImport, UsageImportStatus
from apps.roles.models import Membership
from apps.usage.kinds import EventSource
from apps.usage.partitions import partitions_ensure_for
from apps.usage.services import EventInput, usage_events_insert, usage_keys_recorded

logger = logging.getLogger(__name__)

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


def _months_made_for(items: list[dict[str, Any]]) -> None:
    """Give the months these items happened in their usage log partitions before the insert's transaction."""
    partitions_ensure_for(at for item in items if isinstance(at := item.get("occurred_at"), dt.datetime))


def events_ingest(
    *, organisation_id: int, items: list[dict[str, Any]], source: str = EventSource.API,
) -> list[ItemResult]:
    """Record a batch of validated items for people of the organisation; answer index by index (see `_ingest`)."""
    _months_made_for(items)
    return _ingest(organisation_id=organisation_id, items=items, source=source)


@transaction.atomic
def _ingest(*, organisation_id: int, items: list[dict[str, Any]], source: str) -> list[ItemResult]:
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
    ) | {key for _source, key in usage_keys_recorded({(source, k) for k in keys})}
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


@dataclass(frozen=True)
class ImportSummary:
    accepted: int
    duplicate: int
    held: int
    skipped: int
    problems: list[tuple[int, str]]


def _counts_of(results: list[ItemResult]) -> dict[str, int]:
    counts = {ACCEPTED: 0, DUPLICATE: 0, HELD: 0, REJECTED: 0}
    for result in results:
        counts[result.status] += 1
    return counts


def _items_of(events: list[ParsedEvent]) -> list[dict[str, Any]]:
    return [
        {"index": i, "person": {"source": e.identity_source, "external_id": e.external_id}, "kind": e.kind,
         "occurred_at": e.occurred_at, "idempotency_key": e.idempotency_key, "metadata": e.metadata,
         "duration_seconds": e.duration_seconds}
        for i, e in enumerate(events)
    ]


def decode_upload(data: bytes) -> str:
    """Decode a CRM export: UTF-8 or UTF-16 with a byte-order mark, UTF-8, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _options_for(fmt: str, text: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """Return the options a file is read with: for the generic CSV, its time-spent column decided."""
    if fmt not in CONNECTORS:
        raise ApplicationError(_("Unknown format “%(format)s”.") % {"format": fmt})
    if not CONNECTORS[fmt].needs_columns:
        return dict(options or {})
    return generic_csv.options_resolved(text, options or {})


def _parse(fmt: str, text: str, options: dict[str, Any] | None) -> Parsed:
    if fmt not in CONNECTORS:
        raise ApplicationError(_("Unknown format “%(format)s”.") % {"format": fmt})
    connector = CONNECTORS[fmt]
    if connector.needs_columns and not ((options or {}).get("person_column") and (options or {}).get("time_column")):
        raise ApplicationError(_("Name the columns that hold the person and the time."))
    return connector_parse(fmt, text, options)


def crm_usage_import(*, organisation_id: int, fmt: str, text: str, options: dict[str, Any] | None = None
                     ) -> ImportSummary:
    """Import a CRM's own log file; re-importing the same file adds nothing. Problems are per row."""
    parsed = _parse(fmt, text, _options_for(fmt, text, options))
    items = _items_of(parsed.events)
    counts = {ACCEPTED: 0, DUPLICATE: 0, HELD: 0, REJECTED: 0}
    for start in range(0, len(items), CHUNK_EVENTS):
        for status, count in _counts_of(events_ingest(
            organisation_id=organisation_id, items=items[start:start + CHUNK_EVENTS], source=EventSource.CRM_EXPORT,
        )).items():
            counts[status] += count
    return ImportSummary(
        accepted=counts[ACCEPTED], duplicate=counts[DUPLICATE], held=counts[HELD], skipped=parsed.skipped,
        problems=parsed.problems,
    )


# Events per transaction of a background import; progress moves once per chunk.
CHUNK_EVENTS = 1000
PREVIEW_ROWS = 2000
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
KEPT_PROBLEMS = 200
USAGE_IMPORT_TASK = "apps.integrations.tasks.run_usage_import"


def usage_import_create(
    *, organisation_id: int, user_id: int | None, fmt: str, upload: UploadedFile, options: dict[str, Any] | None = None,
) -> UsageImport:
    """Store an uploaded log file and preview its first rows: kinds, identities mapped or not, problems.

    Nothing reaches the usage log until `usage_import_start`.
    """
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError(_("The file is larger than %(limit)d MB; split it and upload the parts.")
                               % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    data = upload.read()
    text = decode_upload(data)
    lines = text.splitlines(keepends=True)
    options = _options_for(fmt, text, options)
    parsed = _parse(fmt, "".join(lines[:PREVIEW_ROWS + 1]), options)
    # Counted as the identity model compares them (e-mails without case, Salesforce ids in 18 characters).
    identities = sorted({(e.identity_source, _canonical_id(e.identity_source, e.external_id)) for e in parsed.events})
    mapped = people_for_identities(organisation_id=organisation_id, identities=identities)
    unmapped = [external_id for pair in identities if pair not in mapped for external_id in [pair[1]]]
    preview = {
        "rows": min(PREVIEW_ROWS, max(len(lines) - 1, 0)),
        "rows_in_file": max(len(lines) - 1, 0),
        "kinds": dict(Counter(e.kind for e in parsed.events).most_common()),
        "identities": len(identities),
        "mapped": len(identities) - len(unmapped),
        "unmapped": unmapped[:10],
        "skipped": parsed.skipped,
        "problems": [[row, message] for row, message in parsed.problems[:20]],
        "problem_count": len(parsed.problems),
        "first": min((e.occurred_at for e in parsed.events), default=None),
        "last": max((e.occurred_at for e in parsed.events), default=None),
    }
    if CONNECTORS[fmt].needs_columns:
        preview |= {"duration_column": options["duration_column"], "duration_unit": options["duration_unit"],
                    "timed": sum(1 for e in parsed.events if e.duration_seconds is not None)}
    preview = {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in preview.items()}
    usage_import = UsageImport(
        organisation_id=organisation_id, created_by_id=user_id, format=fmt, options=options or {},
        file_name=(upload.name or "upload.csv")[:255], preview=preview,
    )
    usage_import.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
    usage_import.save()
    return usage_import


def _canonical_id(source: str, external_id: str) -> str:
    try:
        return normalise_external_id(source, external_id)
    except ValueError:
        return external_id


def usage_import_start(*, usage_import: UsageImport) -> UsageImport:
    """Queue a previewed import for a worker; if the broker is down it waits for the next resume run."""
    if usage_import.status != UsageImportStatus.PREVIEWED:
        return usage_import
    usage_import.status = UsageImportStatus.QUEUED
    usage_import.save(update_fields=["status"])
    pk = usage_import.pk
    transaction.on_commit(lambda: _enqueue_usage_import(pk))
    return usage_import


def _enqueue_usage_import(usage_import_id: int) -> None:
    try:
        current_app.tasks[USAGE_IMPORT_TASK].apply_async(kwargs={"usage_import_id": usage_import_id})
    except Exception:  # any broker error: the resume job starts it when the broker is back
        logger.warning("Could not enqueue %s for %s; the resume job will.", USAGE_IMPORT_TASK, usage_import_id,
                       exc_info=True)


def usage_import_run(*, usage_import_id: int) -> UsageImport:
    """Import the file in chunks, saving counts and progress with each chunk; resumable.

    A chunk's events and the progress that counts them commit together, so a run that is killed
    and started again continues after the last committed chunk and counts nothing twice.
    """
    with transaction.atomic():
        usage_import = UsageImport.objects.select_for_update().get(pk=usage_import_id)
        if usage_import.status in (UsageImportStatus.DONE, UsageImportStatus.FAILED, UsageImportStatus.PREVIEWED):
            return usage_import
        usage_import.status = UsageImportStatus.RUNNING
        usage_import.started_at = usage_import.started_at or timezone.now()
        usage_import.save(update_fields=["status", "started_at"])
    try:
        with usage_import.file.open("rb") as handle:
            text = decode_upload(handle.read())
        parsed = _parse(usage_import.format, text, usage_import.options)
    except (ApplicationError, OSError) as error:
        UsageImport.objects.filter(pk=usage_import_id).update(
            status=UsageImportStatus.FAILED, failure_message=str(getattr(error, "message", error)),
            finished_at=timezone.now())
        return UsageImport.objects.get(pk=usage_import_id)
    items = _items_of(parsed.events)
    UsageImport.objects.filter(pk=usage_import_id).update(
        rows_total=len(items), skipped=parsed.skipped, problem_count=len(parsed.problems),
        problems=[[row, message] for row, message in parsed.problems[:KEPT_PROBLEMS]],
    )
    start = usage_import.rows_done
    _months_made_for(items[start:])
    while start < len(items):
        chunk = items[start:start + CHUNK_EVENTS]
        with transaction.atomic():
            counts = _counts_of(events_ingest(
                organisation_id=usage_import.organisation_id, items=chunk, source=EventSource.CRM_EXPORT,
            ))
            UsageImport.objects.filter(pk=usage_import_id).update(
                rows_done=F("rows_done") + len(chunk), accepted=F("accepted") + counts[ACCEPTED],
                duplicate=F("duplicate") + counts[DUPLICATE], held=F("held") + counts[HELD],
                problem_count=F("problem_count") + counts[REJECTED],
            )
        start += len(chunk)
    UsageImport.objects.filter(pk=usage_import_id).update(status=UsageImportStatus.DONE, finished_at=timezone.now())
    return UsageImport.objects.get(pk=usage_import_id)


def usage_imports_resume(*, older_than: dt.timedelta = dt.timedelta(minutes=2)) -> int:
    """Queue imports left waiting (broker was down) or running without progress; return how many."""
    cutoff = timezone.now() - older_than
    waiting = list(UsageImport.objects.filter(status=UsageImportStatus.QUEUED, created_at__lt=cutoff)
                   .values_list("pk", flat=True))
    for pk in waiting:
        _enqueue_usage_import(pk)
    return len(waiting)
