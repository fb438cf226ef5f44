"""Benchmark the spreadsheet import: a 50,000-row CSV through dry run and background import.

Prints rows/s for parse + validate (the preview's dry run over the whole file) and for the
full import (chunked writes of activities, usage events and accounts, score recompute included,
since the embedded default runs the recompute tasks in-process).

On PostgreSQL it then COPYs the rows the import wrote (its activities and their usage events)
into twins of those tables, with the same indexes (the usage log's twin partitioned like it),
and ends with `ratio import_vs_copy=N.NN`: the import's rows/s over the COPY's (goal ≥ 0.2).
"""

import datetime as dt
import io
import random
import tempfile
import time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

ROWS = 50_000
DATE_STYLES = ("{d:%Y-%m-%d}", "{d:%d-%m-%Y}", "{d.day}. {month} {d.year}", "{d:%d.%m.%Y}")
DANISH_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
                 "november", "december")
TYPES = ("Møde", "Opkald", "mail", "Notat")


def _write_csv(path: Path, rng: random.Random, today: dt.date) -> None:
    accounts = [f"Kunde {n:03d} ApS" for n in range(300)]
    lines = ["Dato;Type;Kunde;Resumé"]
    for n in range(ROWS):
        day = today - dt.timedelta(days=rng.randint(1, 365))
        style = DATE_STYLES[n % len(DATE_STYLES)]
        date_text = style.format(d=day, month=DANISH_MONTHS[day.month - 1])
        # One row in a thousand is broken, as in any real personal spreadsheet.
        if n % 1000 == 999:
            date_text = "31-02-2024"
        lines.append(f"{date_text};{rng.choice(TYPES)};{rng.choice(accounts)};Opfølgning nr. {n}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _copy_seconds(rep_id: int) -> float:
    """COPY the activities and usage events the import wrote for `rep_id` into twin tables; return the seconds."""
    from apps.usage.partitions import is_partitioned

    selections = {
        "activities_activity": f"SELECT * FROM activities_activity WHERE owner_id = {rep_id}",  # noqa: S608
        "usage_usageevent": f"SELECT * FROM usage_usageevent WHERE user_id = {rep_id}",  # noqa: S608
    }
    seconds = 0.0
    with connection.cursor() as cursor:
        for table, selection in selections.items():
            twin = f"bench_copy_{table}"
            partitioned = table == "usage_usageevent" and is_partitioned()
            cursor.execute(f"CREATE TABLE {twin} (LIKE {table} INCLUDING ALL)"
                           + (" PARTITION BY RANGE (occurred_at)" if partitioned else ""))
            if partitioned:
                cursor.execute(f"CREATE TABLE {twin}_all PARTITION OF {twin} DEFAULT")
                cursor.execute("SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date "
                               "FROM usage_usageevent WHERE user_id = %s", [rep_id])
                for (month,) in cursor.fetchall():
                    end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                    cursor.execute(f"CREATE TABLE {twin}_{month:%Y%m} PARTITION OF {twin} FOR VALUES FROM "
                                   f"('{month} 00:00:00+00') TO ('{end} 00:00:00+00')")
            buffer = io.StringIO()
            cursor.cursor.copy_expert(f"COPY ({selection}) TO STDOUT", buffer)
            buffer.seek(0)
            started = time.perf_counter()
            cursor.cursor.copy_expert(f"COPY {twin} FROM STDIN", buffer)
            seconds += time.perf_counter() - started
            cursor.execute(f"DROP TABLE {twin}")
    return seconds


def main() -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.imports import services
    from apps.imports.models import ImportStatus, UnknownAccounts
    from apps.roles.models import Membership, Organisation, Role, RoleKind

    rng = random.Random(50_000)
    organisation = Organisation.objects.create(name="Import bench ApS")
    role = Role.objects.create(organisation=organisation, kind=RoleKind.SALES_REP, name="Sales rep")
    rep = get_user_model().objects.create_user(username="bench-importer", password="x")
    Membership.objects.create(user=rep, organisation=organisation, role=role)

    with tempfile.TemporaryDirectory() as folder:
        from django.conf import settings

        settings.MEDIA_ROOT = Path(folder) / "media"
        path = Path(folder) / "shadow-spreadsheet.csv"
        _write_csv(path, rng, timezone.localdate())
        size_mb = path.stat().st_size / 1024 / 1024
        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")

        started = time.perf_counter()
        job = services.import_job_create(owner=rep, uploaded=upload, kind="activities")
        services.import_job_map(job=job, mapping=job.mapping, unknown_accounts=UnknownAccounts.CREATE)
        job = services.import_job_preview(job=job)
        preview_seconds = time.perf_counter() - started
        print(f"   file: {ROWS:,} rows, {size_mb:.1f} MB; preview says {job.preview['would_import']:,} to import, "
              f"{job.preview['problem_rows']:,} with problems")
        print(f"   parse + validate (dry run, whole file): {preview_seconds:.2f} s"
              f" = {ROWS / preview_seconds:,.0f} rows/s")

        started = time.perf_counter()
        # Autocommit here, so the on-commit enqueue runs the (eager) task at once, like the embedded default.
        with transaction.atomic():
            services.import_job_start(job=job, language="da")
        import_seconds = time.perf_counter() - started
        job.refresh_from_db()
        assert job.status == ImportStatus.DONE, job.failure_message
        print(f"   full import (chunks of {services.CHUNK_ROWS:,}, score recompute included): {import_seconds:.2f} s "
              f"= {ROWS / import_seconds:,.0f} rows/s; imported {job.imported_rows:,}, problems {job.error_rows:,}")

        upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        started = time.perf_counter()
        again = services.import_job_create(owner=rep, uploaded=upload, kind="activities")
        services.import_job_map(job=again, mapping=again.mapping, unknown_accounts=UnknownAccounts.CREATE)
        again = services.import_job_preview(job=again)
        with transaction.atomic():
            services.import_job_start(job=again, language="da")
        again.refresh_from_db()
        reimport_seconds = time.perf_counter() - started
        print(f"   re-import of the same file (preview + import): {reimport_seconds:.2f} s; "
              f"imported {again.imported_rows:,}, already there {again.skipped_duplicates:,}")
        if connection.vendor != "postgresql":
            print("   import_vs_copy: needs PostgreSQL (set DATABASE_URL)")
            return
        copy_seconds = _copy_seconds(rep.pk)
        print(f"   COPY of the rows the import wrote ({job.imported_rows:,} activities and their usage events) into "
              f"twin tables: {copy_seconds:.2f} s = {job.imported_rows / copy_seconds:,.0f} rows/s")
        print(f"ratio import_vs_copy={copy_seconds / import_seconds:.2f}")
