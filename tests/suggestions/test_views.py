"""Rule pages: who may open them, editing with errors kept, switching, Danish."""

from collections.abc import Callable

import pytest
from django.http import HttpResponse
from django.test import Client

from apps.suggestions.models import RuleKind, SuggestionRule
from apps.suggestions.services import suggestion_rules_install_defaults
from tests.conftest import World
from tests.permissions import LOGIN, Expected, assert_row
from tests.suggestions.factories import SuggestionFactory, SuggestionRuleFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "rita", "mads", "lene", "sam", "maja"]


def _rule(world: World) -> SuggestionRule:
    suggestion_rules_install_defaults(organisation_id=world.org.pk)
    return SuggestionRule.objects.get(kind=RuleKind.IDLE_DEAL, stage=world.stages[0])


Request = Callable[[Client, World], HttpResponse]

# action, expected status per role (in ROLES order)
MATRIX: list[tuple[str, Request, list[Expected]]] = [
    ("rules list", lambda c, w: c.get("/suggestions/rules/"), [LOGIN, 403, 403, 403, 200, 403, 403]),
    ("edit form", lambda c, w: c.get(f"/suggestions/rules/{_rule(w).pk}/"),
     [LOGIN, 403, 403, 403, 200, 403, 403]),
    ("save edit", lambda c, w: c.post(f"/suggestions/rules/{_rule(w).pk}/",
                                      {"text_template": "Ring {deal}", "idle_days": "5", "enabled": "on"}),
     [LOGIN, 403, 403, 403, 302, 403, 403]),
    ("switch off", lambda c, w: c.post(f"/suggestions/rules/{_rule(w).pk}/toggle/", {"enabled": "0"}),
     [LOGIN, 403, 403, 403, 302, 403, 403]),
    ("decide own", lambda c, w: c.post(f"/suggestions/{SuggestionFactory(user=w.rita).pk}/decide/",
                                       {"decision": "accept"}),
     [LOGIN, 403, 302, 404, 404, 404, 404]),
]


@pytest.mark.parametrize(("name", "request_as", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_access_by_role(world: World, name: str, request_as: Request, expected: list[Expected]) -> None:
    assert_row(world, lambda client: request_as(client, world), dict(zip(ROLES, expected, strict=True)))


def test_another_organisations_rule_does_not_exist_for_the_lead(world: World) -> None:
    foreign = SuggestionRuleFactory()
    lene = world.client_for(world.lene)
    assert lene.get(f"/suggestions/rules/{foreign.pk}/").status_code == 404
    assert lene.post(f"/suggestions/rules/{foreign.pk}/toggle/", {"enabled": "0"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.enabled


def test_the_list_shows_every_stage_and_acceptance_rates(world: World) -> None:
    rule = _rule(world)
    SuggestionFactory(user=world.rita, source_rule=rule, status="accepted")
    SuggestionFactory(user=world.ronja, source_rule=rule, status="dismissed")

    body = world.client_for(world.lene).get("/suggestions/rules/").content.decode()

    assert "Follow up the proposal – {deal}" in body
    assert "50 %" in body
    assert "Acceptance rate per rule" in body  # the chart, beside the table's figures


def test_an_unknown_placeholder_keeps_what_was_typed_and_saves_nothing(world: World) -> None:
    rule = _rule(world)
    response = world.client_for(world.lene).post(
        f"/suggestions/rules/{rule.pk}/", {"text_template": "Ring {contact} today", "idle_days": "4"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Unknown placeholder {contact}" in body
    assert 'value="Ring {contact} today"' in body
    assert 'value="4"' in body
    rule.refresh_from_db()
    assert (rule.text_template, rule.idle_days, rule.enabled) == ("Get in touch about {deal}", 14, True)


def test_saving_a_rule_changes_it(world: World) -> None:
    rule = _rule(world)
    response = world.client_for(world.lene).post(
        f"/suggestions/rules/{rule.pk}/", {"text_template": "Ring {account} about {deal}", "idle_days": "5"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.text_template, rule.idle_days, rule.enabled) == ("Ring {account} about {deal}", 5, False)


def test_switching_a_rule_on_and_off(world: World) -> None:
    rule = _rule(world)
    lene = world.client_for(world.lene)
    lene.post(f"/suggestions/rules/{rule.pk}/toggle/", {"enabled": "0"})
    rule.refresh_from_db()
    assert not rule.enabled
    lene.post(f"/suggestions/rules/{rule.pk}/toggle/", {"enabled": "1"})
    rule.refresh_from_db()
    assert rule.enabled


def test_the_rules_page_in_danish(world: World) -> None:
    _rule(world)
    body = world.client_for(world.lene).get("/suggestions/rules/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Regler for næste skridt" in body
    assert "Accepteringsrate" in body


@pytest.mark.parametrize(("next_url", "secure", "expected"), [
    ("/import/", False, "/import/"),
    ("https://evil.example/", False, "/me/"),
    ("http://testserver/import/", True, "/me/"),  # never from HTTPS down to HTTP
    ("", False, "/me/"),
])
def test_deciding_returns_only_to_a_safe_page(world: World, next_url: str, secure: bool, expected: str) -> None:
    suggestion = SuggestionFactory(user=world.rita)
    response = world.client_for(world.rita).post(
        f"/suggestions/{suggestion.pk}/decide/", {"decision": "dismiss", "next": next_url}, secure=secure
    )
    assert (response.status_code, response["Location"]) == (302, expected)
