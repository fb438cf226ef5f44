"""Helpers to build spreadsheet uploads and run them through the import services."""

import io
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.imports import services
from apps.imports.models import ImportJob


def csv_upload(rows: Sequence[Sequence[str]], *, name: str = "mine.csv", delimiter: str = ";",
               encoding: str = "utf-8") -> SimpleUploadedFile:
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows: Sequence[Sequence[Any]], *, name: str = "mine.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def previewed_job(owner: AbstractUser, upload: SimpleUploadedFile, *, kind: str = "activities",
                  unknown_accounts: str = "create", mapping: dict[str, int] | None = None) -> ImportJob:
    """Upload, keep the guessed mapping (or use `mapping`) and run the dry run."""
    job = services.import_job_create(owner=owner, uploaded=upload, kind=kind)
    services.import_job_map(job=job, mapping=mapping if mapping is not None else job.mapping,
                            unknown_accounts=unknown_accounts)
    return services.import_job_preview(job=job)


def imported_job(owner: AbstractUser, upload: SimpleUploadedFile, capture: Any, **kwargs: Any) -> ImportJob:
    """Run a file through the whole flow; `capture` is django_capture_on_commit_callbacks."""
    job = previewed_job(owner, upload, **kwargs)
    with capture(execute=True):
        services.import_job_start(job=job, language="en")
    job.refresh_from_db()
    return job
