"""Reading imports: a person's own jobs, the organisation's jobs for the project lead."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import Http404

from apps.imports.models import ImportJob, ImportRowError
from apps.roles.policies import AnyUser, is_project_lead, membership_of


def jobs_of(user: AnyUser) -> QuerySet[ImportJob]:
    """Return the jobs this person uploaded, newest first."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(owner_id=user.pk).defer("preview")


def organisation_jobs(user: AnyUser) -> QuerySet[ImportJob]:
    """Return every job of the project lead's organisation (counts only); nothing for anyone else."""
    membership = membership_of(user)
    if membership is None or not is_project_lead(user):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organisation_id=membership.organisation_id).select_related("owner").defer("preview")


def own_job_or_404(user: AnyUser, job_id: int) -> ImportJob:
    """Return the job if this person uploaded it; 404 otherwise, so others' jobs do not leak."""
    job = ImportJob.objects.filter(pk=job_id, owner_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job


def row_errors(job: ImportJob) -> Iterator[ImportRowError]:
    """Yield the job's rejected rows in file order without loading them all at once."""
    return job.row_errors.order_by("row_number").iterator(chunk_size=2000)
