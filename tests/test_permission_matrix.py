"""Every page of the adoption loop × every role: allowed, forbidden (403) or not found (404).

Reps see their own data; managers their own teams; project leads configuration and aggregates.
"""

from collections.abc import Callable

import pytest

from apps.trust.models import AccessRecord
from tests import factories
from tests.conftest import World
from tests.permissions import LOGIN, Expected, assert_row, client_as, outcome

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "rita", "ronja", "mads", "lene", "sam", "maja"]


Url = Callable[[World], str]

# url, expected per role (in ROLES order)
MATRIX: list[tuple[str, Url, list[Expected]]] = [
    ("home", lambda w: "/", [LOGIN, 302, 302, 302, 302, 302, 302, 302]),
    ("my dashboard", lambda w: "/me/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("rita's page", lambda w: f"/people/{w.rita.pk}/", [LOGIN, 403, 302, 404, 200, 404, 404, 404]),
    ("ronja's page", lambda w: f"/people/{w.ronja.pk}/", [LOGIN, 403, 404, 302, 404, 404, 404, 404]),
    ("manager dashboard", lambda w: "/team/", [LOGIN, 403, 403, 403, 200, 403, 403, 403]),
    ("team North", lambda w: f"/team/{w.north.pk}/", [LOGIN, 403, 403, 403, 200, 403, 403, 403]),
    ("team South", lambda w: f"/team/{w.south.pk}/", [LOGIN, 403, 403, 403, 404, 403, 403, 403]),
    ("lead dashboard", lambda w: "/lead/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("log activity", lambda w: "/activities/log/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("log targets", lambda w: "/activities/targets/?q=a", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("data-use charter", lambda w: "/trust/charter/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("adoption figures", lambda w: "/adoption/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("my adoption", lambda w: "/adoption/me/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("adoption of team North", lambda w: f"/adoption/?scope=team:{w.north.pk}",
     [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("adoption seats", lambda w: "/adoption/seats/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("team adoption", lambda w: "/adoption/team/", [LOGIN, 403, 403, 403, 302, 403, 403, 403]),
    ("team adoption North", lambda w: f"/adoption/team/{w.north.pk}/", [LOGIN, 403, 403, 403, 200, 403, 403, 403]),
    ("team adoption South", lambda w: f"/adoption/team/{w.south.pk}/", [LOGIN, 403, 403, 403, 404, 403, 403, 403]),
    ("API my score", lambda w: "/api/me/score/", [403, 200, 200, 200, 200, 200, 200, 200]),
    ("integration keys", lambda w: "/integrations/keys/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("unmapped identities", lambda w: "/integrations/identities/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("API v1 events (no key)", lambda w: "/api/v1/events/", [403, 403, 403, 403, 403, 403, 403, 403]),
    ("API rita's score", lambda w: f"/api/people/{w.rita.pk}/score/", [403, 404, 200, 404, 200, 404, 404, 404]),
    ("people list", lambda w: "/organisation/people/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("edit rita", lambda w: f"/organisation/people/{w.rita.pk}/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("people import", lambda w: "/organisation/people/import/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("people import preview (unknown upload)", lambda w: "/organisation/people/import/abc/",
     [LOGIN, 403, 403, 403, 403, 404, 403, 403]),
    ("set-password link (invalid)", lambda w: "/organisation/people/welcome/MQ/bad-token/", [200] * 8),
    ("roles", lambda w: "/organisation/roles/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("new role", lambda w: "/organisation/roles/new/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("edit sales role", lambda w: f"/organisation/roles/{w.roles['sales_rep'].pk}/",
     [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("another organisation's role", lambda w: f"/organisation/roles/{factories.RoleFactory().pk}/",
     [LOGIN, 403, 403, 403, 403, 404, 403, 403]),
    ("pipeline stages", lambda w: "/organisation/pipeline/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("new stage", lambda w: "/organisation/pipeline/new/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("edit stage", lambda w: f"/organisation/pipeline/{w.stages[0].pk}/", [LOGIN, 403, 403, 403, 403, 200, 403, 403]),
    ("welcome page", lambda w: "/welcome/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("my recent activities", lambda w: "/activities/mine/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("my deals", lambda w: "/activities/deals/", [LOGIN, 403, 200, 200, 200, 200, 200, 200]),
    ("correct rita's activity", lambda w: f"/activities/{_ritas_activity(w)}/correct/",
     [LOGIN, 403, 200, 404, 404, 404, 404, 404]),
]


def _ritas_activity(world: World) -> int:
    from apps.activities.services import activity_log

    account = factories.AccountFactory(organisation=world.org)
    activity, _created = activity_log(owner_id=world.rita.pk, type="call", account=account, summary="Called")
    return activity.pk


POST_ONLY_LEAD: list[tuple[str, Url]] = [
    ("move stage", lambda w: f"/organisation/pipeline/{w.stages[1].pk}/move/"),
    ("delete stage", lambda w: f"/organisation/pipeline/{w.stages[1].pk}/delete/"),
    ("create role", lambda w: "/organisation/roles/new/"),
    ("edit role", lambda w: f"/organisation/roles/{w.roles['sales_rep'].pk}/"),
]


@pytest.mark.parametrize(("name", "url"), POST_ONLY_LEAD, ids=[m[0] for m in POST_ONLY_LEAD])
def test_configuration_writes_are_refused_to_everyone_but_the_lead(world: World, name: str, url: Url) -> None:
    from apps.trust.models import AuditEntry

    entries_before = AuditEntry.objects.filter(organisation=world.org).count()
    actual = {who: outcome(client_as(world, who).post(url(world), {"to": "up", "name": "X"}))
              for who in ROLES if who != "lene"}
    assert actual == {who: LOGIN if who == "anonymous" else 403 for who in ROLES if who != "lene"}
    assert AuditEntry.objects.filter(organisation=world.org).count() == entries_before


@pytest.mark.parametrize(("name", "url", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_page_access_by_role(world: World, name: str, url: Url, expected: list[Expected]) -> None:
    assert_row(world, lambda client: client.get(url(world)), dict(zip(ROLES, expected, strict=True)))


def test_forbidden_pages_show_no_personal_data(world: World) -> None:
    factories.UsageEventFactory(user=world.rita)
    body = world.client_for(world.ronja).get(f"/people/{world.rita.pk}/").content.decode()
    assert "Rita" not in body


def test_a_managers_look_is_recorded_and_shown_to_the_person(world: World) -> None:
    world.client_for(world.mads).get(f"/people/{world.rita.pk}/")
    world.client_for(world.mads).get(f"/people/{world.rita.pk}/")  # a reload is the same look

    record = AccessRecord.objects.get()
    assert (record.viewer, record.subject) == (world.mads, world.rita)
    body = world.client_for(world.rita).get("/me/").content.decode()
    assert "Who looked at my data" in body
    assert "Mads Test" in body


def test_looking_at_yourself_is_not_recorded(world: World) -> None:
    world.client_for(world.rita).get("/me/")
    world.client_for(world.rita).get(f"/api/people/{world.rita.pk}/score/")
    assert not AccessRecord.objects.exists()


def test_home_sends_each_role_to_its_dashboard(world: World) -> None:
    assert world.client_for(world.rita).get("/").url == "/me/"
    assert world.client_for(world.mads).get("/").url == "/team/"
    assert world.client_for(world.lene).get("/").url == "/lead/"


def test_a_managers_team_overview_is_recorded_for_each_rep_shown(world: World) -> None:
    world.client_for(world.mads).get("/team/")
    world.client_for(world.mads).get("/team/")  # a reload is the same look

    looked_at = set(AccessRecord.objects.filter(viewer=world.mads).values_list("subject__username", flat=True))
    assert looked_at == {"rita", "sam"}
    body = world.client_for(world.sam).get("/me/").content.decode()
    assert "team overview" in body
