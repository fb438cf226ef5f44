"""In the browser: a manager opens a rep's coaching page; the rep then sees who looked."""

import pytest

from tests.conftest import browser_login


@pytest.mark.browser
def test_manager_look_at_coaching_page_shows_up_in_reps_my_data(world, page):
    browser_login(page, "mads")
    page.goto("/coaching/")
    # Keyboard only: focus the rep's link and follow it with Enter.
    page.get_by_role("link", name="Rita Test").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/coaching/team/*/people/*/")
    assert "Coaching: Rita Test in North" in page.locator("h1").inner_text()
    assert page.get_by_text("This look is recorded and shown to the person.").is_visible()

    browser_login(page, "rita")
    page.get_by_role("link", name="My data").click()
    looks = page.get_by_test_id("looks")
    assert "Mads Test" in looks.inner_text()
    assert "coaching page" in looks.inner_text()
