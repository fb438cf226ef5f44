"""Reading imports: a person's own jobs, the organisation's jobs for the project lead."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from apps.imports.models import ImportJob, ImportKind, ImportRowError, ImportStatus
from apps.roles.policies import AnyUser, is_project_lead, membership_of


def jobs_of(user: AnyUser) -> QuerySet[ImportJob]:
    """Return the jobs this person uploaded, newest first."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(owner_id=user.pk).defer("preview")


def organisation_summary(user: AnyUser) -> list[dict[str, Any]]:
    """Return the project lead's organisation's imports per kind and status: counts, never names.

    Leads see aggregates only; each file, its rows and who uploaded it stay with that person.
    """
    membership = membership_of(user)
    if membership is None or not is_project_lead(user):
        return []
    rows = list(
        ImportJob.objects.filter(organisation_id=membership.organisation_id)
        .values("kind", "status")
        .annotate(
            jobs=Count("pk"),
            people=Count("owner", distinct=True),
            rows_in_files=Sum("total_rows"),
            rows_imported=Sum("imported_rows"),
            rows_already_there=Sum("skipped_duplicates"),
            rows_with_problems=Sum("error_rows"),
        )
        .order_by("kind", "status")
    )
    for row in rows:
        row["kind_label"] = ImportKind(row["kind"]).label
        row["status_label"] = ImportStatus(row["status"]).label
    return rows


def own_job_or_404(user: AnyUser, job_id: int) -> ImportJob:
    """Return the job if this person uploaded it; 404 otherwise, so others' jobs do not leak."""
    job = ImportJob.objects.filter(pk=job_id, owner_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job


def row_errors(job: ImportJob) -> Iterator[ImportRowError]:
    """Yield the job's rejected rows in file order without loading them all at once."""
    return job.row_errors.order_by("row_number").iterator(chunk_size=2000)
