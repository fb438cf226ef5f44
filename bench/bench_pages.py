"""The role pages under load: /me/, /team/, /coaching/ and /lead/ against the bare login page.

Needs PostgreSQL (DATABASE_URL). Builds one organisation of BENCH_PEOPLE people (default 10,000;
BENCH_PEOPLE=500 is a smoke run) with bench_rollout's builder (teams, 8 weeks of snapshots, quick
wins, pulse answers, a live phase over every team) and bench_pipeline's usage history (4 weeks ×
10 events a person), then adds what the pages read beyond that: a manager for each team of
BENCH_TEAM_SIZE (default 20), a project lead, two more phases (by role, and some teams), a
contract, stages, and deals with their stage history and activities.

It starts gunicorn (4 sync workers, loopback) on that database and runs locust headless
(bench/pages_locustfile.py) for BENCH_PAGES_SECONDS (default 20) per page with BENCH_PAGES_CLIENTS
(default 50) users: first the login page (not signed in), then each page with signed-in session
cookies (50 different reps for /me/, 50 managers of different teams for /team/ and /coaching/,
the lead for /lead/), all in the same run; then each again with 1 user for
BENCH_PAGES_SOLO_SECONDS (default 8) for its p95 alone. Any answer but 200 fails the run.

Prints per page requests/s, the ratio to the login page's and p95 at 50 and at 1 client, and
ends with `ratio pages_vs_login_<page>=…` for each page and `ratio pages_vs_login=…` (the lowest).
"""

import csv
import datetime as dt
import http.client
import itertools
import json
import logging
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from apps.activities.models import Account, Activity, ActivityType, Deal, DealStageChange, Stage
from apps.givegets.models import GiveGetContract
from apps.roles.models import Membership, Role, RoleKind, Team, TeamMember
from apps.rollout.models import PhaseStatus, RolloutPhase
from apps.usage.kinds import EventKind
from bench import bench_pipeline, bench_rollout

ROOT = Path(__file__).resolve().parent.parent
User = get_user_model()
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "10000"))
TEAM_SIZE = int(os.environ.get("BENCH_TEAM_SIZE", "20"))
SECONDS = float(os.environ.get("BENCH_PAGES_SECONDS", "20"))
SOLO_SECONDS = float(os.environ.get("BENCH_PAGES_SOLO_SECONDS", "8"))
CLIENTS = int(os.environ.get("BENCH_PAGES_CLIENTS", "50"))
WORKERS = 4
HISTORY_WEEKS = 4  # of usage events, ending last week
DEALS_PER_PERSON = 4
ACTIVITIES_PER_PERSON = 3
OPEN_STAGES = ("Qualify", "Discover", "Propose", "Negotiate", "Commit")
PAGES = (("me", "/me/"), ("team", "/team/"), ("coaching", "/coaching/"), ("lead", "/lead/"))
LOGIN = "/accounts/login/"
BATCH = 5000


@dataclass(frozen=True)
class Cast:
    """Who requests which page: session cookies of reps, managers and the lead."""

    reps: list[str]
    managers: list[str]
    lead: list[str]


