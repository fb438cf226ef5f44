"""Shared fixtures: one organisation with named people in every role.

- rita (sales rep, team North), ronja (sales rep, team South)
- mads (manager of North), lene (project lead), sam (service agent, North), maja (marketer)
"""

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractUser
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client
from django.test.testcases import LiveServerThread

from apps.activities.models import Stage
from apps.roles.models import Organisation, Role, RoleKind, Team
from tests import factories

# The suite speaks plain HTTP (test client, live_server), so production's HTTPS-only switches
# go off before any request handler reads them. tests/security checks them in a clean process.
django_settings.SECURE_SSL_REDIRECT = False
django_settings.SESSION_COOKIE_SECURE = False
django_settings.CSRF_COOKIE_SECURE = False


class SerialLiveServer(WSGIServer):
    """The browser tests' server, one request at a time.

    On SQLite the live server's threads share the test's one in-memory connection; two requests
    at once (a page and its session check, say) could then wait on each other for good. Served in
    turn, each request has the connection alone; the server closes every connection after its
    response, so a browser's idle keep-alive never blocks the next request.
    """

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialLiveServer  # type: ignore[assignment]


@dataclass
class World:
    org: Organisation
    roles: dict[str, Role]
    north: Team
    south: Team
    rita: AbstractUser
    ronja: AbstractUser
    mads: AbstractUser
    lene: AbstractUser
    sam: AbstractUser
    maja: AbstractUser
    stages: list[Stage]

    def client_for(self, user: AbstractUser) -> Client:
        """A client logged in as `user`, as if that login's own request had committed.

        Logging in records a login event and asks for a refresh after commit. A test's
        transaction never commits, so the request is run here and dropped, as a commit would:
        otherwise it would stand in for the refresh a later write in the test asks for.
        """
        client = Client()
        pending = connection.run_on_commit
        start = len(pending)
        client.force_login(user)
        committed, pending[start:] = pending[start:], []
        for _savepoints, callback, _robust in committed:
            callback()
        return client


@pytest.fixture(autouse=True)
def _eager_celery(settings: Any) -> None:
    """Run tasks in-process unless a test asks for the real worker (services marker)."""
    from crm_adoption.celery import app

    # Celery reads the namespaced (CELERY_*) keys from Django settings before the plain ones.
    app.conf.update(CELERY_TASK_ALWAYS_EAGER=True, CELERY_TASK_EAGER_PROPAGATES=True)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many users; the production hasher's deliberate slowness buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: Any) -> World:
    org = factories.OrganisationFactory(name="Testorg")
    roles = {kind: factories.RoleFactory(organisation=org, kind=kind) for kind in RoleKind.values}
    north = factories.TeamFactory(organisation=org, name="North")
    south = factories.TeamFactory(organisation=org, name="South")

    def person(username: str, kind: str, team: Team | None, manager: bool = False) -> AbstractUser:
        user = factories.UserFactory(username=username, first_name=username.capitalize(), last_name="Test")
        factories.MembershipFactory(user=user, role=roles[kind], organisation=org)
        if team is not None:
            factories.TeamMemberFactory(team=team, user=user, is_manager=manager)
        return user

    stages = [
        factories.StageFactory(organisation=org, name=name, order=i + 1, next_step=step)
        for i, (name, step) in enumerate([("Lead", "Call to qualify"), ("Meeting", "Send a proposal"),
                                          ("Proposal", "Follow up the proposal")])
    ]
    stages.append(factories.StageFactory(organisation=org, name="Won", order=90, is_won=True, next_step=""))
    return World(
        org=org, roles=roles, north=north, south=south,
        rita=person("rita", RoleKind.SALES_REP, north),
        ronja=person("ronja", RoleKind.SALES_REP, south),
        mads=person("mads", RoleKind.MANAGER, north, manager=True),
        lene=person("lene", RoleKind.PROJECT_LEAD, None),
        sam=person("sam", RoleKind.SERVICE_AGENT, north),
        maja=person("maja", RoleKind.MARKETER, south),
        stages=stages,
    )


def services_available() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL"))


def services_pytestmark(*, also_needed: str = "", also_present: bool = True) -> Any:
    """The `pytestmark` of a module that needs PostgreSQL, Redis and real worker processes.

    Skipped without them, unless REQUIRE_SERVICES=1 (CI's second pass), where their absence is
    an error rather than a silent skip. `also_needed` names a further requirement and
    `also_present` says whether it is met.
    """
    if services_available() and also_present:
        return [pytest.mark.services, pytest.mark.django_db(transaction=True)]
    needs = "DATABASE_URL=postgres://… and REDIS_URL" + (f" and {also_needed}" if also_needed else "")
    if os.environ.get("REQUIRE_SERVICES") == "1":
        raise RuntimeError(f"REQUIRE_SERVICES=1 but this module needs {needs}")
    return pytest.mark.skip(reason=f"needs {needs} (run: make test with both set)")


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    """Poll `predicate` until it holds (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]


def chromium_path() -> str | None:
    return next((p for p in CHROMIUM_PATHS if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def browser() -> Any:
    """Launch the machine's Chromium once per session (never a downloaded browser).

    Skipped with a reason when Chromium is missing, unless REQUIRE_BROWSER=1 (CI), where a
    missing browser fails the run instead of hiding the browser tests.
    """
    path = chromium_path()
    if path is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no Chromium at " + ", ".join(CHROMIUM_PATHS))
        pytest.skip("Chromium not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; the ORM must be allowed in this thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Any:
    """A fresh browser page (English) against the live test server."""
    context = browser.new_context(locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    yield new_page
    context.close()


def browser_login(page: Any, username: str, password: str = "pw-for-tests") -> None:
    """Log in through the real login form."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")
