"""Benchmark batch ingestion: POST /api/v1/events/ on gunicorn vs COPY of the same rows.

Needs PostgreSQL (DATABASE_URL). Starts gunicorn on the benchmark's own database, sends
INGEST_EVENTS events (default 200,000) in batches of 1,000 from 4 concurrent clients, then COPYs
the same rows into an identical table. Last line: `ratio ingest_vs_copy=0.NN`.

Then it writes a Salesforce EventLogFile of INGEST_ELF_ROWS rows (default 200,000; the issue's
1,000,000 with INGEST_ELF_ROWS=1000000; 0 skips it) into a temporary directory and prints the
connector's rows/s: parsing alone, and the whole import (parse, attribute, insert with rollups and marks) as
`manage.py crm_usage_import` runs it.
"""

import csv
import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("INGEST_EVENTS", "200000"))
BATCH = 1000
CLIENTS = 4
PEOPLE = 200
# 1,000,000 rows take about four minutes here (BENCHMARKS.md); the default run writes fewer.
ELF_ROWS = int(os.environ.get("INGEST_ELF_ROWS", "200000"))
ELF_COLUMNS = ["EVENT_TYPE", "TIMESTAMP", "REQUEST_ID", "ORGANIZATION_ID", "USER_ID", "RUN_TIME", "CPU_TIME", "URI",
               "PAGE_URL", "SESSION_KEY", "LOGIN_KEY", "USER_TYPE", "REQUEST_STATUS", "DB_TOTAL_TIME", "DURATION",
               "EFFECTIVE_PAGE_TIME", "USER_NAME", "TIMESTAMP_DERIVED", "USER_ID_DERIVED", "CLIENT_IP"]
# (event type, URI, page URL, has DURATION): a mix like a sales org's day, record forms included.
ELF_MIX = [("Login", "/index.jsp", "", False), ("LightningPageView", "", "/lightning/r/Account/{id}/view", True),
           ("LightningPageView", "", "/lightning/o/Opportunity/new", True),
           ("LightningPageView", "", "/lightning/r/Opportunity/{id}/edit", True), ("URI", "/006/e", "", True),
           ("URI", "/{id}", "", True), ("Report", "", "", False), ("API", "", "", False),
           ("AuraRequest", "", "", False), ("LightningInteraction", "", "", True), ("Logout", "", "", False)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _batches(user_ids: list[int]) -> list[bytes]:
    start = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)
    out = []
    for b in range(EVENTS // BATCH):
        events = [
            {"person": user_ids[(b * BATCH + i) % len(user_ids)], "kind": "record_viewed",
             "occurred_at": (start + dt.timedelta(seconds=b * BATCH + i)).isoformat(),
             "idempotency_key": f"bench-{b}-{i}", "metadata": {"object": "Account"}}
            for i in range(BATCH)
        ]
        out.append(json.dumps({"events": events}).encode())
    return out


def _write_event_log_file(path: Path, salesforce_ids: list[str]) -> None:
    start = dt.datetime(2026, 11, 2, 6, tzinfo=dt.UTC)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(ELF_COLUMNS)
        for n in range(ELF_ROWS):
            event_type, uri, page, timed = ELF_MIX[n % len(ELF_MIX)]
            user = salesforce_ids[n % len(salesforce_ids)]
            when = start + dt.timedelta(milliseconds=250 * n)
            record = f"001{n % 1_000_000:012d}"
            writer.writerow([
                event_type, when.strftime("%Y%m%d%H%M%S.") + f"{when.microsecond // 1000:03d}", f"4bench{n:014d}",
                "00D000000000062", user[:15], "83", "37", uri.format(id=record), page.format(id=record), "sk", "lk",
                "Standard", "", "4046", str(1000 + n % 90_000) if timed else "", "950" if timed else "",
                f"user{n % len(salesforce_ids)}@example.com", when.isoformat().replace("+00:00", "Z"), user, "10.0.0.1",
            ])


def _connector_rates(org_id: int, user_ids: list[int]) -> None:
    """Print the EventLogFile connector's rows/s: parsing, then the whole import into the log."""
    from apps.identities.normalise import normalise_external_id
    from apps.identities.services import external_identity_add
    from apps.integrations.connectors.registry import connector_parse
    from apps.integrations.services import crm_usage_import

    salesforce_ids = [normalise_external_id("salesforce", f"005{n:012d}") for n in range(len(user_ids))]
    for user_id, salesforce_id in zip(user_ids, salesforce_ids, strict=True):
        external_identity_add(organisation_id=org_id, user_id=user_id, source="salesforce", external_id=salesforce_id)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "EventLogFile.csv"
        started = time.perf_counter()
        _write_event_log_file(path, salesforce_ids)
        print(f"   EventLogFile: {ELF_ROWS:,} rows, {path.stat().st_size / 1e6:.0f} MB written in"
              f" {time.perf_counter() - started:.1f} s")
        text = path.read_text()
    started = time.perf_counter()
    parsed = connector_parse("salesforce-elf", text)
    parse_seconds = time.perf_counter() - started
    print(f"   connector salesforce-elf, parse only: {len(parsed.events):,} events in {parse_seconds:.1f} s"
          f" ({ELF_ROWS / parse_seconds:,.0f} rows/s)")
    del parsed
    from crm_adoption.celery import app

    # As in production (and the API run above): each chunk's refresh is a task for a worker,
    # not scoring run inside the import (bench/run.py runs tasks eagerly for the other benches).
    eager = app.conf.task_always_eager
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=False)
    try:
        started = time.perf_counter()
        summary = crm_usage_import(organisation_id=org_id, fmt="salesforce-elf", text=text)
        import_seconds = time.perf_counter() - started
    finally:
        app.conf.update(CELERY_TASK_ALWAYS_EAGER=eager)
    print(f"   connector salesforce-elf, whole import: {summary.accepted:,} accepted, {len(summary.problems)} problems"
          f" in {import_seconds:.1f} s ({ELF_ROWS / import_seconds:,.0f} rows/s)")


