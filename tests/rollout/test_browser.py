"""In the browser: a lead creates a phase with a gate, sees it fail, then overrides with a reason."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from apps.rollout.models import PhaseEvent, PhaseStatus, RolloutPhase
from tests.conftest import World, browser_login
from tests.rollout.factories import snapshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _create_phase(page: Any, *, name: str, team: str, start: dt.date, go_live: dt.date) -> None:
    page.goto("/rollout/new/")
    page.get_by_label("Name").fill(name)
    page.get_by_label(team, exact=True).check()
    page.get_by_label("Planned start").fill(start.isoformat())
    page.get_by_label("Go-live date").fill(go_live.isoformat())
    page.get_by_label("Minimum share of net beneficiaries (%)").fill("70")
    page.get_by_label("Minimum weeks live").fill("2")
    page.get_by_role("button", name="Save phase").click()


def test_lead_creates_a_phase_sees_its_gate_fail_and_overrides_with_a_reason(world: World, page: Any) -> None:
    today = timezone.localdate()
    snapshot(world.rita, net=-15)  # North's rep loses time: the gate cannot pass
    browser_login(page, "lene")

    # A bad share is refused on the form, with what was typed kept.
    page.goto("/rollout/new/")
    page.get_by_label("Name").fill("North pilot")
    page.get_by_label("North", exact=True).check()
    page.get_by_label("Planned start").fill((today - dt.timedelta(weeks=4)).isoformat())
    page.get_by_label("Go-live date").fill((today - dt.timedelta(weeks=3)).isoformat())
    page.get_by_label("Minimum share of net beneficiaries (%)").fill("150")
    page.get_by_role("button", name="Save phase").click()
    assert page.get_by_text("Enter a share between 0 and 100 %.").is_visible()
    assert page.get_by_label("Name").input_value() == "North pilot"
    assert not RolloutPhase.objects.exists()

    _create_phase(page, name="North pilot", team="North", start=today - dt.timedelta(weeks=4),
                  go_live=today - dt.timedelta(weeks=3))
    page.get_by_role("button", name="Go live").click()
    assert page.get_by_test_id("phase-status").inner_text() == "Live"
    page.get_by_role("button", name="Evaluate gate now").click()
    assert page.get_by_test_id("gate-result").inner_text() == "Would not pass now"
    assert page.get_by_test_id("phase-status").inner_text() == "Gate failed"
    assert "0 of 1 scored" in page.get_by_test_id("miss-sentences").inner_text()

    _create_phase(page, name="South next", team="South", start=today, go_live=today + dt.timedelta(days=7))
    assert page.get_by_text("has not passed its gate yet").is_visible()
    page.get_by_role("link", name="Go live with an override…").click()
    reason = page.get_by_label("Why go ahead without a passed gate?")
    reason.fill("too short")
    page.get_by_role("button", name="Record override").click()
    assert page.get_by_text("Give a reason of at least 10 characters.").is_visible()
    # With the keyboard: type the reason, tab to the button, press Enter.
    reason = page.get_by_label("Why go ahead without a passed gate?")
    reason.fill("Sales director wants South live before the summer")
    reason.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/rollout/*/")
    assert page.get_by_test_id("phase-status").inner_text() == "Live"
    history = page.get_by_test_id("phase-history").inner_text()
    assert "Sales director wants South live before the summer" in history
    assert "Override" in history
    event = PhaseEvent.objects.get(phase__name="South next", to_status=PhaseStatus.LIVE)
    assert (event.is_override, event.actor_id) == (True, world.lene.pk)
