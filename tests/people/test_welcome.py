"""A person's first page: their role's Give-Gets in words, the week-one quick win with its due date, one next step."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import timezone

from apps.activities.services import activity_log
from apps.people import services
from apps.people.onboarding import give_get_sentence
from apps.quickwins.models import QuickWinMilestone
from apps.roles.models import Membership, Role, RoleKind, Team
from apps.rollout.models import PhaseStatus, RolloutPhase
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def fjord(django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        created = services.organisation_create(name="Fjord ApS", lead_email="lead@fjord.dk")
        team = services.team_get_or_create(organisation_id=created.organisation.pk, name="Nord")
        rep = services.person_add(organisation_id=created.organisation.pk, email="rep@fjord.dk", full_name="Rikke Rep",
                                  role_id=Role.objects.get(organisation=created.organisation, kind=RoleKind.SALES_REP).pk,
                                  team_id=team.pk)
    return created, team, rep


def test_organisation_create_ships_give_gets_and_a_quick_win_per_role(fjord: Any) -> None:
    created, _team, _rep = fjord
    names = sorted(QuickWinMilestone.objects.filter(role__organisation=created.organisation)
                   .values_list("role__kind", "name"))
    assert names == sorted([
        (RoleKind.MANAGER, "Write your first coaching note"), (RoleKind.MARKETER, "Log your first campaign"),
        (RoleKind.SALES_REP, "Log your first call"), (RoleKind.SERVICE_AGENT, "Log your first case"),
    ])
    sales = Role.objects.get(organisation=created.organisation, kind=RoleKind.SALES_REP)
    assert sales.contracts.count() == 2


def test_the_sentence_says_minutes_given_and_saved(fjord: Any) -> None:
    created, _team, _rep = fjord
    contract = Role.objects.get(organisation=created.organisation, kind=RoleKind.SALES_REP).contracts.get(
        give_kind="meeting_logged")
    assert give_get_sentence(contract) == (
        "You give about 5 minutes per “Meeting logged”; you get “Weekly digest”, which saves you about "
        "60 minutes every week."
    )


def test_setting_the_password_lands_on_the_welcome_page_signed_in(fjord: Any, client: Any) -> None:
    _created, _team, rep = fjord
    link = services.invitation_send(user=rep, base_url="http://testserver")
    path = link.removeprefix("http://testserver")
    form_page = client.get(path, follow=True)  # Django swaps the token for a session URL first
    response = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
                           {"new_password1": "Rep-secret-2026", "new_password2": "Rep-secret-2026"}, follow=True)
    assert response.redirect_chain[-1][0] == "/welcome/"
    body = response.content.decode()
    assert "Password saved" in body
    assert "Welcome, Rikke" in body
    assert "60 minutes every week" in body
    assert len(mail.outbox) >= 1


def test_before_go_live_the_quick_win_says_so_and_the_next_step_is_the_first_call(fjord: Any, client: Any) -> None:
    _created, _team, rep = fjord
    client.force_login(rep)
    body = client.get("/welcome/").content.decode()
    assert "Log your first call" in body
    assert "has not gone live yet" in body
    assert "/activities/log/?type=call" in body


def test_the_quick_win_has_its_due_date_from_the_team_phase_and_turns_achieved(fjord: Any, client: Any) -> None:
    created, team, rep = fjord
    today = timezone.localdate()
    go_live = today - dt.timedelta(days=2)
    phase = RolloutPhase.objects.create(organisation=created.organisation, name="Nord first", order=1,
                                        status=PhaseStatus.LIVE, planned_start=go_live - dt.timedelta(days=7),
                                        go_live_on=go_live)
    phase.teams.add(team)
    User.objects.filter(pk=rep.pk).update(date_joined=timezone.now() - dt.timedelta(days=10))
    client.force_login(rep)
    body = client.get("/welcome/").content.decode()
    due = go_live + dt.timedelta(days=7)  # the shipped milestone is due 7 days after go-live
    assert f"it is due on {due:%-d} {due:%B} {due:%Y}" in body
    assert "5 days left" in body

    account = factories.AccountFactory(organisation=created.organisation)
    activity_log(owner_id=rep.pk, type="call", account=account, summary="First call")
    body = client.get("/welcome/").content.decode()
    assert "Achieved on time" in body
    assert "See your score" in body


def test_a_lead_alone_is_told_to_import_people(client: Any, django_capture_on_commit_callbacks: Any) -> None:
    created = services.organisation_create(name="Solo", lead_email="solo@x.dk")
    client.force_login(created.lead)
    body = client.get("/welcome/").content.decode()
    assert "Import your people" in body
    assert Membership.objects.filter(organisation=created.organisation).count() == 1
    assert not Team.objects.exists()


def test_the_welcome_page_and_the_shipped_names_in_danish(fjord: Any, client: Any) -> None:
    created, _team, rep = fjord
    client.force_login(rep)
    body = client.get("/welcome/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Velkommen, Rikke" in body
    assert "Log dit første opkald" in body  # the shipped quick win, stored in English
    assert "sparer dig cirka 60 minutter hver uge" in body
    client.force_login(created.lead)
    stages = client.get("/organisation/pipeline/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    roles = client.get("/organisation/roles/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Salgsfaser" in stages
    assert "Vundet" in stages
    assert "Sælger" in roles
