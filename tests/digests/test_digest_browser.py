"""Rita opens her weekly digest in a real browser; her dashboard then shows more time got back."""

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from apps.core.periods import week_start
from apps.digests.services import digest_build_and_send
from apps.scoring.services import scores_compute
from tests import factories
from tests.conftest import World, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _get_minutes(page: Any) -> int:
    return int(re.sub(r"[^0-9-]", "", page.get_by_test_id("get-minutes").inner_text()))


def test_rita_opens_her_digest_and_gets_time_back(world: World, page: Any) -> None:
    factories.ContractFactory(role=world.roles["sales_rep"])  # the digest saves a rep 60 minutes
    this_monday = week_start(timezone.localdate())
    digest_build_and_send(user_id=world.rita.pk, week_start=this_monday - dt.timedelta(weeks=1), send_email=False)
    scores_compute(user_ids=[world.rita.pk], mondays=[this_monday])

    browser_login(page, "rita")
    page.goto("/me/")
    before = _get_minutes(page)

    # From the dashboard, by keyboard: focus the main navigation's "My digest" link and press Enter.
    link = page.get_by_role("navigation").get_by_role("link", name="My digest")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/digests/")
    assert "Your week" in page.get_by_test_id("digest-title").inner_text()
    assert page.get_by_role("heading", name="Your Net Beneficiary").is_visible()

    page.goto("/me/")
    assert _get_minutes(page) == before + 60