def main() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        print("   skipped: needs PostgreSQL (set DATABASE_URL)")
        return
    from apps.integrations.services import integration_key_create
    from tests import factories

    org = factories.OrganisationFactory(name="Bench ingest")
    role = factories.RoleFactory(organisation=org)
    user_ids = []
    for n in range(PEOPLE):
        user = factories.UserFactory(username=f"bench-ingest-{n}", password=None)
        factories.MembershipFactory(user=user, organisation=org, role=role)
        user_ids.append(user.pk)
    _key, secret = integration_key_create(organisation_id=org.pk, name="bench", scopes=["events:write"])

    db = settings.DATABASES["default"]
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "INTEGRATION_KEY_RATE": "100000/minute", "DEBUG": "false", "SECRET_KEY": "bench-only-key",
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL": "false"}  # plain HTTP to localhost
    if not os.environ.get("REDIS_URL"):
        print("   skipped: needs REDIS_URL (without it every refresh runs inside the request)")
        return
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "gunicorn", "crm_adoption.wsgi", "-b", f"127.0.0.1:{port}", "-w", "4",
         "--log-level", "warning"], cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        bodies = _batches(user_ids)

        def send(body: bytes) -> int:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/events/", data=body, method="POST",
                headers={"Content-Type": "application/json", "Authorization": f"Api-Key {secret}"},
            )
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 (http to localhost)
                return int(json.loads(response.read())["accepted"])

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            accepted = sum(pool.map(send, bodies))
        ingest_seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ingest_rate = accepted / ingest_seconds
    print(f"   ingest: {accepted:,} events accepted in {ingest_seconds:.1f} s ({ingest_rate:,.0f} events/s,"
          f" {CLIENTS} clients, batches of {BATCH})")

    with connection.cursor() as cursor:
        # The usage log's twin: partitioned by month like it on PostgreSQL, with its indexes.
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'usage_usageevent'")
        partitioned = cursor.fetchone()[0] == "p"
        cursor.execute("CREATE TABLE bench_usage_copy (LIKE usage_usageevent INCLUDING ALL)"
                       + (" PARTITION BY RANGE (occurred_at)" if partitioned else ""))
        if partitioned:
            cursor.execute("CREATE TABLE bench_usage_copy_default PARTITION OF bench_usage_copy DEFAULT")
            cursor.execute("CREATE TABLE bench_usage_copy_month PARTITION OF bench_usage_copy "
                           "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')")
        buffer = io.StringIO()
        cursor.copy_expert(
            "COPY (SELECT user_id, kind, occurred_at, duration_seconds, source, idempotency_key, metadata,"
            " recorded_at FROM usage_usageevent WHERE source = 'api') TO STDOUT", buffer,
        )
        buffer.seek(0)
        started = time.perf_counter()
        cursor.copy_expert(
            "COPY bench_usage_copy (user_id, kind, occurred_at, duration_seconds, source, idempotency_key,"
            " metadata, recorded_at) FROM STDIN", buffer,
        )
        copy_seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_usage_copy")
    copy_rate = accepted / copy_seconds
    print(f"   COPY of the same rows into an identical (partitioned) table: {copy_seconds:.2f} s ({copy_rate:,.0f} rows/s)")
    # After the API run, so its rows are written into the same table as before; the ratio stays last.
    if ELF_ROWS:
        _connector_rates(org.pk, user_ids)
    print(f"ratio ingest_vs_copy={ingest_rate / copy_rate:.2f}")
