"""A lead brings in a HubSpot login history in a real browser: upload → preview → import → result."""

from pathlib import Path
from typing import Any

import pytest

from apps.identities.services import external_identity_add
from apps.usage.models import UsageEvent
from tests.conftest import World, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).parent / "fixtures"


def test_lead_uploads_a_hubspot_login_history_and_imports_it(page: Any, world: World, tmp_path: Path) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="hubspot",
                          external_id="rita@example.com")
    export = tmp_path / "login-history.csv"
    # HubSpot's export as Excel on Windows would save it: UTF-16 with a byte-order mark.
    export.write_bytes((FIXTURES / "hubspot_logins.csv").read_text().encode("utf-16"))
    browser_login(page, "lene")
    page.goto("/integrations/usage-imports/")
    page.get_by_label("Format", exact=True).select_option("hubspot-logins")
    page.set_input_files("#file", str(export))
    page.get_by_role("button", name="Upload and preview").click()

    preview = page.locator("[data-testid=usage-preview]")
    preview.wait_for()
    assert "1 of 2 CRM users are mapped to people." in preview.inner_text()
    assert "someone@else.example" in preview.inner_text()
    assert "Row 5" in preview.inner_text()
    page.get_by_role("button", name="Import the whole file").focus()
    page.keyboard.press("Enter")

    page.locator("[data-testid=usage-progress]").wait_for()
    assert page.inner_text("[data-testid=accepted]") == "2"
    assert UsageEvent.objects.filter(user=world.rita, kind="login", source="crm_export").count() == 2