def _deals(org_id: int, rep_ids: list[int], rng: random.Random, today: dt.date) -> None:
    """Give every person deals at every stage, with their stage history and a few activities."""
    stages = [Stage(organisation_id=org_id, name=name, order=n) for n, name in enumerate(OPEN_STAGES, start=1)]
    stages += [Stage(organisation_id=org_id, name="Won", order=90, is_won=True),
               Stage(organisation_id=org_id, name="Lost", order=91, is_lost=True)]
    stages = Stage.objects.bulk_create(stages)
    open_stages, won, lost = stages[:5], stages[5], stages[6]
    accounts = Account.objects.bulk_create(
        [Account(organisation_id=org_id, name=f"Account {n}") for n in range(max(10, len(rep_ids) // 10))],
        batch_size=BATCH)
    tz = timezone.get_current_timezone()
    deals: list[Deal] = []
    paths: list[list[tuple[Stage, dt.datetime]]] = []
    for owner_id in rep_ids:
        for _ in range(DEALS_PER_PERSON):
            engaged = today - dt.timedelta(days=rng.randint(20, 120))
            moment = dt.datetime.combine(engaged, dt.time(9), tzinfo=tz)
            path = [(open_stages[0], moment)]
            for step in range(1, rng.randint(1, 6)):
                moment += dt.timedelta(days=rng.randint(2, 15))
                if moment.date() >= today:
                    break
                ending = step == 5 or rng.random() < 0.12
                path.append(((won if rng.random() < 0.6 else lost) if ending else open_stages[step], moment))
                if ending:
                    break
            stage, entered = path[-1]
            deals.append(Deal(account=rng.choice(accounts), owner_id=owner_id, name=f"Deal {len(deals)}",
                              amount=Decimal(rng.randrange(10, 900) * 1000), stage=stage, stage_entered_at=entered,
                              engaged_on=engaged, closed_on=entered.date() if stage in (won, lost) else None,
                              last_activity_at=entered))
            paths.append(path)
    deals = Deal.objects.bulk_create(deals, batch_size=BATCH)
    changes = [
        DealStageChange(deal=deal, from_stage=before[0], to_stage=after[0], changed_at=after[1],
                        seconds_in_from_stage=int((after[1] - before[1]).total_seconds()), changed_by_id=deal.owner_id)
        for deal, path in zip(deals, paths, strict=True) for before, after in itertools.pairwise(path)
    ]
    DealStageChange.objects.bulk_create(changes, batch_size=BATCH)
    now = timezone.now()
    by_owner: dict[int, list[Deal]] = {}
    for deal in deals:
        by_owner.setdefault(deal.owner_id, []).append(deal)
    Activity.objects.bulk_create([
        Activity(owner_id=owner_id, type=ActivityType.CALL, account_id=deal.account_id, deal=deal,
                 summary="Called about the next step", occurred_at=now - dt.timedelta(days=rng.randint(0, 20)),
                 entry_seconds=rng.randint(20, 200))
        for owner_id, owned in by_owner.items() for deal in owned[:ACTIVITIES_PER_PERSON]
    ], batch_size=BATCH)


def _build(today: dt.date) -> Cast:
    """Build the organisation (see the module docstring); return the session cookies to load it with."""
    # bench_rollout's builder is sized by its module constants; this bench sets them.
    bench_rollout.PEOPLE = PEOPLE
    bench_rollout.TEAMS = max(1, PEOPLE // TEAM_SIZE)
    rng = random.Random(5)
    with transaction.atomic():
        everyone = bench_rollout._build_organisation(today)
        org = everyone.organisation
        rep_role = Role.objects.get(organisation=org, kind=RoleKind.SALES_REP)
        manager_role = Role.objects.create(organisation=org, kind=RoleKind.MANAGER, name="Manager")
        lead_role = Role.objects.create(organisation=org, kind=RoleKind.PROJECT_LEAD, name="CRM project lead")
        teams = list(Team.objects.filter(organisation=org).order_by("pk"))
        # Each team's first member manages it.
        first_members = {}
        for member in TeamMember.objects.filter(team__in=teams).order_by("pk").values("pk", "team_id", "user_id"):
            first_members.setdefault(member["team_id"], member)
        TeamMember.objects.filter(pk__in=[m["pk"] for m in first_members.values()]).update(is_manager=True)
        manager_ids = [first_members[t.pk]["user_id"] for t in teams]
        Membership.objects.filter(user_id__in=manager_ids).update(role=manager_role)
        lead = User.objects.create(username="bench-pages-lead", password="!", first_name="Lea", last_name="Lead")
        Membership.objects.create(user=lead, organisation=org, role=lead_role, go_live_on=everyone.go_live_on)
        User.objects.filter(username__startswith="bench-rollout-").update(first_name="Bench", last_name="Person")
        rep_ids = list(Membership.objects.filter(organisation=org, role=rep_role).order_by("user_id")
                       .values_list("user_id", flat=True))
        managers_phase = RolloutPhase.objects.create(
            organisation=org, name="Managers", order=2, planned_start=everyone.planned_start,
            go_live_on=everyone.go_live_on, status=PhaseStatus.LIVE)
        managers_phase.roles.set([manager_role])
        pilot = RolloutPhase.objects.create(
            organisation=org, name="Pilot teams", order=3, planned_start=everyone.planned_start,
            go_live_on=everyone.go_live_on, status=PhaseStatus.GATE_PASSED)
        pilot.teams.set(teams[: max(1, len(teams) // 10)])
        GiveGetContract.objects.create(role=rep_role, give_kind=EventKind.CALL_LOGGED, give_expected_minutes=2,
                                       get_kind="weekly_digest", get_minutes_saved=30)
        _deals(org.pk, rep_ids, rng, today)
    bench_pipeline._add_history(rep_ids + manager_ids, HISTORY_WEEKS, HISTORY_WEEKS, rng)  # ANALYZEs at the end

    reps_by_team: dict[int, int] = {}
    members = TeamMember.objects.filter(team__in=teams, is_manager=False).order_by("pk")
    for member in members.values("team_id", "user_id"):
        reps_by_team.setdefault(member["team_id"], member["user_id"])
    spread = [t.pk for t in teams][:: max(1, len(teams) // CLIENTS)][:CLIENTS]
    return Cast(reps=_cookies([reps_by_team[t] for t in spread if t in reps_by_team]),
                managers=_cookies([first_members[t]["user_id"] for t in spread]), lead=_cookies([lead.pk]))


def _cookies(user_ids: list[int]) -> list[str]:
    cookies = []
    logging.disable(logging.INFO)  # each sign-in's lines; the figures are what this prints
    try:
        for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
            client = Client()
            client.force_login(user)
            cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    finally:
        logging.disable(logging.NOTSET)
    return cookies


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _start_gunicorn(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    if db.get("PASSWORD"):
        database_url = database_url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@", 1)
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "SECRET_KEY": settings.SECRET_KEY,
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL": "false", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "crm_adoption.wsgi:application", "-b", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if _status(port, "/healthz", "") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


@dataclass(frozen=True)
class Run:
    requests: int
    rate: float
    p95_ms: float


def _locust(port: int, path: str, cookies: list[str], users: int, seconds: float, folder: Path) -> Run:
    """Run locust headless against `path` for `seconds` with `users` users; fail on any non-200."""
    cookie_file = folder / "cookies.json"
    cookie_file.write_text(json.dumps(cookies))
    prefix = folder / f"locust-{users}-{path.strip('/').replace('/', '-') or 'root'}"
    env = {**os.environ, "PAGES_BENCH_PATH": path, "PAGES_BENCH_COOKIES": str(cookie_file)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "pages_locustfile.py"), "--headless",
         "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(users), "-t", f"{seconds:g}s",
         "--stop-timeout", "30", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 120, check=False,
    )
    with Path(f"{prefix}_stats.csv").open() as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    if done.returncode != 0 or failures or int(total["Request Count"]) == 0:
        failed = Path(f"{prefix}_failures.csv").read_text() if Path(f"{prefix}_failures.csv").exists() else ""
        raise RuntimeError(f"{path} with {users} users: {failures} failures, locust exit {done.returncode}\n"
                           f"{failed}\n{done.stderr[-3000:]}")
    return Run(requests=int(total["Request Count"]), rate=float(total["Requests/s"]), p95_ms=float(total["95%"]))


def main() -> None:
    if connection.vendor != "postgresql":
        print("   skipped: needs PostgreSQL (DATABASE_URL=postgres://…): gunicorn serves the bench's database")
        return
    today = timezone.localdate()
    started = time.perf_counter()
    cast = _build(today)
    print(f"   built {PEOPLE} people in teams of {TEAM_SIZE}, {len(cast.reps)} reps and {len(cast.managers)} managers "
          f"signed in ({time.perf_counter() - started:.1f} s)")
    who = {"me": cast.reps, "team": cast.managers, "coaching": cast.managers, "lead": cast.lead}
    log_path = ROOT / "test-artifacts" / f"bench-pages-gunicorn-{os.getpid()}.log"
    log_path.parent.mkdir(exist_ok=True)
    connections.close_all()
    port = _free_port()
    server = _start_gunicorn(port, log_path)
    loaded: dict[str, Run] = {}
    alone: dict[str, Run] = {}
    try:
        # Every cookie's page answers 200 before any load (and each worker has served it once).
        for name, path in PAGES:
            for cookie in who[name]:
                for _ in range(2 if name == "lead" else 1):
                    status = _status(port, path, cookie)
                    if status != 200:
                        raise RuntimeError(f"{path} answered {status} before any load")
        with tempfile.TemporaryDirectory() as folder:
            for name, path, cookies in [("login", LOGIN, [""]), *((n, p, who[n]) for n, p in PAGES)]:
                loaded[name] = _locust(port, path, cookies, CLIENTS, SECONDS, Path(folder))
                print(f"   {path}: {CLIENTS} clients {SECONDS:g} s, {loaded[name].requests} requests, "
                      f"{loaded[name].rate:.1f}/s, p95 {loaded[name].p95_ms:.0f} ms", flush=True)
            for name, path, cookies in [("login", LOGIN, [""]), *((n, p, who[n]) for n, p in PAGES)]:
                alone[name] = _locust(port, path, cookies[:1], 1, SOLO_SECONDS, Path(folder))
    finally:
        server.terminate()
        server.wait(timeout=30)
    login = loaded["login"].rate
    print(f"   {'page':<18}{'req/s at ' + str(CLIENTS):>14}{'vs login':>10}{'p95 at ' + str(CLIENTS):>12}"
          f"{'p95 at 1':>10}")
    for name, path in [("login", LOGIN), *PAGES]:
        print(f"   {path:<18}{loaded[name].rate:>14.1f}{loaded[name].rate / login:>10.2f}"
              f"{loaded[name].p95_ms:>9.0f} ms{alone[name].p95_ms:>7.0f} ms")
    ratios = {name: loaded[name].rate / login for name, _path in PAGES}
    slow = [f"{path} {alone[name].p95_ms:.0f} ms" for name, path in PAGES if alone[name].p95_ms > 100]
    print(f"   p95 at 1 client over 100 ms (goal ≤ 100 ms each): {', '.join(slow) or 'none'}")
    for name, ratio in ratios.items():
        print(f"ratio pages_vs_login_{name}={ratio:.2f}")
    print(f"ratio pages_vs_login={min(ratios.values()):.2f}")
