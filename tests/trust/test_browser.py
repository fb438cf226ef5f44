"""In the browser: the project lead writes the charter with the keyboard; a rep reads it."""

import pytest

from tests.conftest import browser_login


@pytest.mark.browser
def test_lead_writes_a_charter_line_and_a_rep_reads_it(world, page):
    browser_login(page, "lene")
    page.goto("/trust/charter/edit/")
    page.get_by_label("Data category").first.fill("Deal stages")
    page.get_by_label("Used for", exact=True).first.fill("Coaching on where deals stall")
    # Forgetting the third text keeps what was typed and says what is missing.
    page.get_by_role("button", name="Save the charter").press("Enter")
    assert page.get_by_test_id("charter-errors").is_visible()
    assert page.get_by_label("Data category").first.input_value() == "Deal stages"
    page.get_by_label("Never used for").first.fill("Leaderboards")
    page.get_by_role("button", name="Save the charter").press("Enter")
    page.wait_for_url("**/trust/charter/")

    browser_login(page, "rita")
    page.goto("/trust/charter/")
    assert "Leaderboards" in page.get_by_test_id("charter").inner_text()
