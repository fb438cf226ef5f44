"""Pulse pages: who may open what, the check's form behaviour, anonymity, Danish."""

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.pulse.models import PulseResponse, PulseSettings, PulseSkip
from apps.roles.models import Team
from tests.permissions import LOGIN, OK, assert_row, send
from tests.pulse.factories import PulseResponseFactory, team_people

PEOPLE = ["rita", "mads", "lene", "sam", "maja"]
# url name, method, who may (everyone else gets 403)
MATRIX = [
    ("pulse:check", "get", {"rita", "mads", "lene", "sam", "maja"}),
    ("pulse:mine", "get", {"rita", "mads", "lene", "sam", "maja"}),
    ("pulse:skip", "post", {"rita", "mads", "lene", "sam", "maja"}),
    ("pulse:overview", "get", {"lene"}),
    ("pulse:team", "get", {"mads"}),
    ("pulse:settings", "get", {"lene"}),
    ("pulse:settings", "post", {"lene"}),
]


@pytest.mark.parametrize(("name", "method", "allowed"), MATRIX)
def test_permission_matrix(world: Any, name: str, method: str, allowed: set[str]) -> None:
    url = reverse(name)
    assert_row(world, send(method, url), {"anonymous": LOGIN})
    assert_row(world, send(method, url, {"cadence_days": "21"}), {who: OK if who in allowed else 403 for who in PEOPLE})


def test_the_check_stores_an_answer_and_returns_to_the_dashboard(world: Any) -> None:
    client = world.client_for(world.rita)
    page = client.get(reverse("pulse:check"))
    token = page.context["form"]["form_token"].value()
    response = client.post(reverse("pulse:check"), {
        "form_token": token, "pu1": "6", "pu2": "6", "peou1": "5", "peou2": "3", "next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    stored = PulseResponse.objects.get(user=world.rita)
    assert (stored.perceived_usefulness, stored.perceived_ease_of_use) == (Decimal("6.00"), Decimal("4.00"))


def test_a_missing_item_is_named_and_the_other_answers_are_kept(world: Any) -> None:
    client = world.client_for(world.rita)
    response = client.post(reverse("pulse:check"), {
        "form_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "pu1": "6", "pu2": "2", "peou1": "5"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Pick a number from 1 to 7 for this statement." in html
    assert 'name="pu2" value="2" id="id_pu2_1" checked' in html
    assert not PulseResponse.objects.exists()


def test_the_check_says_when_the_next_one_opens_after_an_answer(world: Any) -> None:
    PulseResponseFactory(user=world.rita)
    response = world.client_for(world.rita).get(reverse("pulse:check"))
    assert b'data-testid="pulse-not-yet"' in response.content
    assert b'name="pu1"' not in response.content


def test_skipping_records_a_skip_and_goes_back(world: Any) -> None:
    response = world.client_for(world.rita).post(reverse("pulse:skip"), {"next": "/me/"})
    assert response["Location"] == "/me/"
    assert PulseSkip.objects.filter(user=world.rita).count() == 1


def test_skip_ignores_an_offsite_next(world: Any) -> None:
    response = world.client_for(world.rita).post(reverse("pulse:skip"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("dashboards:me")


def test_my_answers_page_shows_only_my_own_answers(world: Any) -> None:
    PulseResponseFactory(user=world.rita, answers={"pu1": 2, "pu2": 2, "peou1": 3, "peou2": 3},
                         perceived_usefulness=Decimal("2"), perceived_ease_of_use=Decimal("3"))
    PulseResponseFactory(user=world.ronja, perceived_usefulness=Decimal("6.5"))
    rita_page = world.client_for(world.rita).get(reverse("pulse:mine")).content.decode()
    assert "2.0" in rita_page
    assert "6.5" not in rita_page
    ronja_page = world.client_for(world.ronja).get(reverse("pulse:mine")).content.decode()
    assert "6.5" in ronja_page


def test_lead_overview_hides_small_groups_and_shows_large_ones(world: Any) -> None:
    for person in team_people(team=world.north, role=world.roles["sales_rep"], count=5, prefix="n"):
        PulseResponseFactory(user=person, perceived_usefulness=Decimal("6"), perceived_ease_of_use=Decimal("5"))
    PulseResponseFactory(user=world.ronja, perceived_usefulness=Decimal("1"))
    html = world.client_for(world.lene).get(reverse("pulse:overview")).content.decode()
    teams_table = html[html.index('data-testid="pulse-teams"'):]
    north_row = teams_table[teams_table.index("North"):teams_table.index("</tr>", teams_table.index("North"))]
    south_row = teams_table[teams_table.index("South"):teams_table.index("</tr>", teams_table.index("South"))]
    assert "6.00" in north_row
    assert "hidden to protect anonymity" in south_row


def test_manager_sees_only_their_own_teams(world: Any) -> None:
    for person in team_people(team=world.south, role=world.roles["sales_rep"], count=5, prefix="s"):
        PulseResponseFactory(user=person, perceived_usefulness=Decimal("6"))
    html = world.client_for(world.mads).get(reverse("pulse:team")).content.decode()
    assert "North" in html
    assert "South" not in html
    assert "6.00" not in html  # South's answers are outside mads' scope


def test_settings_reject_a_short_cadence_and_keep_the_typed_value(world: Any) -> None:
    response = world.client_for(world.lene).post(reverse("pulse:settings"), {"cadence_days": "7", "enabled": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Leave at least 14 days between checks" in html
    assert 'value="7"' in html
    assert not PulseSettings.objects.exists()


def test_settings_save(world: Any) -> None:
    response = world.client_for(world.lene).post(reverse("pulse:settings"), {"cadence_days": "28"})
    assert response.status_code == 302
    saved = PulseSettings.objects.get(organisation=world.org)
    assert (saved.cadence_days, saved.enabled) == (28, False)


def test_the_check_renders_in_danish(world: Any) -> None:
    response = world.client_for(world.rita).get(reverse("pulse:check"), HTTP_ACCEPT_LANGUAGE="da")
    html = response.content.decode()
    assert "CRM-systemet er nemt at bruge." in html
    assert "Send mine svar" in html


def test_the_prompt_tag_shows_only_when_due(world: Any) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/me/")
    request.user = world.rita
    template = Template("{% load pulse %}{% pulse_prompt %}")
    assert "pulse-prompt" in template.render(Context({"request": request}))
    PulseSkip.objects.create(user=world.rita, skipped_at=timezone.now())
    request.user = type(world.rita).objects.get(pk=world.rita.pk)
    assert "pulse-prompt" not in template.render(Context({"request": request}))


def test_a_refused_check_keeps_where_to_go_back_to(world: Any) -> None:
    """After a 400 the form still carries `next`, so the corrected submit returns to the same page."""
    response = world.client_for(world.rita).post(reverse("pulse:check"), {
        "form_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "pu1": "6", "next": "/me/"})
    assert response.status_code == 400
    assert response.content.decode().count('name="next" value="/me/"') == 2  # the check and the skip form


def test_overview_queries_do_not_grow_with_teams_and_people(world: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(6):
        team = Team.objects.create(organisation=world.org, name=f"Team {i}")
        for person in team_people(team=team, role=world.roles["sales_rep"], count=5, prefix=f"t{i}-"):
            PulseResponseFactory(user=person)
    client = world.client_for(world.lene)
    client.get(reverse("pulse:overview"))  # warm the session and the cached membership
    with django_assert_max_num_queries(9):
        response = client.get(reverse("pulse:overview"))
    assert response.content.decode().count("5.00") >= 6
