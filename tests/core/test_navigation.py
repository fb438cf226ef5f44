"""The main navigation: every entry resolves, an unknown URL name fails loudly, each role sees its own."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from apps.core import navigation
from apps.core.navigation import NAV, entry_url, navigation_for
from apps.roles.context_processors import in_audience
from apps.roles.context_processors import navigation as navigation_context
from tests import factories
from tests.conftest import World

# What each test person's menu holds (url names), written out by hand from the audiences.
MINE = ["dashboards:me", "welcome:start", "activities:log", "activities:deals", "digests:latest", "givegets:contracts", "quickwins:milestones",
        "pulse:mine", "imports:start", "trust:my_data", "adoption:mine"]
EXPECTED_WORK = {
    "rita": ["ambassadors:list"],
    "sam": ["service:accounts", "ambassadors:list"],
    "maja": ["campaigns:list", "ambassadors:list"],
    "mads": ["dashboards:team", "coaching:team", "rollout:team", "pulse:team", "adoption:teams", "campaigns:overview",
             "ambassadors:list"],
    "lene": ["dashboards:lead", "rollout:phases", "pulse:overview", "adoption:organisation", "suggestions:rules",
             "campaigns:overview",
             "ambassadors:list", "people:list", "roles:list", "pipeline:stages", "integrations:keys", "integrations:identities",
             "integrations:usage_imports", "trust:history"],
}


def test_every_navigation_entry_names_a_url() -> None:
    assert all(entry_url(name).startswith("/") for name, _label, _audience, _group in NAV)


def test_an_entry_naming_an_unknown_url_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(navigation, "NAV", [*NAV, ("dashboards:renamed", "Gone", "member", "mine")])
    with pytest.raises(ImproperlyConfigured, match="dashboards:renamed"):
        navigation_for(path="/me/", may_open=lambda audience: True)


def test_an_unknown_audience_fails_loudly(world: World) -> None:
    with pytest.raises(ValueError, match="everyone"):
        in_audience(world.rita, "everyone")


def _names(entries: list[dict[str, Any]]) -> list[str]:
    by_url = {entry_url(name): name for name, _label, _audience, _group in NAV}
    return [by_url[entry["url"]] for entry in entries]


@pytest.mark.parametrize("who", sorted(EXPECTED_WORK))
def test_each_role_sees_its_own_entries(world: World, who: str) -> None:
    request = RequestFactory().get("/me/")
    request.user = getattr(world, who)
    context = navigation_context(request)
    assert _names(context["nav_mine"]) == MINE
    assert _names(context["nav_work"]) == EXPECTED_WORK[who]
    assert [e["active"] for e in context["nav_mine"]] == [name == "dashboards:me" for name in MINE]


@pytest.mark.parametrize("who", sorted(EXPECTED_WORK))
def test_each_roles_menu_renders_on_a_page(world: World, who: str) -> None:
    html = world.client_for(getattr(world, who)).get("/trust/my-data/", follow=True).content.decode()
    for name in MINE + EXPECTED_WORK[who]:
        assert f'href="{entry_url(name)}"' in html


def test_people_without_a_role_and_anonymous_people_see_no_entries(world: World) -> None:
    for user in (AnonymousUser(), factories.UserFactory(username="outsider")):
        request = RequestFactory().get("/")
        request.user = user
        assert navigation_context(request) == {"nav_mine": [], "nav_work": []}
