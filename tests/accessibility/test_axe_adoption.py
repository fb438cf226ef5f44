"""The adoption pages the navigation does not link directly (seats, a narrowed group, a phase
with its impact, a chosen period) pass axe-core's WCAG 2 A/AA checks on the demo organisation."""

from typing import Any

import pytest
from django.core.management import call_command

from apps.demo.seed import ORGANISATION_NAME
from apps.roles.models import Team
from apps.rollout.models import RolloutPhase
from tests.accessibility.test_axe import _violations
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leads_adoption_pages_are_accessible(page: Any) -> None:
    call_command("seed_demo")
    phase = RolloutPhase.objects.filter(organisation__name=ORGANISATION_NAME).order_by("order").first()
    team = Team.objects.filter(organisation__name=ORGANISATION_NAME).order_by("name").first()
    assert phase is not None
    assert team is not None
    browser_login(page, "lene", password="demo1234")
    problems: list[str] = []
    for url in ["/adoption/?days=90", f"/adoption/?scope=team:{team.pk}", f"/adoption/?scope=phase:{phase.pk}",
                "/adoption/seats/", f"/rollout/{phase.pk}/", "/adoption/me/?days=180"]:
        page.goto(url)
        page.wait_for_load_state()
        problems += _violations(page)
    assert not problems, "\n".join(problems)
