"""Rollout pages: who may open what, form errors that keep the input, Danish."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.rollout.models import PhaseEvent, PhaseStatus, RolloutPhase
from apps.rollout.services import gate_evaluate
from tests.permissions import OK, assert_pages, get, post
from tests.rollout.factories import PhaseFactory, snapshot

TODAY = timezone.localdate()
LEAD_GET = ["phases", "create", "detail", "edit", "override"]
LEAD_POST = ["move", "go_live", "complete", "evaluate"]


def _url(name: str, phase: RolloutPhase) -> str:
    if name in ("phases", "create", "team"):
        return reverse(f"rollout:{name}")
    return reverse(f"rollout:{name}", args=[phase.pk])


@pytest.fixture
def phase(world: Any) -> RolloutPhase:
    return PhaseFactory(organisation=world.org, order=1, teams=[world.north], status=PhaseStatus.LIVE,
                        go_live_on=TODAY - dt.timedelta(weeks=3), planned_start=TODAY - dt.timedelta(weeks=4))


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("rita", set()), ("sam", set()), ("maja", set()), ("mads", {"team"}),
     ("lene", set(LEAD_GET + LEAD_POST))],
)
def test_permission_matrix(world: Any, phase: RolloutPhase, username: str, allowed: set[str]) -> None:
    names = [*LEAD_GET, *LEAD_POST, "team"]
    requests = {
        name: post(_url(name, phase), {"direction": "up"}) if name in LEAD_POST else get(_url(name, phase))
        for name in names
    }
    # Allowed pages answer or redirect (never to the login page); every other page is 403.
    assert_pages(world.client_for(getattr(world, username)), requests,
                 {name: OK if name in allowed else 403 for name in names})


def test_anonymous_is_sent_to_login(world: Any, phase: RolloutPhase) -> None:
    for name in [*LEAD_GET, *LEAD_POST, "team"]:
        url = _url(name, phase)
        response = Client().post(url) if name in LEAD_POST else Client().get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name


def test_phase_of_another_organisation_is_404_for_a_lead(world: Any) -> None:
    foreign = PhaseFactory(name="Someone else's phase")
    client = world.client_for(world.lene)
    assert client.get(reverse("rollout:detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("rollout:go_live", args=[foreign.pk])).status_code == 404
    assert foreign.events.count() == 0


def test_lead_creates_a_phase_through_the_form(world: Any) -> None:
    response = world.client_for(world.lene).post(reverse("rollout:create"), {
        "name": "North first", "teams": [world.north.pk], "planned_start": TODAY.isoformat(),
        "go_live_on": (TODAY + dt.timedelta(days=7)).isoformat(), "min_net_beneficiary_pct": "70",
        "min_quickwin_on_time_pct": "80", "min_weeks_live": "2", "min_pulse_score": "4.5",
    })
    phase = RolloutPhase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rollout:detail", args=[phase.pk])
    assert (phase.name, phase.order, str(phase.min_pulse_score)) == ("North first", 1, "4.50")


def test_bad_input_shows_errors_keeps_what_was_typed_and_saves_nothing(world: Any, phase: RolloutPhase) -> None:
    response = world.client_for(world.lene).post(reverse("rollout:create"), {
        "name": "Overlapping idea", "teams": [world.north.pk], "planned_start": TODAY.isoformat(),
        "go_live_on": (TODAY + dt.timedelta(days=7)).isoformat(), "min_net_beneficiary_pct": "120",
        "min_quickwin_on_time_pct": "80", "min_weeks_live": "2", "min_pulse_score": "",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a share between 0 and 100 %." in body
    assert 'value="Overlapping idea"' in body
    assert RolloutPhase.objects.count() == 1
    # With a valid share, the overlap with the live phase is reported on the teams field.
    response = world.client_for(world.lene).post(reverse("rollout:create"), {
        "name": "Overlapping idea", "teams": [world.north.pk], "planned_start": TODAY.isoformat(),
        "go_live_on": (TODAY + dt.timedelta(days=7)).isoformat(), "min_net_beneficiary_pct": "70",
        "min_quickwin_on_time_pct": "80", "min_weeks_live": "2",
    })
    assert f"North is already covered by “{phase.name}”" in response.content.decode()
    assert RolloutPhase.objects.count() == 1


def test_override_form_requires_a_reason_of_ten_characters(world: Any, phase: RolloutPhase) -> None:
    planned = PhaseFactory(organisation=world.org, order=2, teams=[world.south],
                           go_live_on=TODAY, planned_start=TODAY - dt.timedelta(days=1))
    client = world.client_for(world.lene)
    blocked = client.post(reverse("rollout:go_live", args=[planned.pk]), follow=True)
    assert "has not passed its gate" in blocked.content.decode()
    url = reverse("rollout:override", args=[planned.pk])
    short = client.post(url, {"action": "go_live", "reason": "  because "})
    assert "Give a reason of at least 10 characters." in short.content.decode()
    planned.refresh_from_db()
    assert planned.status == PhaseStatus.PLANNED
    client.post(url, {"action": "go_live", "reason": "Sales director wants South before Q3"})
    planned.refresh_from_db()
    assert planned.status == PhaseStatus.LIVE
    history = client.get(reverse("rollout:detail", args=[planned.pk])).content.decode()
    assert "Sales director wants South before Q3" in history
    assert "Override" in history


def test_readiness_shows_criteria_trend_and_aggregate_story_without_names(world: Any, phase: RolloutPhase) -> None:
    snapshot(world.rita, net=30)
    snapshot(world.sam, net=-10)
    gate_evaluate(phase=phase, today=TODAY)
    body = world.client_for(world.lene).get(reverse("rollout:detail", args=[phase.pk])).content.decode()
    assert "Would not pass now" in body
    assert "1 of 2 scored people are net beneficiaries." in body
    assert '<svg class="chart"' in body
    assert 'data-testid="trend-table"' in body
    assert "Sam" not in body
    assert "Rita" not in body


def test_manager_sees_only_phases_covering_their_teams(world: Any, phase: RolloutPhase) -> None:
    PhaseFactory(organisation=world.org, order=2, name="South only", teams=[world.south])
    snapshot(world.rita, net=30)
    snapshot(world.sam, net=-10)
    body = world.client_for(world.mads).get(reverse("rollout:team")).content.decode()
    assert phase.name in body
    assert "South only" not in body
    assert "50 %" in body  # rita and sam: one of two in North is a net beneficiary


def test_phases_page_in_danish(world: Any, phase: RolloutPhase) -> None:
    response = world.client_for(world.lene).get(reverse("rollout:phases"), HTTP_ACCEPT_LANGUAGE="da")
    body = response.content.decode()
    assert "Udrulningsfaser" in body
    assert "Ny fase" in body


def test_move_buttons_reorder_planned_phases(world: Any) -> None:
    first = PhaseFactory(organisation=world.org, order=1, teams=[world.north], planned_start=TODAY,
                         go_live_on=TODAY + dt.timedelta(days=7))
    second = PhaseFactory(organisation=world.org, order=2, teams=[world.south], planned_start=TODAY,
                          go_live_on=TODAY + dt.timedelta(days=14))
    world.client_for(world.lene).post(reverse("rollout:move", args=[second.pk]), {"direction": "up"})
    assert list(RolloutPhase.objects.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]
    assert not PhaseEvent.objects.exists()


def test_phases_page_costs_the_same_queries_for_many_phases(
    world: Any, phase: RolloutPhase, django_assert_max_num_queries: Any
) -> None:
    client = world.client_for(world.lene)
    client.get(reverse("rollout:phases"))  # warm the session and policy caches
    for order in range(2, 12):
        PhaseFactory(organisation=world.org, order=order, teams=[world.south] if order % 2 else [],
                     roles=[] if order % 2 else [world.roles["marketer"]], go_live_on=TODAY + dt.timedelta(days=order),
                     planned_start=TODAY)
        gate_evaluate(phase=RolloutPhase.objects.get(order=order), today=TODAY)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("rollout:phases"))
    assert response.content.decode().count('data-testid="phase-row"') == 11
