"""Load test: CLIENTS concurrent signed-in clients for SECONDS against gunicorn on PostgreSQL.

    DATABASE_URL=postgres://… REDIS_URL=redis://… python bench/load.py [--clients 200] [--seconds 30]

Builds a database of its own (migrated, the demo organisation seeded, dropped afterwards), starts
gunicorn as the Dockerfile does (sync workers, LOAD_WORKERS, default 3) and has every client, each
signed in as one of the demo people, request in turn their landing page, their score and
suggestions from the API, and /healthz, one request at a time, for SECONDS. Prints requests,
throughput and latency percentiles (p95 is reported, not asserted) and exits 1 on any error: a
failed connection, a timeout or any answer but 200.

The API's per-person throttle is raised for the run (API_USER_RATE): about seven clients share
each demo person, and this measures capacity, not the throttle (tests/security covers that).
"""

import argparse
import http.client
import io
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_adoption.settings")
API_PATHS = ("/api/me/score/", "/api/me/suggestions/", "/healthz")
TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, cookie: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _sessions() -> list[str]:
    """A session cookie for every person of the demo organisation."""
    from django.conf import settings
    from django.test import Client

    from apps.roles.models import Membership

    cookies = []
    for membership in Membership.objects.select_related("user").order_by("user__username"):
        client = Client()
        client.force_login(membership.user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


def _wait_until_serving(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if _get(port, "/healthz", "")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run(*, clients: int, seconds: float, workers: int) -> int:
    import django

    django.setup()
    logging.disable(logging.INFO)  # the seed's and sign-ins' lines; the figures are what is printed
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        print("load: needs PostgreSQL (DATABASE_URL=postgres://…)")
        return 1
    connections["default"].settings_dict["TEST"]["NAME"] = f"load_crm_adoption_{os.getpid()}"
    config = setup_databases(verbosity=0, interactive=False)
    server = None
    try:
        with redirect_stdout(io.StringIO()):
            call_command("seed_demo")
        cookies = _sessions()
        db = settings.DATABASES["default"]
        port = _free_port()
        env = {**os.environ, "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1",
               "SECURE_SSL": "false", "API_USER_RATE": "1000000/minute",
               "LOG_LEVEL": "WARNING",
               "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
        if db.get("PASSWORD"):
            env["DATABASE_URL"] = env["DATABASE_URL"].replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@", 1)
        connection.close()
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "gunicorn", "crm_adoption.wsgi:application", "-b", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "60", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )
        _wait_until_serving(port, server)

        # Each person's landing page ("/" redirects by role), checked one at a time before the load.
        plans: list[tuple[str, list[str]]] = []
        for cookie in cookies:
            status, location = _get(port, "/", cookie)
            landing = location if status in (301, 302) and location.startswith("/") else "/"
            paths = [landing, *API_PATHS]
            for path in paths:
                answer = _get(port, path, cookie)[0]
                if answer != 200:
                    print(f"load: {path} answered {answer} before any load")
                    return 1
            plans.append((cookie, paths))

        latencies: list[float] = []
        errors: Counter[str] = Counter()
        lock = threading.Lock()
        start = threading.Barrier(clients + 1)
        stop_at = [0.0]
        attempts = [0]

        def client(number: int) -> None:
            cookie, paths = plans[number % len(plans)]
            mine: list[float] = []
            wrong: Counter[str] = Counter()
            sent = 0
            start.wait()
            i = number
            while time.monotonic() < stop_at[0]:
                path = paths[i % len(paths)]
                i += 1
                sent += 1
                began = time.perf_counter()
                try:
                    status = _get(port, path, cookie)[0]
                except Exception as error:  # any failure to get an answer is an error
                    wrong[f"{path} {type(error).__name__}"] += 1
                    continue
                mine.append(time.perf_counter() - began)
                if status != 200:
                    wrong[f"{path} {status}"] += 1
            with lock:
                attempts[0] += sent
                latencies.extend(mine)
                errors.update(wrong)

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
        for thread in threads:
            thread.start()
        stop_at[0] = time.monotonic() + seconds
        began = time.monotonic()
        start.wait()
        for thread in threads:
            thread.join(timeout=seconds + TIMEOUT + 10)
        elapsed = time.monotonic() - began
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        connections.close_all()
        teardown_databases(config, verbosity=0)

    ordered = sorted(latencies)
    total = attempts[0]
    print(f"load: {clients} clients, {elapsed:.1f} s, gunicorn {workers} sync workers, {len(plans)} people")
    print(f"load: {total} requests, {total / elapsed:.1f}/s; latency p50 {_percentile(ordered, 0.5) * 1000:.0f} ms,"
          f" p95 {_percentile(ordered, 0.95) * 1000:.0f} ms, p99 {_percentile(ordered, 0.99) * 1000:.0f} ms,"
          f" max {(ordered[-1] if ordered else 0) * 1000:.0f} ms")
    print(f"load: errors {sum(errors.values())}" + (f" {dict(errors.most_common(10))}" if errors else ""))
    return 1 if errors or not ordered else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--clients", type=int, default=int(os.environ.get("LOAD_CLIENTS", "200")))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("LOAD_SECONDS", "30")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "3")))
    args = parser.parse_args()
    sys.exit(run(clients=args.clients, seconds=args.seconds, workers=args.workers))


if __name__ == "__main__":
    main()
