"""Benchmark batch ingestion: POST /api/v1/events/ on gunicorn vs COPY of the same rows.

Needs PostgreSQL (DATABASE_URL). Starts gunicorn on the benchmark's own database, sends
INGEST_EVENTS events (default 200,000) in batches of 1,000 from 4 concurrent clients, then COPYs
the same rows into an identical table. Last line: `ratio ingest_vs_copy=0.NN`.
"""

import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("INGEST_EVENTS", "200000"))
BATCH = 1000
CLIENTS = 4
PEOPLE = 200


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
        cursor.execute("CREATE TABLE bench_usage_copy (LIKE usage_usageevent INCLUDING ALL)")
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
    print(f"   COPY of the same rows into an identical table: {copy_seconds:.2f} s ({copy_rate:,.0f} rows/s)")
    print(f"ratio ingest_vs_copy={ingest_rate / copy_rate:.2f}")
