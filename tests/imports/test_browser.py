"""The import in a real browser, by keyboard where it matters: upload → map → preview → import → progress → result."""

from pathlib import Path
from typing import Any

import pytest

from apps.activities.models import Activity
from tests.conftest import World, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_spreadsheet_from_upload_to_result(page: Any, world: World, tmp_path: Path) -> None:
    spreadsheet = tmp_path / "mine-moeder.csv"
    spreadsheet.write_bytes(
        "Mine møder\n\nDato;Type;Kunde;Resumé\n20. oktober 2023;Møde;Fyns Fødevarer;Demo\n"
        "21-10-2023;Opkald;Fyns Fødevarer;Tilbud\n31-02-2023;Opkald;Skive Staal;Forkert dato\n".encode("cp1252")
    )
    browser_login(page, "rita")
    page.goto("/imports/")
    page.set_input_files("#id_file", str(spreadsheet))
    page.get_by_label("Activities (calls, meetings, e-mails, notes)").check()
    page.click("#upload-button")

    # Mapping: the columns were recognised from their Danish names; the keyboard picks the policy.
    page.wait_for_selector("#map-h")
    assert page.get_by_label("Kunde").input_value() == "account"
    assert page.get_by_label("Resumé").input_value() == "summary"
    page.get_by_label("Create the account").focus()
    page.keyboard.press("Space")
    page.focus("#preview-button")
    page.keyboard.press("Enter")

    page.wait_for_selector("#preview-h")
    assert page.inner_text("#would-import") == "2"
    assert page.inner_text("#problem-rows") == "1"
    assert "31-02-2023" in page.inner_text("[data-testid=problems]")
    page.click("#import-button")

    page.wait_for_selector("#progress-h")
    bar = page.locator("#import-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    page.click("#result-link a")

    page.wait_for_selector("#result-h")
    assert page.inner_text("#imported-rows") == "2"
    assert page.inner_text("#error-rows") == "1"
    with page.expect_download() as download_info:
        page.click("#download-invalid")
    downloaded = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert downloaded.splitlines()[0] == "Dato;Type;Kunde;Resumé;error"
    assert Activity.objects.filter(owner=world.rita).count() == 2
