"""A service agent logs a case with the keyboard only and reads the customer's whole timeline."""

import datetime as dt

import pytest

from apps.activities.models import Activity, ActivityType
from apps.service.models import Case
from tests import factories
from tests.conftest import browser_login
from tests.factories import aware


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sam_logs_a_case_by_keyboard_and_sees_it_beside_rita_s_meeting(world, page):
    account = factories.AccountFactory(organisation=world.org, name="Bornholm Bryghus")
    factories.AccountFactory(organisation=world.org, name="Skive Staal")
    Activity.objects.create(owner=world.rita, type=ActivityType.MEETING, account=account,
                            summary="Demo went well; they want a proposal", occurred_at=aware(dt.date(2026, 10, 1)))
    browser_login(page, "sam")
    page.goto("/service/cases/new/")
    # The account field has focus on arrival; everything below is typed, nothing clicked.
    assert page.evaluate("document.activeElement.id") == "id_account"
    page.keyboard.type("bornholm")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_subject"
    page.keyboard.type("Invoice shows the wrong VAT")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/service/accounts/{account.pk}/")
    timeline = page.get_by_test_id("timeline")
    case_entry = timeline.locator("[data-kind=case]")
    assert "Invoice shows the wrong VAT" in case_entry.inner_text()
    assert "Sam Test" in case_entry.inner_text()
    meeting = timeline.locator("[data-kind=activity]")
    assert "Demo went well; they want a proposal" in meeting.inner_text()
    assert "Rita Test" in meeting.inner_text()
    assert page.get_by_test_id("open-cases").inner_text() == "1"
    case = Case.objects.get()
    assert (case.account_id, case.opened_by_id) == (account.pk, world.sam.pk)
    assert case.entry_seconds is not None
