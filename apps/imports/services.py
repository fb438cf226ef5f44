"""Importing personal spreadsheets: upload, map, preview (dry run), start, run in chunks.

Every row becomes a usage event with an idempotency key derived from its meaning, so importing
the same file twice (or a longer version of it) adds nothing twice. Each chunk of rows is
written in its own transaction together with the job's counters: valid rows are never lost
because another row was bad, and a crashed run resumes exactly where its last chunk ended.
"""

import datetime as dt
import hashlib
import itertools
import logging
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.activities.models import Account, Deal, Stage
from apps.core.enqueue import task_enqueue_on_commit
from apps.identities.selectors import people_for_identities
from apps.identities.sources import IdentitySource
from apps.imports import writers
from apps.imports.models import ImportJob, ImportKind, ImportRowError, ImportStatus, UnknownAccounts
from apps.imports.parsing import (
    MAX_CELL_CHARS,
    FileFormatError,
    Shape,
    SourceFile,
    auto_mapping,
    cell_text,
    data_rows,
    detect_date_order,
    detect_shape,
    is_blank,
    open_source,
)
from apps.imports.rows import (
    DEAL_VALUE_FIELDS,
    CleanRow,
    Lookups,
    PeopleIndex,
    Person,
    StageInfo,
    clean_row,
    deal_identity,
    fields_for,
    idempotency_key,
    mapping_problems,
    resolve_row,
    row_content_key,
    synonyms_for,
)
from apps.imports.writers import DUPLICATE_IN_FILE_FIELD, KEY_FIELD
from apps.roles.models import Organisation
from apps.roles.policies import AnyUser, is_project_lead, membership_of, organisation_users
from apps.usage.partitions import partitions_ensure_for

logger = logging.getLogger(__name__)

RUN_TASK = "apps.imports.tasks.run_import"  # registered by ImportsConfig.ready()

