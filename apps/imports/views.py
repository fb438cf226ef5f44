"""The import flow: upload → map columns → preview (dry run) → import → progress → result."""

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.spreadsheets import safe_row
from apps.imports import selectors, services
from apps.imports.forms import MappingForm, UploadForm
from apps.imports.models import ImportJob, ImportStatus
from apps.roles.decorators import member_required
from apps.roles.policies import is_project_lead


def _next_step(job: ImportJob) -> HttpResponse | None:
    """Send a job that is importing or finished to its progress or result page."""
    if job.status == ImportStatus.RUNNING:
        return redirect("imports:progress", job_id=job.pk)
    if job.is_finished:
        return redirect("imports:result", job_id=job.pk)
    return None


def date_order_note(order: dict[str, Any]) -> str | None:
    """Explain how dates that could be read two ways (03/04/2016) were read, or None if there were none."""
    ambiguous = order.get("ambiguous", 0)
    if not ambiguous:
        return None
    if not order.get("day_first", True):
        reason = _("like the %(n)s dates in the file that can only be month first (US style)") % {
            "n": order.get("month_first_evidence", 0)}
        reading = _("month first")
    elif order.get("day_first_evidence"):
        reason = _("like the %(n)s dates in the file that can only be day first") % {
            "n": order.get("day_first_evidence", 0)}
        reading = _("day first")
    else:
        reason = _("the Danish way, as nothing in the file says otherwise")
        reading = _("day first")
    return _("%(n)s dates, such as 03/04/2016, could be read two ways; they are read %(reading)s, %(reason)s.") % {
        "n": ambiguous, "reading": reading, "reason": reason}


@member_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                owner=request.user, uploaded=form.cleaned_data["file"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            return redirect("imports:map", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/start.html", {
        "form": form,
        "jobs": selectors.jobs_of(request.user)[:20],
        "organisation_summary": selectors.organisation_summary(request.user) if is_project_lead(request.user) else None,
    }, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def map_columns(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job_or_404(request.user, job_id)
    if (moved := _next_step(job)) is not None:
        return moved
    fields = services.mapping_fields(job)
    form = MappingForm(request.POST or None, job=job, fields=fields)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_map(job=job, mapping=form.cleaned_data["mapping"],
                                    unknown_accounts=form.cleaned_data["unknown_accounts"])
            services.import_job_preview(job=job)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("imports:preview", job_id=job.pk)
    samples = services.column_samples(job)
    rows = list(zip(form.column_fields(), samples, strict=True))
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/map.html", {"job": job, "form": form, "rows": rows, "fields": fields},
                  status=status)


@member_required
@require_GET
def preview(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job_or_404(request.user, job_id)
    if (moved := _next_step(job)) is not None:
        return moved
    if job.status != ImportStatus.PREVIEWED:
        return redirect("imports:map", job_id=job.pk)
    return render(request, "imports/preview.html", {
        "job": job, "preview": job.preview, "date_note": date_order_note(job.preview.get("date_order", {})),
    })


@member_required
@require_POST
def run(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job_or_404(request.user, job_id)
    if (moved := _next_step(job)) is not None:
        return moved
    try:
        services.import_job_start(job=job, language=get_language() or "en")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:map", job_id=job.pk)
    return redirect("imports:progress", job_id=job.pk)


@member_required
@require_GET
def progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job_or_404(request.user, job_id)
    if job.status not in (ImportStatus.RUNNING, ImportStatus.DONE, ImportStatus.FAILED):
        return redirect("imports:map", job_id=job.pk)
    return render(request, "imports/progress.html", {"job": job})


@member_required
@require_GET
def status(request: HttpRequest, job_id: int) -> JsonResponse:
    """Return the job's progress for the progress page's polling."""
    job = selectors.own_job_or_404(request.user, job_id)
    return JsonResponse({
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "imported_rows": job.imported_rows,
        "skipped_duplicates": job.skipped_duplicates,
        "error_rows": job.error_rows,
        "percent": job.percent_done,
        "result_url": reverse("imports:result", kwargs={"job_id": job.pk}),
    })


@member_required
@require_GET
def result(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.own_job_or_404(request.user, job_id)
    if not job.is_finished:
        return redirect("imports:progress", job_id=job.pk)
    return render(request, "imports/result.html", {
        "job": job, "first_errors": job.row_errors.order_by("row_number")[:50],
    })


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@member_required
@require_GET
def invalid_rows(request: HttpRequest, job_id: int) -> HttpResponse:
    """Download the rows that were not imported: the original columns plus an "error" column."""
    job = selectors.own_job_or_404(request.user, job_id)
    writer = csv.writer(_Echo(), delimiter=job.delimiter or ";")

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so Excel opens the UTF-8 file with æ, ø and å intact
        yield writer.writerow(safe_row([*job.columns, _("error")]))
        for row_error in selectors.row_errors(job):
            cells = list(row_error.raw) + [""] * (len(job.columns) - len(row_error.raw))
            # The rows are the person's own file, but a cell like =HYPERLINK(…) must not run when opened.
            yield writer.writerow(safe_row([*cells, " ".join(row_error.messages)]))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    # The person's own file name may hold any characters; the job number is safe in a header.
    response["Content-Disposition"] = f'attachment; filename="invalid-rows-{job.pk}.csv"'
    return response  # type: ignore[return-value]  # streamed: the file can hold 50,000 rows
