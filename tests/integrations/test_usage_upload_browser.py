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


def test_lead_imports_a_danish_excel_csv_with_the_time_spent_guessed(page: Any, world: World, tmp_path: Path) -> None:
    external_identity_add(organisation_id=world.org.pk, user_id=world.rita.pk, source="csv", external_id="rita")
    export = tmp_path / "aktivitet.csv"
    # As Danish Excel saves "CSV (semikolonsepareret)": semicolons, decimal commas, minutes.
    export.write_text("Id;Bruger;Tidspunkt;Handling;Varighed (min)\n"
                      "d1;rita;17.11.2026 09:00;Oprettet;1,5\n"
                      "d2;rita;17.11.2026 09:10;Opdateret;0,25\n"
                      "d3;rita;17.11.2026 09:20;Opdateret;\n", encoding="utf-8")
    browser_login(page, "lene")
    page.goto("/integrations/usage-imports/")
    page.get_by_label("Format", exact=True).select_option("csv")
    page.set_input_files("#file", str(export))
    page.fill("#person_column", "Bruger")
    page.select_option("#identity_source", "csv")
    page.fill("#time_column", "Tidspunkt")
    page.fill("#type_column", "Handling")
    page.fill("#id_column", "Id")
    page.fill("#type_map", "Oprettet = record_created\nOpdateret = record_updated")
    page.get_by_role("button", name="Upload and preview").click()

    duration = page.locator("[data-testid=duration-preview]")
    duration.wait_for()
    assert "Varighed (min)" in duration.inner_text()
    assert "2 entries" in duration.inner_text()
    page.get_by_role("button", name="Import the whole file").click()
    page.locator("[data-testid=usage-progress]").wait_for()
    assert page.inner_text("[data-testid=accepted]") == "3"
    stored = dict(UsageEvent.objects.filter(user=world.rita, source="crm_export")
                  .values_list("idempotency_key", "duration_seconds"))
    assert sorted(stored.values(), key=lambda s: -1 if s is None else s) == [None, 15, 90]