ALLOWED_EXTENSIONS = ("csv", "xlsx")
MAX_UPLOAD_BYTES: int = getattr(settings, "IMPORTS_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
CHUNK_ROWS = 2000
PREVIEW_SAMPLE_ROWS = 200
SAMPLE_CHARS = 100
PREVIEW_MAX_PROBLEMS = 500
PREVIEW_MAX_NEW_ACCOUNTS = 50


# --- Upload and mapping --------------------------------------------------------------------

def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _source(job: ImportJob) -> SourceFile:
    return SourceFile(Path(job.file.path), _extension(job.file.name), job.delimiter)


@transaction.atomic
def import_job_create(*, owner: AnyUser, uploaded: UploadedFile, kind: str) -> ImportJob:
    """Store an uploaded .csv/.xlsx file, find its header row and guess the column mapping."""
    membership = membership_of(owner)
    if membership is None:
        raise ValidationError(_("Only people with a role in an organisation can import."))
    name = uploaded.name or ""
    if _extension(name) not in ALLOWED_EXTENSIONS:
        raise ValidationError({"file": _("Only .csv and .xlsx files can be imported.")})
    if (uploaded.size or 0) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": round((uploaded.size or 0) / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024}})
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    digest = hashlib.sha256()
    for block in uploaded.chunks():
        digest.update(block)
    job = ImportJob(owner_id=membership.user_id, organisation_id=membership.organisation_id, original_name=name[:255],
                    sha256=digest.hexdigest(), kind=kind)
    uploaded.seek(0)
    job.file.save(name, uploaded, save=False)
    try:
        source = open_source(Path(job.file.path), _extension(name))
        shape = detect_shape(list(itertools.islice(source.rows(), 10)), synonyms_for(kind, lead=True))
    except FileFormatError as error:
        job.file.delete(save=False)
        raise ValidationError({"file": str(error)}) from error
    job.delimiter = source.delimiter
    job.header_row = shape.header_index + 1
    job.columns = shape.columns
    job.mapping = auto_mapping(shape.columns, synonyms_for(kind, lead=is_project_lead(owner)))
    job.full_clean()
    job.save()
    return job


def column_samples(job: ImportJob, count: int = 3) -> list[list[str]]:
    """Return the first few values of each column, to help a person recognise it."""
    samples: list[list[str]] = [[] for _ in job.columns]
    shape_rows = data_rows(_source(job).rows(), _shape(job))
    try:
        for _number, cells in itertools.islice(shape_rows, count):
            for index in range(len(job.columns)):
                samples[index].append(cell_text(cells[index])[:SAMPLE_CHARS] if index < len(cells) else "")
    except FileFormatError:
        pass  # the samples only help recognise a column; the preview reports the file's problem
    return samples


def _shape(job: ImportJob) -> Shape:
    return Shape(header_index=job.header_row - 1, columns=list(job.columns))


def _ensure_editable(job: ImportJob) -> None:
    """Lock the job's row and refuse changes once it has started (call inside a transaction).

    The status is read again under the lock: a page loaded before another tab pressed "Import"
    holds a stale job, and saving it would turn a running import back into an editable one.
    """
    status = ImportJob.objects.select_for_update().values_list("status", flat=True).get(pk=job.pk)
    if status not in (ImportStatus.UPLOADED, ImportStatus.MAPPED, ImportStatus.PREVIEWED):
        raise ValidationError(_("This import has already started; upload the file again to change it."))


@transaction.atomic
def import_job_map(*, job: ImportJob, mapping: Mapping[str, int], unknown_accounts: str) -> ImportJob:
    """Save which column holds which field, and what to do with accounts the CRM does not know.

    Only deals may be imported without their account (an activity is always with someone).
    """
    _ensure_editable(job)
    problems = mapping_problems(job.kind, mapping, lead=is_project_lead(job.owner), column_count=len(job.columns))
    allowed = UnknownAccounts.values if job.kind == ImportKind.DEALS else [UnknownAccounts.REJECT,
                                                                           UnknownAccounts.CREATE]
    if unknown_accounts not in allowed:
        problems.append(_("Choose what to do with accounts the CRM does not know."))
    if problems:
        raise ValidationError(problems)
    job.mapping = dict(mapping)
    job.unknown_accounts = unknown_accounts
    job.status = ImportStatus.MAPPED
    job.preview = {}
    job.save(update_fields=["mapping", "unknown_accounts", "status", "preview"])
    return job


# --- Reading and planning rows (shared by the dry run and the import) ----------------------

def _lookups(job: ImportJob, today: dt.date) -> Lookups:
    """Fetch, once per run, every name a row may refer to in the job's organisation."""
    accounts: dict[str, int] = {}
    for pk, name in Account.objects.filter(organisation_id=job.organisation_id).values_list("pk", "name"):
        accounts.setdefault(name.lower(), pk)
    stages = [
        StageInfo(pk, name, order, is_won or is_lost, is_won)
        for pk, name, order, is_won, is_lost in Stage.objects.filter(organisation_id=job.organisation_id)
        .values_list("pk", "name", "order", "is_won", "is_lost")
    ]
    people = _people_index(job) if "owner" in job.mapping else PeopleIndex()
    deals: dict[tuple[int, str], int] = {}
    if job.kind == ImportKind.ACTIVITIES and "deal" in job.mapping:
        deal_rows = Deal.objects.filter(stage__organisation_id=job.organisation_id).values_list(
            "pk", "account_id", "name")
        for pk, account_id, name in deal_rows:
            deals.setdefault((account_id, name.lower()), pk)
    return Lookups(uploader_id=job.owner_id, unknown_accounts=job.unknown_accounts,
                   accounts=accounts, stages=stages, people=people, deals=deals, today=today)


def _owner_values(job: ImportJob) -> set[str]:
    """Return the distinct texts of the file's owner column (a few dozen names, whatever the rows)."""
    index = int(job.mapping["owner"])
    return {
        cell_text(cells[index]).strip() for _n, cells in data_rows(_source(job).rows(), _shape(job))
        if index < len(cells) and not is_blank(cells[index])
    }


def _people_index(job: ImportJob) -> PeopleIndex:
    """Return the organisation's people by username, e-mail, full name and the CRM ids the file uses."""
    people = [
        Person(pk, username, email or "", f"{first} {last}".strip())
        for pk, username, email, first, last in organisation_users(job.owner).values_list(
            "pk", "username", "email", "first_name", "last_name")
    ]
    owners = _owner_values(job)
    # One query for every (system, id) pair the owner column could be: a Salesforce user id,
    # a HubSpot e-mail, a Dynamics GUID or another CRM's user column.
    matched = people_for_identities(
        organisation_id=job.organisation_id,
        identities=[(source, owner) for source in IdentitySource.values for owner in owners],
    )
    external: dict[str, int] = {}
    ambiguous: set[str] = set()
    for (_source_name, raw), user_id in matched.items():
        if external.setdefault(raw, user_id) != user_id:
            ambiguous.add(raw)  # the same text is two people's ids in two systems: not an identity
    return PeopleIndex.build(people, {raw: uid for raw, uid in external.items() if raw not in ambiguous})


def _date_columns(job: ImportJob) -> list[int]:
    names = ("date",) if job.kind == ImportKind.ACTIVITIES else ("engaged_on", "closed_on")
    return [job.mapping[n] for n in names if n in job.mapping]


def _detect_day_first(job: ImportJob) -> tuple[bool, dict[str, Any]]:
    columns = _date_columns(job)
    values = (
        cells[i] for _n, cells in data_rows(_source(job).rows(), _shape(job)) for i in columns if i < len(cells)
    )
    order = detect_date_order(values)
    return order.day_first, {
        "day_first": order.day_first, "day_first_evidence": order.day_first_evidence,
        "month_first_evidence": order.month_first_evidence, "ambiguous": order.ambiguous,
    }


def _planned_chunks(job: ImportJob, lookups: Lookups, today: dt.date) -> Iterator[list[CleanRow]]:
    """Yield the file's rows in chunks, cleaned, matched and keyed.

    Rows are read lazily, so a chunk is matched after the previous one was written (accounts
    created by it are then known).
    """
    mapping = {name: int(index) for name, index in job.mapping.items()}
    occurrences: Counter[str] = Counter()
    rows = data_rows(_source(job).rows(), _shape(job))
    while True:
        chunk: list[CleanRow] = []
        for row_number, cells in itertools.islice(rows, CHUNK_ROWS):
            row = clean_row(job.kind, row_number, cells, mapping, day_first=job.day_first, today=today)
            if not row.problems:
                resolve_row(job.kind, row, lookups)
            if not row.problems:
                _key_row(job.kind, row, occurrences)
            chunk.append(row)
        if not chunk:
            return
        yield chunk


def _key_row(kind: str, row: CleanRow, occurrences: Counter[str]) -> None:
    """Give a clean row its idempotency key; count its content so a repeat in the file is told apart."""
    if kind == ImportKind.ACTIVITIES:
        content = row_content_key(kind, row.values)
        row.values[KEY_FIELD] = idempotency_key(content, occurrences[content])
    else:
        content = deal_identity(row.values)
        row.values[KEY_FIELD] = content
        # The same deal twice in one file is one deal: the first row says what it is.
        row.values[DUPLICATE_IN_FILE_FIELD] = occurrences[content] > 0
    occurrences[content] += 1


def _raw(row: CleanRow) -> list[str]:
    """Return the row's cells as text to store beside its problems (an oversized cell cut short)."""
    return [cell_text(c)[:MAX_CELL_CHARS] for c in row.cells]


def _chunk_statuses(job: ImportJob, chunk: list[CleanRow]) -> Iterator[tuple[CleanRow, str, list[str]]]:
    """Yield each row of a chunk with what importing it would do: ok, update, duplicate or problem."""
    valid = [r for r in chunk if not r.problems]
    if job.kind == ImportKind.ACTIVITIES:
        existing = writers.existing_event_keys([r.values[KEY_FIELD] for r in valid]) if valid else set()
        changed: dict[int, list[str]] = {}
        new = {id(r) for r in valid if r.values[KEY_FIELD] not in existing}
    else:
        plan = writers.deals_plan(job, valid)
        changed = {id(row): fields for row, _deal_id, fields in plan.changed}
        new = {id(r) for r in plan.new}
    for row in chunk:
        if row.problems:
            yield row, "problem", []
        elif id(row) in new:
            yield row, "ok", []
        elif id(row) in changed:
            yield row, "update", changed[id(row)]
        else:
            yield row, "duplicate", []


# --- Dry run -------------------------------------------------------------------------------

def import_job_preview(*, job: ImportJob, today: dt.date | None = None) -> ImportJob:
    """Check every row without writing any of it; store counts, a sample and the problems.

    A file that cannot be read to its end is a ValidationError saying where and why.
    """
    try:
        return _preview(job=job, today=today)
    except FileFormatError as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def _preview(*, job: ImportJob, today: dt.date | None = None) -> ImportJob:
    _ensure_editable(job)
    today = today or timezone.localdate()
    job.day_first, date_order = _detect_day_first(job)
    lookups = _lookups(job, today)
    counts: Counter[str] = Counter()
    updated_fields: Counter[str] = Counter()
    sample: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    new_accounts: dict[str, str] = {}
    for chunk in _planned_chunks(job, lookups, today):
        for row, status, fields in _chunk_statuses(job, chunk):
            counts[status] += 1
            updated_fields.update(fields)
            if status == "problem" and len(problems) < PREVIEW_MAX_PROBLEMS:
                problems.append({"row": row.row_number, "messages": row.problems})
            if status in ("ok", "update") and row.values["account_id"] is None and row.values.get("account"):
                new_accounts.setdefault(row.values["account"].lower(), row.values["account"])
            if len(sample) < PREVIEW_SAMPLE_ROWS:
                sample.append({"row": row.row_number, "cells": [c[:SAMPLE_CHARS] for c in _raw(row)], "status": status,
                               "messages": row.problems, "fields": fields})
    total = sum(counts.values())
    job.preview = {
        "total_rows": total, "would_import": counts["ok"], "would_update": counts["update"],
        "updated_fields": [{"field": name, "rows": updated_fields[name]}
                           for name in DEAL_VALUE_FIELDS if updated_fields[name]],
        "duplicates": counts["duplicate"],
        "problem_rows": counts["problem"], "problems": problems, "sample": sample, "date_order": date_order,
        "new_accounts": sorted(new_accounts.values())[:PREVIEW_MAX_NEW_ACCOUNTS],
        "new_account_count": len(new_accounts),
    }
    job.total_rows = total
    job.status = ImportStatus.PREVIEWED
    job.save(update_fields=["preview", "day_first", "total_rows", "status"])
    return job


# --- Running -------------------------------------------------------------------------------

@transaction.atomic
def import_job_start(*, job: ImportJob, language: str) -> ImportJob:
    """Mark a previewed job as running and enqueue the background import after commit."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status == ImportStatus.RUNNING:
        return locked
    if locked.status != ImportStatus.PREVIEWED:
        raise ValidationError(_("Check the preview before importing."))
    locked.status = ImportStatus.RUNNING
    locked.started_at = timezone.now()
    locked.language = language
    locked.save(update_fields=["status", "started_at", "language"])
    task_enqueue_on_commit(RUN_TASK, job_id=locked.pk)
    return locked


# No import of a spreadsheet runs this long; one still "running" after it was lost (a crash
# between commit and enqueue, or a worker that gave up) and is resumed.
STALLED_AFTER = dt.timedelta(minutes=30)


def import_jobs_resume_stalled(*, now: dt.datetime | None = None) -> list[int]:
    """Enqueue again every job still running long after it started; return their ids.

    Safe beside a run that is in fact alive: each chunk is written only by the run that holds the
    job's lock and expects its position, so a second run never imports a row twice.
    """
    cutoff = (now or timezone.now()) - STALLED_AFTER
    job_ids = list(
        ImportJob.objects.filter(status=ImportStatus.RUNNING, started_at__lt=cutoff).values_list("pk", flat=True)
    )
    for job_id in job_ids:
        task_enqueue_on_commit(RUN_TASK, job_id=job_id)
    return job_ids


def import_job_run(*, job_id: int, today: dt.date | None = None) -> ImportJob:
    """Import a running job's rows chunk by chunk, resuming after the last committed chunk.

    Running it again for a finished job changes nothing.
    """
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.status != ImportStatus.RUNNING:
        return job
    with translation.override(job.language):
        try:
            _run(job, today or timezone.localdate())
        except (OperationalError, ConnectionError):
            raise  # transient: the task retries and resumes after the last committed chunk
        except (FileFormatError, OSError) as error:
            logger.warning("Import %s failed reading its file: %s", job.pk, error)
            return import_job_fail(job_id=job.pk, message=_("The file could not be read: %(error)s") % {"error": error})
        except Exception:
            logger.exception("Import %s failed", job.pk)
            import_job_fail(job_id=job.pk, message=_("The import stopped because of an internal error."))
            raise
    job.refresh_from_db()
    return job


def import_job_fail(*, job_id: int, message: str) -> ImportJob:
    """Mark a job failed; rows of chunks already committed stay imported."""
    job = ImportJob.objects.get(pk=job_id)
    job.status = ImportStatus.FAILED
    job.failure_message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure_message", "finished_at"])
    return job


def _run(job: ImportJob, today: dt.date) -> None:
    lookups = _lookups(job, today)
    start = job.processed_rows
    consumed = 0
    for chunk in _planned_chunks(job, lookups, today):
        if consumed + len(chunk) <= start:
            consumed += len(chunk)
            continue
        if not _write_chunk(job, chunk, lookups, expected_processed=consumed):
            return  # another worker is running this job
        consumed += len(chunk)
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status == ImportStatus.RUNNING:
            locked.status = ImportStatus.DONE
            locked.total_rows = locked.processed_rows
            locked.finished_at = timezone.now()
            locked.save(update_fields=["status", "total_rows", "finished_at"])


def _write_chunk(job: ImportJob, chunk: list[CleanRow], lookups: Lookups, *, expected_processed: int) -> bool:
    """Write one chunk and the job's counters in one transaction; return False if the job moved on."""
    # The months its usage events fall in get their log partitions first (DDL outside the transaction).
    partitions_ensure_for(v for r in chunk if not r.problems for v in r.values.values() if isinstance(v, dt.date))
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportStatus.RUNNING or locked.processed_rows != expected_processed:
            return False
        bad = [r for r in chunk if r.problems]
        valid = [r for r in chunk if not r.problems]
        if job.kind == ImportKind.ACTIVITIES:
            written, updated = writers.activities_write(job, valid, lookups), 0
        else:
            # One organisation's deal imports run one chunk at a time: a deal's identity is
            # claimed by exactly one of two imports of the same file.
            Organisation.objects.select_for_update().filter(pk=job.organisation_id).exists()
            written, updated = writers.deals_write(job, valid, lookups)
        ImportRowError.objects.bulk_create(
            [ImportRowError(job_id=job.pk, row_number=r.row_number, raw=_raw(r), messages=r.problems) for r in bad],
            ignore_conflicts=True,
        )
        locked.processed_rows = expected_processed + len(chunk)
        locked.total_rows = max(locked.total_rows, locked.processed_rows)
        locked.imported_rows += written
        locked.updated_rows += updated
        locked.skipped_duplicates += len(valid) - written - updated
        locked.error_rows += len(bad)
        locked.save(update_fields=["processed_rows", "total_rows", "imported_rows", "updated_rows",
                                   "skipped_duplicates", "error_rows"])
    return True


def mapping_fields(job: ImportJob) -> list[Any]:
    """Return the fields the job's owner may map, in display order."""
    return list(fields_for(job.kind, lead=is_project_lead(job.owner)))
