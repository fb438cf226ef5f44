"""The rep's loop in a real browser: log a meeting with the keyboard, accept the next step,
see the get minutes rise on the dashboard."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from apps.activities.models import Activity
from apps.activities.services import activity_log
from apps.core.periods import week_start
from apps.scoring.services import scores_compute
from apps.suggestions.services import suggestions_after_activity
from tests import factories
from tests.conftest import World, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _get_minutes(page) -> int:
    return int(re.sub(r"[^0-9-]", "", page.get_by_test_id("get-minutes").inner_text()))


def test_rep_logs_a_meeting_by_keyboard_and_gets_value_back(world: World, page) -> None:
    account = factories.AccountFactory(organisation=world.org, name="Bornholm Bryghus")
    factories.DealFactory(account=account, owner=world.rita, stage=world.stages[1], name="Brewery pilot",
                          last_activity_at=timezone.now() - dt.timedelta(days=1))
    scores_compute(user_ids=[world.rita.pk], mondays=[week_start(timezone.localdate())])

    browser_login(page, "rita")
    assert page.url.endswith("/me/")
    before = _get_minutes(page)

    page.goto("/activities/log/")
    search = page.locator("#target-search")
    assert search.evaluate("el => el === document.activeElement"), "the picker should have focus"
    page.keyboard.type("brewery")
    page.wait_for_selector("#target-list [role=option]:has-text('Brewery pilot')")
    page.keyboard.press("Enter")
    assert page.locator("input[name=summary]").evaluate("el => el === document.activeElement")
    page.keyboard.type("They want a proposal by Friday")
    page.keyboard.press("Alt+2")  # the second type: Meeting
    assert page.locator("input[name=type][value=meeting]").is_checked()
    page.keyboard.press("Enter")

    page.wait_for_selector("[data-testid=logged]")
    suggestion = page.get_by_test_id("suggestion")
    assert "Send a proposal" in suggestion.inner_text()
    assert "usual next step" in suggestion.inner_text()
    activity = Activity.objects.get(owner=world.rita)
    assert activity.type == "meeting"
    assert activity.entry_seconds is not None

    # The accept button has focus after saving: Enter accepts.
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=suggestion-decided]")

    # Accepted is not yet a get: the dashboard says so and the minutes have not moved.
    page.goto("/me/")
    assert _get_minutes(page) == before
    assert "accepted, not yet done" in page.get_by_test_id("explanation").inner_text()

    # Doing it (logging on the deal) makes it a get.
    deal = activity.deal
    assert deal is not None
    follow_up, _created = activity_log(
        owner_id=world.rita.pk, type="email", account=account, deal=deal, summary="Proposal sent"
    )
    suggestions_after_activity(activity=follow_up)
    page.goto("/me/")
    page.screenshot(path="test-artifacts/rep-dashboard.png", full_page=True)
    assert _get_minutes(page) > before
    assert "Suggestion" in page.get_by_test_id("explanation").inner_text() or "suggestion" in page.get_by_test_id(
        "explanation").inner_text()
